/**
 * The shape every Tier-N sync test file shares: one real sync server for the file (its own data folder, removed
 * after), and every workstation a test starts closed after that test.
 *
 * ```ts
 * const bed = useSyncServer('cpa-my-test-');
 * const main = bed.track(await startMainForTests({ settings: { syncServerUrl: bed.server.url }, … }));
 * ```
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll } from 'vitest';
import type { MainForTests } from './mainForTests';
import { startSyncServerForTests, type SyncServerForTests } from './syncServerForTests';

/** The file's sync server and the workstations of the test running now. */
export interface SyncServerBed {
  /** The running server (after the file's `beforeAll`). */
  readonly server: SyncServerForTests;
  /** Closes `main` after the current test; returns it. */
  track(main: MainForTests): MainForTests;
}

/** Registers the file's hooks; `env` is the server's extra environment (e.g. its enrollment secret). */
export function useSyncServer(folderPrefix: string, env: Record<string, string> = {}): SyncServerBed {
  let folder = '';
  let server: SyncServerForTests | null = null;
  const started: MainForTests[] = [];
  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), folderPrefix));
    server = await startSyncServerForTests(folder, env);
  }, 120_000);
  afterEach(async () => {
    for (const main of started.splice(0)) await main.close();
  });
  afterAll(async () => {
    await server?.stop();
    if (folder) await rm(folder, { recursive: true, force: true });
  }, 30_000);
  return {
    get server(): SyncServerForTests {
      if (!server) throw new Error('the sync server starts in beforeAll');
      return server;
    },
    track(main) {
      started.push(main);
      return main;
    },
  };
}
