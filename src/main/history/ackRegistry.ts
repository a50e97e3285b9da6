import type { AckInput } from '../../shared/vault';
import type { Clock, TimerHandle } from '../core/clock';

/**
 * How a page answered a delivered record: stored, or why not — the page refused it (`STORAGE_FULL`,
 * `STORAGE_FAILED`), the page is gone so it never arrived (`NO_PAGE`), or no answer came in time (`NO_ACK`: it may or
 * may not have been stored).
 */
export type AckOutcome = { stored: true } | { stored: false; code: 'STORAGE_FULL' | 'STORAGE_FAILED' | 'NO_PAGE' | 'NO_ACK'; message: string };

interface Waiting {
  readonly senderId: string;
  readonly resolve: (outcome: AckOutcome) => void;
  readonly timer: TimerHandle;
}

/**
 * Main's side of "nothing lost": after delivering a sealed record to the page that started a turn, main waits
 * (bounded) for that page to say it wrote the record to its store. Only the page the record went to can answer
 * for it; an answer for an unknown record, or from another page, is ignored.
 */
export class AckRegistry {
  readonly #waiting = new Map<string, Waiting>();

  constructor(private readonly clock: Clock) {}

  /** Resolves with the page's answer for `recordId`, or `NO_ACK` after `timeoutMs`. Never rejects. */
  expect(recordId: string, senderId: string, timeoutMs: number): Promise<AckOutcome> {
    return new Promise((resolve) => {
      const timer = this.clock.setTimer(() => {
        this.#waiting.delete(recordId);
        resolve({ stored: false, code: 'NO_ACK', message: 'The page did not confirm that it saved the record.' });
      }, timeoutMs);
      this.#waiting.set(recordId, { senderId, resolve, timer });
    });
  }

  /** A page's acknowledgement. True when it answered a record this page was waiting for. */
  receive(ack: AckInput, senderId: string): boolean {
    const waiting = this.#waiting.get(ack.recordId);
    if (!waiting || waiting.senderId !== senderId) return false;
    this.#waiting.delete(ack.recordId);
    this.clock.clearTimer(waiting.timer);
    waiting.resolve(ack.stored ? { stored: true } : { stored: false, code: ack.code, message: ack.message });
    return true;
  }

  /** Stops waiting for `recordId` at once (the page is gone): its waiter gets `NO_PAGE` with `message`. */
  giveUp(recordId: string, message: string): void {
    const waiting = this.#waiting.get(recordId);
    if (!waiting) return;
    this.#waiting.delete(recordId);
    this.clock.clearTimer(waiting.timer);
    waiting.resolve({ stored: false, code: 'NO_PAGE', message });
  }

  /** Stops waiting for everything (shutdown, lock): each waiter gets `NO_ACK`. */
  dispose(): void {
    for (const [recordId, waiting] of this.#waiting) {
      this.clock.clearTimer(waiting.timer);
      waiting.resolve({ stored: false, code: 'NO_ACK', message: 'The app stopped waiting for the page.' });
      this.#waiting.delete(recordId);
    }
  }
}
