/**
 * vitest globalSetup: ONE embedded PostgreSQL for the whole run, shared by every test file that needs a sync
 * server (each of them takes its own database in it: see syncServerForTests.ts). Starting a cluster costs a few
 * seconds of initdb and start; one per file made the unit step twice as slow.
 *
 * The cluster is started lazily, by the first file that asks for it: a run of files that need no database (one
 * unrelated test file, say) pays nothing. Workers ask through a tiny HTTP endpoint on loopback whose address is
 * `provide`d as `sharedPostgresBroker`; it answers the cluster's admin URL, starting the cluster once.
 */
import { randomBytes } from 'node:crypto';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { startEmbeddedPostgres, type EmbeddedDatabase } from '../../src/server/db/embeddedPostgres';

declare module 'vitest' {
  export interface ProvidedContext {
    /** `http://127.0.0.1:<port>/`: GET answers `{ "url": <admin postgres:// URL> }`, starting the cluster if needed. */
    sharedPostgresBroker: string;
  }
}

/** Starts the broker; returns the teardown, which stops the cluster if a file started it. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  let folder: string | null = null;
  let starting: Promise<EmbeddedDatabase> | null = null;
  const cluster = (): Promise<EmbeddedDatabase> => {
    starting ??= (async () => {
      folder = await mkdtemp(join(tmpdir(), `cpa-shared-pg-${randomBytes(4).toString('hex')}-`));
      // As root, PostgreSQL runs as the `postgres` user, which must reach the data folder.
      await chmod(folder, 0o755);
      return startEmbeddedPostgres(folder);
    })();
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
    if (starting) await (await starting.catch(() => null))?.stop();
    if (folder !== null) await rm(folder, { recursive: true, force: true });
  };
}
