/** Delay after the first consecutive failed unlock of a profile. */
export const UNLOCK_BASE_DELAY_MS = 250;
/** The longest delay: enough to make guessing slow, short enough that a clinician who mistypes is not locked out. */
export const UNLOCK_MAX_DELAY_MS = 30_000;

/** How long the `failures`-th consecutive failure waits before answering: min(250 ms × 2^(n−1), 30 s). */
export function unlockFailureDelayMs(failures: number): number {
  if (failures < 1) return 0;
  // Past 2^7 × 250 ms the cap applies; stopping the exponent there also keeps the arithmetic finite.
  return Math.min(UNLOCK_BASE_DELAY_MS * 2 ** Math.min(failures - 1, 16), UNLOCK_MAX_DELAY_MS);
}

/**
 * Consecutive failed passphrase attempts per profile, in memory. A restart clears them; what slows an offline
 * attacker with a copy of the files is PBKDF2 and the OS secret store, not this.
 */
export class UnlockThrottle {
  readonly #failures = new Map<string, number>();

  /** Counts a failure of `profileId` and returns how long to wait before answering it. */
  recordFailure(profileId: string): { failures: number; delayMs: number } {
    const failures = (this.#failures.get(profileId) ?? 0) + 1;
    this.#failures.set(profileId, failures);
    return { failures, delayMs: unlockFailureDelayMs(failures) };
  }

  /** Forgets the failures of `profileId` (a successful unlock, a recovery, a removal). */
  reset(profileId: string): void {
    this.#failures.delete(profileId);
  }
}
