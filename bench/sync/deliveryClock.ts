/**
 * A workstation's page as the sync benchmarks see it: an in-memory transport that notes when main first delivered
 * each version of each record to the page (`vault.record`, what makes the sidebar show it), and lets a benchmark
 * wait for one. It keeps the times, not the records (a long run must not hold every record), unless asked to.
 */
import { channelOf } from '../../src/shared/channels';
import { recordVersionOf, type RecordDelivery } from '../../src/shared/vault';
import { MemoryTransport } from '../../test/support/memoryTransport';

const RECORD_CHANNEL = channelOf('vault.record');

/** Delivery times per record version, and waits for a version to arrive. */
export class DeliveryClock extends MemoryTransport {
  /** `id` → newest version delivered and when it was first delivered. */
  readonly delivered = new Map<string, { version: number; at: number }>();
  #waiters: { id: string; version: number; resolve: (at: number) => void }[] = [];
  /** When set, every delivery's records are kept here, in order (what the page would write). */
  kept: RecordDelivery['records'][] | null = null;

  override sendTo(senderId: string, channel: string, payload: unknown): boolean {
    if (channel === RECORD_CHANNEL) {
      const at = performance.now();
      const { records } = payload as RecordDelivery;
      for (const record of records) {
        const version = recordVersionOf(record);
        const known = this.delivered.get(record.id);
        if (known === undefined || known.version < version) this.delivered.set(record.id, { version, at });
      }
      this.#waiters = this.#waiters.filter((waiter) => {
        const known = this.delivered.get(waiter.id);
        if (known === undefined || known.version < waiter.version) return true;
        waiter.resolve(known.at);
        return false;
      });
      this.kept?.push(records);
    }
    const sent = super.sendTo(senderId, channel, payload);
    // The page stores what it is sent; the bench keeps only the times (a long run must not hold every record).
    if (channel === RECORD_CHANNEL) this.sent.length = 0;
    return sent;
  }

  /** Resolves with the time `id` was delivered at `version` or newer (at once if it already was). */
  until(id: string, version: number, timeoutMs: number): Promise<number> {
    const known = this.delivered.get(id);
    if (known !== undefined && known.version >= version) return Promise.resolve(known.at);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`record not delivered within ${timeoutMs} ms`)), timeoutMs);
      this.#waiters.push({
        id,
        version,
        resolve: (at) => {
          clearTimeout(timer);
          resolve(at);
        },
      });
    });
  }
}
