/**
 * Time, injected so that logic is exact under test. Wall time is for timestamps people read; monotonic time
 * is for durations and timeouts, which must not jump when the OS clock is changed. Timers are part of the
 * clock so a test clock can fire them when it is advanced, instead of tests sleeping.
 */
export interface Clock {
  /** Wall-clock time. */
  now(): Date;
  /** Milliseconds from an arbitrary origin; never goes backwards. */
  monotonicMs(): number;
  /** Calls `callback` once after `delayMs` (monotonic). The real clock's timers do not keep the process alive. */
  setTimer(callback: () => void, delayMs: number): TimerHandle;
  clearTimer(handle: TimerHandle): void;
}

/** An opaque timer handle. */
export type TimerHandle = { readonly __timer: unique symbol } | object;

/** Node's `setTimeout` accepts at most 2^31−1 ms; longer delays fire at once. Clamp to it. */
export const MAX_TIMER_DELAY_MS = 2 ** 31 - 1;

/** The process's real clocks. */
export const systemClock: Clock = {
  now: () => new Date(),
  monotonicMs: () => performance.now(),
  setTimer(callback, delayMs) {
    const timer = setTimeout(callback, Math.min(Math.max(0, delayMs), MAX_TIMER_DELAY_MS));
    timer.unref();
    return timer;
  },
  clearTimer(handle) {
    clearTimeout(handle as NodeJS.Timeout);
  },
};

/** Resolves after `delayMs` on `clock`, or rejects at once with the signal's reason when it is aborted. */
export function sleepOn(clock: Clock, delayMs: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = (): void => {
      clock.clearTimer(timer);
      reject(signal?.reason);
    };
    const timer = clock.setTimer(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, delayMs);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
