import { mkdtemp, readFile } from 'node:fs/promises';
import { AUDIT_LOG_FILE } from '../../src/main/audit/auditFiles';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveSettings } from '../../src/main/config/resolveSettings';
import { exactOrigins } from '../../src/main/ipc/callContext';
import { registerOperations, type RegisteredOperations } from '../../src/main/ipc/registrar';
import { silentLogger } from '../../src/main/core/logger';
import type { PowerSignals } from '../../src/main/core/platformInterfaces';
import type { Clock } from '../../src/main/core/clock';
import { createMainServices, type MainServices } from '../../src/main/services';
import { channelOf } from '../../src/shared/channels';
import type { SettingsLayer } from '../../src/shared/settings';
import type { RecordDelivery, SealedRecord } from '../../src/shared/vault';
import { FakeSecretStorage } from '../fakes/fakeSecretStorage';
import { appCaller, APP_ORIGIN_FOR_TESTS, MemoryTransport } from './memoryTransport';

/** A workstation that never reports system idleness or OS locks: page activity alone drives the idle lock. */
export const quietPower: PowerSignals = { systemIdleSeconds: () => 0, onLockOrSuspend: () => () => undefined };

/** Main, wired as the app wires it, on an in-memory transport whose page stores every record it is sent. */
export interface MainForTests {
  readonly services: MainServices;
  readonly transport: MemoryTransport;
  readonly registration: RegisteredOperations;
  readonly dataDir: string;
  /** Calls an operation as the app's page `senderId` (default page 1) and returns the envelope. */
  call<T = unknown>(operation: string, payload?: unknown, senderId?: string): Promise<{ ok: true; data: T } | { ok: false; error: { code: string; message: string } }>;
  /** {@link call}, returning the data and throwing (with the code and message) when main answered an error. */
  callOk<T = unknown>(operation: string, payload?: unknown, senderId?: string): Promise<T>;
  /** Every sealed record main delivered to any page so far, every version, in delivery order. */
  deliveredRecords(): SealedRecord[];
  /** The audit log's entries as written so far (what reached the disk; queued lines may follow). */
  auditEntries(): Promise<AuditLine[]>;
  close(): Promise<void>;
}

/** One entry of the audit log as tests read it. */
export interface AuditLine {
  readonly action: string;
  readonly profileId: string | null;
  readonly objectId: string | null;
  readonly count: number | null;
}

/** Passphrase of the clinician {@link startMainForTests} signs in. */
export const TEST_PASSPHRASE = 'correct horse battery staple';

/**
 * Starts main's services against the model server at `llmBaseUrl` in a fresh data folder, with a fake OS key store,
 * and signs a clinician in (profile created and unlocked), unless `signIn` is false.
 */
export async function startMainForTests(options: {
  llmBaseUrl: string;
  clock: Clock;
  newId: () => string;
  settings?: SettingsLayer;
  signIn?: boolean;
  /** A transport to use instead of a plain {@link MemoryTransport} (e.g. one that timestamps events). */
  transport?: MemoryTransport;
  /** System idle and OS lock/sleep signals; {@link quietPower} by default. */
  power?: PowerSignals;
  /** An existing data folder (a restart); a fresh temporary one by default. */
  dataDir?: string;
  /** The OS key store stand-in; a fresh one by default (pass the same one across a restart). */
  secretStorage?: FakeSecretStorage;
  /** Listen to the sync server's live feed (default false here: tests drive cycles with `sync.now`). */
  syncLiveFeed?: boolean;
  /** The profile {@link startMainForTests} creates and signs in (default `Dr Test`). */
  profileName?: string;
}): Promise<MainForTests> {
  const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), 'cpa-main-')));
  const config = resolveSettings('harness', {
    env: { name: 'environment', values: { llmBaseUrl: options.llmBaseUrl, maxRetries: 0, ...options.settings } },
  });
  const services = await createMainServices({
    mode: 'harness',
    config,
    fetch: globalThis.fetch,
    clock: options.clock,
    newId: options.newId,
    logger: silentLogger,
    monitorLlm: false,
    dataDir,
    secretStorage: options.secretStorage ?? new FakeSecretStorage(),
    power: options.power ?? quietPower,
    insecureKdfIterationsForTests: 1_000,
    syncLiveFeed: options.syncLiveFeed ?? false,
  });
  const transport = options.transport ?? new MemoryTransport();
  transport.storeRecords = true;
  const registration = registerOperations(transport, services.handlers, {
    isAppOrigin: exactOrigins([APP_ORIGIN_FOR_TESTS]),
    isUnlocked: () => services.isUnlocked(),
    logger: silentLogger,
  });
  const stopSyncedRecords = services.onSyncedRecords((records) => registration.broadcast('vault.record', { records }));
  const call: MainForTests['call'] = async (operation, payload, senderId = '1') =>
    (await transport.call(`app:${operation}`, appCaller(senderId), payload)) as never;
  if (options.signIn ?? true) {
    const created = await call('auth.createProfile', { name: options.profileName ?? 'Dr Test', passphrase: TEST_PASSPHRASE });
    if (!created.ok) throw new Error(`could not sign in for the test: ${created.error.message}`);
  }
  return {
    services,
    transport,
    registration,
    dataDir,
    call,
    async callOk<T>(operation: string, payload?: unknown, senderId?: string): Promise<T> {
      const result = await call<T>(operation, payload, senderId);
      if (!result.ok) throw new Error(`${operation}: ${result.error.code} ${result.error.message}`);
      return result.data;
    },
    auditEntries: async () => {
      const text = await readFile(join(dataDir, AUDIT_LOG_FILE), 'utf8').catch(() => '');
      return text
        .split('\n')
        .filter((line) => line.trim() !== '')
        .map((line) => JSON.parse(line) as AuditLine);
    },
    deliveredRecords: () =>
      transport.sent.filter((event) => event.channel === channelOf('vault.record')).flatMap((event) => (event.payload as RecordDelivery).records),
    close: async () => {
      stopSyncedRecords();
      await services.shutdown(0);
      registration.dispose();
    },
  };
}
