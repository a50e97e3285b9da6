import { FairSemaphore, type Release } from '../core/fairSemaphore';

/**
 * A global limit on model requests in flight, to protect the vLLM server. Waiters are served first come, first
 * served, so no session starves; a waiter whose signal aborts (the clinician pressed Stop) leaves the queue at once.
 *
 * Warning: take a slot only while holding the session's {@link TurnQueue} lock and release it in `finally`;
 * never wait for a session lock while holding a slot.
 */
export class ModelRequestLimiter {
  readonly #slots: FairSemaphore;

  constructor(limit: number) {
    this.#slots = new FairSemaphore(limit);
  }

  /** Requests currently holding a slot. */
  get inFlight(): number {
    return this.#slots.inUse;
  }

  /** Requests waiting for a slot. */
  get queued(): number {
    return this.#slots.queued;
  }

  /** Resolves with a release function once a slot is free; rejects with the signal's reason if aborted first. */
  acquire(signal?: AbortSignal): Promise<Release> {
    return this.#slots.acquire(signal ? { signal } : {});
  }
}
