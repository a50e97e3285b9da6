import type { Clock, TimerHandle } from './clock';

/** Gives a slot back. Calling it more than once is harmless. */
export type Release = () => void;

/** How long a waiter may wait, and what ends its wait early. */
export interface AcquireOptions {
  /** Give up after this long (on the clock given to the semaphore), rejecting with `timeoutError()`. */
  readonly waitMs?: number;
  readonly timeoutError?: () => Error;
  /** Leave the queue at once when this aborts, rejecting with its reason. */
  readonly signal?: AbortSignal;
}

interface Waiter {
  readonly grant: (release: Release) => void;
  readonly reject: (reason: unknown) => void;
  readonly signal: AbortSignal | undefined;
  readonly onAbort: () => void;
  timer: TimerHandle | null;
}

/**
 * `capacity` slots handed out first come, first served. A released slot goes straight to the longest waiter, so
 * nobody starves; a waiter that times out or is aborted leaves the queue without taking or losing a slot.
 *
 * Warning: every holder must call its release function on every path (`try { … } finally { release() }`), and code
 * holding one semaphore's slot must never wait for a slot of a semaphore taken before it in the fixed order
 * (session lock, then global model limit), or it can deadlock.
 */
export class FairSemaphore {
  #inUse = 0;
  readonly #waiters: Waiter[] = [];

  constructor(
    private readonly capacity: number,
    private readonly clock?: Clock,
  ) {}

  /** Slots held. */
  get inUse(): number {
    return this.#inUse;
  }

  /** Waiters in line. */
  get queued(): number {
    return this.#waiters.length;
  }

  /** Resolves with a release function once a slot is free. */
  acquire(options: AcquireOptions = {}): Promise<Release> {
    const { signal } = options;
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (this.#inUse < this.capacity) {
      this.#inUse += 1;
      return Promise.resolve(this.#releaser());
    }
    return new Promise<Release>((grant, reject) => {
      const leave = (reason: unknown): void => {
        const index = this.#waiters.indexOf(waiter);
        if (index < 0) return;
        this.#waiters.splice(index, 1);
        this.#forget(waiter);
        reject(reason);
      };
      const waiter: Waiter = { grant, reject, signal, onAbort: () => leave(signal?.reason), timer: null };
      if (options.waitMs !== undefined && this.clock) {
        const timeoutError = options.timeoutError ?? (() => new Error('Timed out waiting for a free slot.'));
        waiter.timer = this.clock.setTimer(() => leave(timeoutError()), options.waitMs);
      }
      signal?.addEventListener('abort', waiter.onAbort, { once: true });
      this.#waiters.push(waiter);
    });
  }

  #forget(waiter: Waiter): void {
    waiter.signal?.removeEventListener('abort', waiter.onAbort);
    if (waiter.timer && this.clock) this.clock.clearTimer(waiter.timer);
  }

  #releaser(): Release {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.#waiters.shift();
      if (!next) {
        this.#inUse -= 1;
        return;
      }
      this.#forget(next);
      next.grant(this.#releaser());
    };
  }
}
