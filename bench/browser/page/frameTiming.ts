/// <reference lib="dom" />
/**
 * When the page's next frame has been drawn: a `requestAnimationFrame` callback posts a MessageChannel message,
 * which Chromium runs as the first task after that frame's rendering update (the rAF callbacks, style, layout and
 * paint run as one task). Shared by the UI benchmark's watches.
 */

/** Resolves with `performance.now()` at the first task after the next frame's rendering update. */
export function afterNextFrame(): Promise<number> {
  return new Promise((resolve) => {
    requestAnimationFrame(() => {
      const channel = new MessageChannel();
      channel.port1.onmessage = () => {
        channel.port1.close();
        resolve(performance.now());
      };
      channel.port2.postMessage(null);
    });
  });
}

/** Rejects after `timeoutMs` with a message naming `what`; `promise` otherwise. */
export function withTimeout<T>(promise: Promise<T>, timeoutMs: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)), timeoutMs);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Calls `onSubmit` with the time of the next `submit` event of any form, before the app's own handler runs. */
export function onNextSubmit(onSubmit: (at: number) => void): void {
  window.addEventListener('submit', () => onSubmit(performance.now()), { capture: true, once: true });
}
