/**
 * Test support for the sync server: a fresh database per test file, in the ONE embedded PostgreSQL the vitest run
 * shares (sharedPostgres.globalSetup.ts; dropped at `close()`), and a started server on 127.0.0.1:0 with an
 * injected clock. A file that restarts PostgreSQL asks for its own cluster (`{ ownPostgres: true }`: random free
 * port, temporary folder removed after) — restarting the shared one would break the files running beside it.
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
 * - `restartPostgres()`: stops and starts PostgreSQL (same data, same port); only with `{ ownPostgres: true }`.
 * - `freshDatabaseUrl()`: an empty database in the same cluster (for migration tests), dropped at `close()`.
 * Calls of the data routes are in syncTestClient.ts.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import pg from 'pg';
import { inject } from 'vitest';
import type { Clock } from '../../src/server/clock';
import { DEFAULT_SETTINGS, type ServerSettings } from '../../src/server/config';
import { startEmbeddedPostgres, type EmbeddedDatabase } from '../../src/server/db/embeddedPostgres';
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

/** Where a test file's databases live: the run's shared cluster, or one of its own. */
interface Cluster {
  /** URL of the cluster's `cpa_sync` database, as the postgres superuser. */
  readonly adminUrl: string;
  /** Own cluster only: stops and starts it. */
  readonly database: EmbeddedDatabase | null;
  close(): Promise<void>;
}

/** The admin URL of the run's shared cluster (started by the first file asking), or null outside that setup. */
async function sharedAdminUrl(): Promise<string | null> {
  const broker = inject('sharedPostgresBroker');
  if (typeof broker !== 'string') return null;
  const answer = await fetch(broker);
  if (!answer.ok) throw new Error(await answer.text());
  return ((await answer.json()) as { url: string }).url;
}

async function ownCluster(): Promise<Cluster> {
  const folder = await mkdtemp(join(tmpdir(), 'cpa-sync-test-'));
  // As root, PostgreSQL runs as the `postgres` user, which must reach the data folder.
  await chmod(folder, 0o755);
  const database = await startEmbeddedPostgres(folder);
  return {
    adminUrl: database.url,
    database,
    async close() {
      await database.stop();
      await rm(folder, { recursive: true, force: true });
    },
  };
}

async function asAdmin<T>(adminUrl: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** `adminUrl` pointed at database `name`. */
function databaseUrlOf(adminUrl: string, name: string): string {
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/**
 * Starts one in-process server on a fresh database of the run's shared PostgreSQL (or, with `ownPostgres`, of a
 * cluster of its own, which `restartPostgres()` needs). Call once per test file (`beforeAll`).
 */
export async function startSyncServerForTests(settings: Partial<ServerSettings> = {}, options: { ownPostgres?: boolean } = {}): Promise<SyncServerForTests> {
  const shared = options.ownPostgres === true ? null : await sharedAdminUrl();
  const cluster: Cluster = shared === null ? await ownCluster() : { adminUrl: shared, database: null, close: async () => undefined };
  const databases: string[] = [];
  const newDatabase = async (): Promise<string> => {
    // Random: files running at once share the cluster, and a name left by a killed run must not collide.
    const name = `cpa_test_${randomBytes(8).toString('hex')}`;
    await asAdmin(cluster.adminUrl, (admin) => admin.query(`CREATE DATABASE ${name}`));
    databases.push(name);
    return databaseUrlOf(cluster.adminUrl, name);
  };
  const databaseUrl = await newDatabase();
  const clock = testClock();
  const server = await createSyncServer({
    databaseUrl,
    settings: { ...DEFAULT_SETTINGS, sweepIntervalMs: 0, ...settings },
    clock,
    log: () => undefined,
  });
  const url = await server.listen(0, '127.0.0.1');
  const children = new Set<SecondServer>();
  return {
    url,
    databaseUrl,
    clock,
    server,
    sweep: () => runSweeps(server.context.pool, server.context.settings, clock),
    async startSecondProcess() {
      const second = await startServerProcess(databaseUrl);
      children.add(second);
      return second;
    },
    async restartPostgres() {
      if (!cluster.database) throw new Error('restartPostgres() needs startSyncServerForTests(settings, { ownPostgres: true }): the shared cluster serves other files');
      await cluster.database.stop();
      await cluster.database.start();
    },
    freshDatabaseUrl: newDatabase,
    async close() {
      await Promise.all([...children].map((child) => child.stop()));
      await server.close();
      if (cluster.database === null) {
        // FORCE: a connection a test left open (a pool it did not end) must not keep the database.
        await asAdmin(cluster.adminUrl, async (admin) => {
          for (const name of databases) await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        });
      }
      await cluster.close();
    },
  };
}
