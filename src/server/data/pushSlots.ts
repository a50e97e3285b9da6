/**
 * Concurrent pushes per token, in this process. A push body is up to PUSH_BODY_LIMIT and is held in memory while
 * parsed and committed; one token sending many at once could exhaust the process. A workstation pushes one batch
 * at a time, so a second concurrent push is already unusual and a third is refused (RATE_LIMITED) before its body
 * is read.
 */

/** Pushes one token may have in flight at once. */
export const MAX_PUSHES_PER_TOKEN = 2;

/** See the module comment. Keys are token hashes (hex), never tokens. */
export class PushSlots {
  private readonly inFlight = new Map<string, number>();

  /** Takes a slot for `key`; answers its release (idempotent), or null when the token has none left. */
  take(key: string): (() => void) | null {
    const count = this.inFlight.get(key) ?? 0;
    if (count >= MAX_PUSHES_PER_TOKEN) return null;
    this.inFlight.set(key, count + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.inFlight.get(key) ?? 1) - 1;
      if (left <= 0) this.inFlight.delete(key);
      else this.inFlight.set(key, left);
    };
  }

  /** Pushes in flight in this process (all tokens). */
  get busy(): number {
    let total = 0;
    for (const count of this.inFlight.values()) total += count;
    return total;
  }
}
