/**
 * Workstations for the sync benchmarks: main wired as the app wires it (`startMainForTests`, the system clock, the
 * live feed on, default sync settings) against the benchmark's server, on a transport that notes when each record
 * version was delivered to the page (`vault.record`) — what makes the sidebar show it.
 */
import { randomUUID } from 'node:crypto';
import { systemClock } from '../../src/main/core/clock';
import type { SyncStatus } from '../../src/shared/sync/status';
import { channelOf } from '../../src/shared/channels';
import { recordVersionOf, type RecordDelivery } from '../../src/shared/vault';
import { MemoryTransport } from '../../test/support/memoryTransport';
import { startMainForTests, type MainForTests } from '../../test/support/mainForTests';

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

/** A workstation of the benchmark and its delivery clock. */
export interface BenchMain {
  readonly main: MainForTests;
  readonly clock: DeliveryClock;
}

/** Starts a workstation on `syncUrl`; signs a new clinician `name` in unless `signIn` is false. */
export async function startWorkstation(options: { llmBaseUrl: string; syncUrl: string; label: string; name?: string; signIn: boolean }): Promise<BenchMain> {
  const clock = new DeliveryClock();
  const main = await startMainForTests({
    llmBaseUrl: options.llmBaseUrl,
    clock: systemClock,
    newId: () => randomUUID(),
    settings: { syncServerUrl: options.syncUrl, syncWorkstationLabel: options.label, idleLockMinutes: 240 },
    signIn: options.signIn,
    syncLiveFeed: true,
    transport: clock,
    ...(options.name ? { profileName: options.name } : {}),
  });
  return { main, clock };
}

/** Runs `sync.now` until a full cycle succeeded with nothing left to push (the first sign-in runs in the background). */
export async function syncedAndDrained(main: MainForTests, timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const status = await main.callOk<SyncStatus>('sync.now');
    if (status.state === 'synced' && status.pending === 0) return;
    if (performance.now() > deadline) throw new Error(`sync did not finish: ${status.state}, ${status.pending} waiting (${status.message ?? ''})`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
