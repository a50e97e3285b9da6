/**
 * Time, injected so that logic is exact under test. Wall time is for timestamps people read; monotonic time
 * is for durations and timeouts, which must not jump when the OS clock is changed.
 */
export interface Clock {
  /** Wall-clock time. */
  now(): Date;
  /** Milliseconds from an arbitrary origin; never goes backwards. */
  monotonicMs(): number;
}

/** The process's real clocks. */
export const systemClock: Clock = {
  now: () => new Date(),
  monotonicMs: () => performance.now(),
};
