import { AppError } from '../../shared/errors';
import type { Clock } from '../core/clock';
import { FairSemaphore, type Release } from '../core/fairSemaphore';

export type { Release } from '../core/fairSemaphore';

/**
 * One turn at a time for one session, in arrival order. A turn waits at most `waitMs` for the turns before it,
 * then gets `SESSION_BUSY`.
 *
 * Warning: the holder must call the release function on every path (success, error, cancel, timeout) — use
 * `try { … } finally { release() }`. A turn must never wait for its own session's lock while holding it, and
 * must take the global model-request slot only *after* this lock (always in that order), or turns deadlock.
 */
export class TurnQueue {
  readonly #lock: FairSemaphore;

  constructor(clock: Clock) {
    this.#lock = new FairSemaphore(1, clock);
  }

  /** True while a turn holds the lock or waits for it: the session is in use and must not expire. */
  get busy(): boolean {
    return this.#lock.inUse > 0;
  }

  /** Turns waiting behind the current one. */
  get waiting(): number {
    return this.#lock.queued;
  }

  /** Waits for the session's earlier turns, at most `waitMs`. Resolves with the release function. */
  acquire(waitMs: number): Promise<Release> {
    return this.#lock.acquire({
      waitMs,
      timeoutError: () => new AppError('SESSION_BUSY', 'This session is still answering an earlier message. Try again when it has finished.'),
    });
  }
}
