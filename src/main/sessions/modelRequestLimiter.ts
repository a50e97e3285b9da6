import type { Release } from './turnQueue';

interface Waiter {
  grant: (release: Release) => void;
  reject: (reason: unknown) => void;
  signal: AbortSignal | undefined;
  onAbort: () => void;
}

/**
 * A global limit on model requests in flight, to protect the vLLM server. Waiters are served first come, first
 * served, so no session starves; a waiter whose signal aborts (the clinician pressed Stop) leaves the queue at once.
 *
 * Warning: take a slot only while holding the session's {@link TurnQueue} lock and release it in `finally`;
 * never wait for a session lock while holding a slot.
 */
export class ModelRequestLimiter {
  #inFlight = 0;
  readonly #waiters: Waiter[] = [];

  constructor(private readonly limit: number) {}

  /** Requests currently holding a slot. */
  get inFlight(): number {
    return this.#inFlight;
  }

  /** Requests waiting for a slot. */
  get queued(): number {
    return this.#waiters.length;
  }

  /** Resolves with a release function once a slot is free; rejects with the signal's reason if aborted first. */
  acquire(signal?: AbortSignal): Promise<Release> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (this.#inFlight < this.limit) {
      this.#inFlight += 1;
      return Promise.resolve(this.#releaser());
    }
    return new Promise<Release>((grant, reject) => {
      const waiter: Waiter = {
        grant,
        reject,
        signal,
        onAbort: () => {
          const index = this.#waiters.indexOf(waiter);
          if (index >= 0) this.#waiters.splice(index, 1);
          reject(signal?.reason);
        },
      };
      signal?.addEventListener('abort', waiter.onAbort, { once: true });
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
        this.#inFlight -= 1;
        return;
      }
      next.signal?.removeEventListener('abort', next.onAbort);
      next.grant(this.#releaser());
    };
  }
}
