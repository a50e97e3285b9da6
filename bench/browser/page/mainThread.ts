/// <reference lib="dom" />
/**
 * How long the page's main thread is blocked: Chromium's `longtask` entries (every task of 50 ms or more), and a
 * MessageChannel ping loop whose longest gap between two pings bounds the longest task of any length from above
 * (the ping is itself a task, so whatever ran between two pings ran as one or more other tasks).
 */
export interface MainThreadWatch {
  stop(): Promise<{ longestLongTaskMs: number; longTasks: number; longtaskSupported: boolean; longestGapMs: number }>;
}

export function watchMainThread(): MainThreadWatch {
  const longtaskSupported = PerformanceObserver.supportedEntryTypes.includes('longtask');
  const durations: number[] = [];
  const observer = longtaskSupported
    ? new PerformanceObserver((list) => {
        for (const entry of list.getEntries()) durations.push(entry.duration);
      })
    : null;
  observer?.observe({ type: 'longtask' });

  const channel = new MessageChannel();
  let running = true;
  let last = performance.now();
  let longestGapMs = 0;
  channel.port1.onmessage = () => {
    const at = performance.now();
    longestGapMs = Math.max(longestGapMs, at - last);
    last = at;
    if (running) channel.port2.postMessage(null);
  };
  channel.port2.postMessage(null);

  return {
    async stop() {
      running = false;
      // Let the last entries be delivered before reading them.
      await new Promise((resolve) => setTimeout(resolve, 50));
      if (observer) {
        for (const entry of observer.takeRecords()) durations.push(entry.duration);
        observer.disconnect();
      }
      channel.port1.close();
      return { longestLongTaskMs: durations.length > 0 ? Math.max(...durations) : 0, longTasks: durations.length, longtaskSupported, longestGapMs };
    },
  };
}
