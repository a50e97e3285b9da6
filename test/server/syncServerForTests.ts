/**
 * Test support for the sync server: ONE embedded PostgreSQL per test file (random free port, temporary folder
 * removed after) and a started server on 127.0.0.1:0 with an injected clock.
 *
 * ```ts
 * let sync: SyncServerForTests;
 * beforeAll(async () => { sync = await startSyncServerForTests(); });
 * afterAll(() => sync.close());
 * ```
 *
 * - `url`: the in-process server's base URL; `clock`: its clock (`advance(ms)`; nothing sleeps).
 * - `sweep()`: runs the retention and tombstone sweeps now, at the clock's time.
 * - `startSecondProcess()`: another server PROCESS (`npm run sync-server` with DATABASE_URL) on the same
 *   database; it uses the real clock. Stopped by `close()` if the test does not.
 * - `restartPostgres()`: stops and starts PostgreSQL (same data, same port).
 * - `freshDatabaseUrl()`: an empty database in the same cluster (for migration tests).
 * Calls of the data routes are in syncTestClient.ts.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import pg from 'pg';
import type { Clock } from '../../src/server/clock';
import { DEFAULT_SETTINGS, type ServerSettings } from '../../src/server/config';
import { startEmbeddedPostgres } from '../../src/server/db/embeddedPostgres';
import { runSweeps, type SweepResult } from '../../src/server/sweeps';
import { createSyncServer, type SyncServer } from '../../src/server/syncServer';

const ROOT = join(import.meta.dirname, '..', '..');

/** A clock tests move by hand. */
export interface TestClock extends Clock {
  advance(ms: number): void;
}

/** A second server process on the same database. */
export interface SecondServer {
  readonly url: string;
  stop(): Promise<void>;
}

/** See the module comment. */
export interface SyncServerForTests {
  readonly url: string;
  readonly databaseUrl: string;
  readonly clock: TestClock;
  readonly server: SyncServer;
  sweep(): Promise<SweepResult>;
  startSecondProcess(): Promise<SecondServer>;
  restartPostgres(): Promise<void>;
  freshDatabaseUrl(): Promise<string>;
  close(): Promise<void>;
}

/** A clock starting at `start` (default: the real now, so tokens' expiry dates look ordinary). */
export function testClock(start = new Date()): TestClock {
  let now = start.getTime();
  return { now: () => new Date(now), advance: (ms) => void (now += ms) };
}

/** Starts `npm run sync-server` as a child process on `databaseUrl`; resolves with its URL from its one line. */
export async function startServerProcess(databaseUrl: string, extraEnv: Record<string, string> = {}): Promise<SecondServer & { child: ChildProcess }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server/cli.ts', '--port', '0'], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: databaseUrl, ...extraEnv },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = await new Promise<string>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
    lines.once('line', (line) => {
      const match = /^sync server listening on (http:\/\/127\.0\.0\.1:\d+)$/.exec(line);
      if (match?.[1] !== undefined) resolve(match[1]);
      else reject(new Error(`unexpected first line: ${line}`));
    });
    void exited.then(() => reject(new Error(`the server process exited: ${stderr}`)));
  });
  return {
    url,
    child,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

/** Starts the embedded PostgreSQL and one in-process server. Call once per test file (`beforeAll`). */
export async function startSyncServerForTests(settings: Partial<ServerSettings> = {}): Promise<SyncServerForTests> {
  const folder = await mkdtemp(join(tmpdir(), 'cpa-sync-test-'));
  // As root, PostgreSQL runs as the `postgres` user, which must reach the data folder.
  await chmod(folder, 0o755);
  const database = await startEmbeddedPostgres(folder);
  const clock = testClock();
  const server = await createSyncServer({
    databaseUrl: database.url,
    settings: { ...DEFAULT_SETTINGS, sweepIntervalMs: 0, ...settings },
    clock,
    log: () => undefined,
  });
  const url = await server.listen(0, '127.0.0.1');
  const children = new Set<SecondServer>();
  let databases = 0;
  return {
    url,
    databaseUrl: database.url,
    clock,
    server,
    sweep: () => runSweeps(server.context.pool, server.context.settings, clock),
    async startSecondProcess() {
      const second = await startServerProcess(database.url);
      children.add(second);
      return second;
    },
    async restartPostgres() {
      await database.stop();
      await database.start();
    },
    async freshDatabaseUrl() {
      databases += 1;
      const name = `fresh_${databases}`;
      const admin = new pg.Client({ connectionString: database.url });
      await admin.connect();
      await admin.query(`CREATE DATABASE ${name}`);
      await admin.end();
      return database.url.replace(/\/cpa_sync$/, `/${name}`);
    },
    async close() {
      await Promise.all([...children].map((child) => child.stop()));
      await server.close();
      await database.stop();
      await rm(folder, { recursive: true, force: true });
    },
  };
}
