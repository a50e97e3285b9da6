/**
 * Workstations for the sync benchmarks: main wired as the app wires it (`startMainForTests`, the system clock, the
 * live feed on, default sync settings) against the benchmark's server, on a transport that notes when each record
 * version was delivered to the page (`vault.record`) — what makes the sidebar show it.
 */
import { randomUUID } from 'node:crypto';
import { systemClock } from '../../src/main/core/clock';
import type { SyncStatus } from '../../src/shared/sync/status';
import { startMainForTests, type MainForTests } from '../../test/support/mainForTests';
import { DeliveryClock } from './deliveryClock';

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
