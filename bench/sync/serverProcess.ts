/**
 * The sync server as IT runs it, for the benchmarks: the built bundle (`npm run build:server` → out/server/cli.mjs,
 * built afresh here from the current sources, run with plain node as the systemd unit runs it) in its own process with the embedded
 * PostgreSQL in a temporary folder (removed at `stop`). The bench also needs what a test does not: the server's pid
 * (its RSS), PostgreSQL's processes (their memory) and the database URL (the plain-INSERT baseline writes into the
 * same PostgreSQL). The URL comes from the settings file the embedded PostgreSQL keeps in its data folder.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmod, mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

const ROOT = join(import.meta.dirname, '..', '..');

/** A running server process and its database. */
export interface BenchSyncServer {
  readonly url: string;
  readonly pid: number;
  readonly databaseUrl: string;
  /** The PostgreSQL postmaster's pid (its backends are its children). */
  postgresPid(): Promise<number>;
  stop(): Promise<void>;
}

/** Builds out/server/cli.mjs from the current sources (about a second), so the bench never times a stale bundle. */
function buildBundle(): string {
  const built = spawnSync(process.execPath, ['scripts/buildServer.mjs'], { cwd: ROOT, encoding: 'utf8' });
  if (built.status !== 0) throw new Error(`npm run build:server failed: ${built.stderr.slice(-500)}`);
  return join(ROOT, 'out', 'server', 'cli.mjs');
}

/**
 * Builds the bundle, starts `node [nodeArgs] out/server/cli.mjs --port 0 --data-dir <temp>` and waits for its one
 * line. `nodeArgs` is for profiling the server under the bench's load (e.g. `--cpu-prof`), never for the figures.
 */
export async function startBenchSyncServer(nodeArgs: readonly string[] = []): Promise<BenchSyncServer> {
  const bundle = buildBundle();
  const folder = await mkdtemp(join(tmpdir(), 'cpa-bench-sync-'));
  // As root, PostgreSQL runs as the `postgres` user, which must reach the data folder.
  await chmod(folder, 0o755);
  const dataDir = join(folder, 'server');
  // No NODE_OPTIONS: nothing of this process's loader (tsx) may reach the server's.
  const child: ChildProcess = spawn(process.execPath, [...nodeArgs, bundle, '--port', '0', '--data-dir', dataDir], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: '', NODE_OPTIONS: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).once('line', (line) => {
      const match = /^sync server listening on (http:\/\/127\.0\.0\.1:\d+)$/.exec(line);
      if (match?.[1] !== undefined) resolve(match[1]);
      else reject(new Error(`unexpected first line: ${line}`));
    });
    void exited.then(() => reject(new Error(`the sync server exited: ${stderr.slice(-500)}`)));
  });
  const settings = JSON.parse(await readFile(join(dataDir, 'embedded-postgres.json'), 'utf8')) as { port: number; password: string };
  return {
    url,
    pid: child.pid as number,
    databaseUrl: `postgres://postgres:${encodeURIComponent(settings.password)}@127.0.0.1:${settings.port}/cpa_sync`,
    async postgresPid() {
      const first = (await readFile(join(dataDir, 'postgres', 'postmaster.pid'), 'utf8')).split('\n')[0] ?? '';
      return Number(first);
    },
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
      await rm(folder, { recursive: true, force: true });
    },
  };
}

/** A process's resident set (VmRSS) in bytes. */
export async function rssBytes(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kb = /^VmRSS:\s+(\d+) kB$/m.exec(status)?.[1];
  if (kb === undefined) throw new Error(`no VmRSS for pid ${pid}`);
  return Number(kb) * 1024;
}

/** A process's proportional set size (Pss of smaps_rollup) in bytes: shared pages split among their users. */
async function pssBytes(pid: number): Promise<number> {
  const rollup = await readFile(`/proc/${pid}/smaps_rollup`, 'utf8');
  const kb = /^Pss:\s+(\d+) kB$/m.exec(rollup)?.[1];
  return kb === undefined ? 0 : Number(kb) * 1024;
}

/**
 * PostgreSQL's memory: the postmaster and every process it started (backends, WAL writer, …). Summed as PSS, so the
 * shared buffers every backend maps count once (a sum of RSS would count them once per process). Answers the total
 * and how many processes it covers.
 */
export async function processTreePss(rootPid: number): Promise<{ bytes: number; processes: number }> {
  const parents = new Map<number, number>();
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => '');
    // The command name is in parentheses and may contain spaces: the fields after its closing one are fixed.
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    if (Number.isFinite(ppid)) parents.set(Number(entry), ppid);
  }
  const tree = new Set([rootPid]);
  for (let grown = true; grown; ) {
    grown = false;
    for (const [pid, ppid] of parents) {
      if (!tree.has(pid) && tree.has(ppid)) {
        tree.add(pid);
        grown = true;
      }
    }
  }
  let bytes = 0;
  for (const pid of tree) bytes += await pssBytes(pid).catch(() => 0);
  return { bytes, processes: tree.size };
}
