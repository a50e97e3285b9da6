/**
 * The real sync server for tests: `src/server/cli.ts` started as IT starts it (embedded PostgreSQL in `dataDir`),
 * reached only over HTTP. Stoppable and restartable on the same port and data, to test a server outage.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { chmod, mkdir, readFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

const ROOT = join(import.meta.dirname, '..', '..');

/** A running (or stopped) sync server. */
export interface SyncServerForTests {
  readonly url: string;
  stop(): Promise<void>;
  /** Starts it again on the same port and data. */
  restart(): Promise<void>;
  /** IT's `remove-profile --name <name>` (the server is stopped for it and started again). */
  removeProfile(name: string): Promise<void>;
  /** The server's data folder (the embedded PostgreSQL's cluster is in its `postgres` folder). */
  readonly dataDir: string;
  /**
   * `postgres://…` of the embedded PostgreSQL while the server runs, as the server itself connects (port and password
   * are kept beside the cluster: src/server/db/embeddedPostgres.ts) — for tests that inspect what the database holds.
   */
  databaseUrl(): Promise<string>;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

async function start(port: number, dataDir: string, env: Record<string, string>): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server/cli.ts', '--port', String(port), '--data-dir', dataDir], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  await new Promise<void>((resolve, reject) => {
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).once('line', (line) => {
      if (/^sync server listening on http:\/\/127\.0\.0\.1:\d+$/.test(line)) resolve();
      else reject(new Error(`unexpected first line: ${line}`));
    });
    child.once('exit', () => reject(new Error(`the sync server exited: ${stderr}`)));
  });
  return child;
}

/**
 * Starts the server with its data under `folder` (made reachable for PostgreSQL's own user when run as root); `env`
 * adds to its environment (its `CPA_SYNC_*` settings).
 */
export async function startSyncServerForTests(folder: string, env: Record<string, string> = {}): Promise<SyncServerForTests> {
  await mkdir(folder, { recursive: true });
  await chmod(folder, 0o755);
  const dataDir = join(folder, 'server');
  const port = await freePort();
  let child: ChildProcess | null = await start(port, dataDir, env);
  const stop = async (): Promise<void> => {
    const running = child;
    child = null;
    if (!running || running.exitCode !== null) return;
    const exited = new Promise((resolve) => running.once('exit', resolve));
    running.kill('SIGTERM');
    await exited;
  };
  return {
    url: `http://127.0.0.1:${port}`,
    dataDir,
    async databaseUrl() {
      const { port: dbPort, password } = JSON.parse(await readFile(join(dataDir, 'embedded-postgres.json'), 'utf8')) as { port: number; password: string };
      return `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${dbPort}/cpa_sync`;
    },
    stop,
    async restart() {
      await stop();
      child = await start(port, dataDir, env);
    },
    async removeProfile(name) {
      await stop();
      const remover = spawn(process.execPath, ['--import', 'tsx', 'src/server/cli.ts', 'remove-profile', '--name', name, '--data-dir', dataDir], {
        cwd: ROOT,
        env: { ...process.env, DATABASE_URL: '' },
        stdio: 'ignore',
      });
      const code = await new Promise<number | null>((resolve) => remover.once('exit', resolve));
      if (code !== 0) throw new Error(`remove-profile exited with ${code}`);
      child = await start(port, dataDir, env);
    },
  };
}
