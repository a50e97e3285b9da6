import { sleepOn, type Clock } from '../core/clock';

/** Waits `ms`, or less when `signal` aborts. Injected into the gateway so tests never sleep for real. */
export type RetrySleep = (ms: number, signal: AbortSignal) => Promise<void>;

/** The real wait, on `clock`'s timers (unref'd with the system clock); resolves early, never rejects, on abort. */
export function clockSleep(clock: Clock): RetrySleep {
  return (ms, signal) => sleepOn(clock, ms, signal).catch(() => undefined);
}

/**
 * Waits through `sleep` unless `signal` aborts first, and says whether the wait ran its course. The abort is
 * watched here as well, so a cancel ends the wait at once even if a `sleep` ignores its signal.
 */
export async function sleepUnlessAborted(sleep: RetrySleep, ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return false;
  let onAbort: () => void = () => undefined;
  const aborted = new Promise<void>((resolve) => {
    onAbort = resolve;
    signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    // A sleep that fails is treated as one that is over: the retry is better than a hung turn.
    await Promise.race([sleep(ms, signal).catch(() => undefined), aborted]);
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
  return !signal.aborted;
}
