import { AppError } from '../../shared/errors';
import type { Clock, TimerHandle } from './clock';

/** Gives the lock back. Calling it more than once is harmless. */
export type Release = () => void;

interface Waiter {
  grant: (release: Release) => void;
  refuse: (error: AppError) => void;
  timer: TimerHandle;
}

/**
 * One turn at a time for one session, in arrival order. A turn waits at most `waitMs` for the turns before it,
 * then gets `SESSION_BUSY`.
 *
 * Warning: the holder must call the release function on every path (success, error, cancel, timeout) — use
 * `try { … } finally { release() }`. A turn must never wait for its own session's lock while holding it, and
 * must take the global model-request slot only *after* this lock (always in that order), or turns deadlock.
 */
export class TurnQueue {
  #held = false;
  readonly #waiters: Waiter[] = [];

  constructor(private readonly clock: Clock) {}

  /** True while a turn holds the lock or waits for it: the session is in use and must not expire. */
  get busy(): boolean {
    return this.#held || this.#waiters.length > 0;
  }

  /** Turns waiting behind the current one. */
  get waiting(): number {
    return this.#waiters.length;
  }

  /** Waits for the session's earlier turns, at most `waitMs`. Resolves with the release function. */
  acquire(waitMs: number): Promise<Release> {
    if (!this.#held) {
      this.#held = true;
      return Promise.resolve(this.#releaser());
    }
    return new Promise<Release>((grant, refuse) => {
      const waiter: Waiter = {
        grant,
        refuse,
        timer: this.clock.setTimer(() => {
          const index = this.#waiters.indexOf(waiter);
          if (index >= 0) this.#waiters.splice(index, 1);
          refuse(new AppError('SESSION_BUSY', 'This session is still answering an earlier message. Try again when it has finished.'));
        }, waitMs),
      };
      this.#waiters.push(waiter);
    });
  }

  #releaser(): Release {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.#waiters.shift();
      if (!next) {
        this.#held = false;
        return;
      }
      this.clock.clearTimer(next.timer);
      next.grant(this.#releaser());
    };
  }
}
