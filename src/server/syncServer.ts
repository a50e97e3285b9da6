/**
 * Builds one sync server process: Fastify with the identity, data and operations routes on a PostgreSQL pool,
 * the live change feed and the periodic sweeps. `cli.ts` wires it to the command line; tests start it directly
 * with an injected clock.
 */
import { readFileSync } from 'node:fs';
import Fastify, { type FastifyError, type FastifyInstance } from 'fastify';
import pg from 'pg';
import { systemClock, type Clock } from './clock';
import type { ServerSettings } from './config';
import type { ServerContext } from './context';
import { createChangeFeed } from './data/changeFeed';
import { dataRoutes } from './data/dataRoutes';
import { PushSlots } from './data/pushSlots';
import { migrate, readServerSecret } from './db/migrations';
import { identityRoutes } from './identity/identityRoutes';
import { ServerMetrics } from './ops/metrics';
import { opsRoutes } from './ops/opsRoutes';
import { runSweeps } from './sweeps';
import { SyncError } from './syncError';

/** How to start one server process. */
export interface SyncServerOptions {
  readonly databaseUrl: string;
  readonly settings: ServerSettings;
  readonly clock?: Clock;
  readonly tls?: { readonly certFile: string; readonly keyFile: string } | null;
  /** Where operational lines go (stderr by default). Never given patient data, names or ids. */
  readonly log?: (line: string) => void;
}

/** A started server process. */
export interface SyncServer {
  readonly app: FastifyInstance;
  readonly context: ServerContext;
  /** Listens; answers the base URL (`http://127.0.0.1:<port>`). */
  listen(port: number, host: string): Promise<string>;
  /** Stops accepting, closes SSE streams, the feed, the timers and the pool. */
  close(): Promise<void>;
}

/** PostgreSQL error classes that mean "the database is not there" rather than "this request is wrong". */
function isUnavailable(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  if (typeof code !== 'string') return false;
  return code.startsWith('08') || code === '57P01' || code === '57P03' || code === 'ECONNREFUSED' || code === 'ECONNRESET';
}

function toSyncError(error: FastifyError | SyncError | Error): SyncError {
  if (error instanceof SyncError) return error;
  const fastifyError = error as FastifyError;
  if (fastifyError.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return new SyncError('INVALID_INPUT', 'The request body is too large.');
  if (typeof fastifyError.statusCode === 'number' && fastifyError.statusCode >= 400 && fastifyError.statusCode < 500) {
    return new SyncError('INVALID_INPUT', 'The request is not valid JSON for this route.');
  }
  if (isUnavailable(error) || /Connection terminated|timeout exceeded when trying to connect/i.test(error.message)) {
    return new SyncError('UNAVAILABLE', 'The sync database is unavailable: try again later.');
  }
  return new SyncError('INTERNAL', 'The sync server failed: try again later.');
}

/** Applies the migrations, reads the server secret and builds the routes (not yet listening). */
export async function createSyncServer(options: SyncServerOptions): Promise<SyncServer> {
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const clock = options.clock ?? systemClock;
  const pool = new pg.Pool({ connectionString: options.databaseUrl, max: options.settings.poolMax, connectionTimeoutMillis: 5000 });
  // An idle connection dropped by a PostgreSQL restart must not crash the process; the next query reconnects.
  pool.on('error', () => log('sync server: an idle database connection was closed'));
  // The pool listens only to IDLE connections. One checked out by a request when PostgreSQL goes away (a restart, a
  // failover) emits 'error' too, and with no listener that ended the whole process — every other request with it.
  // The request itself sees the failure through its rejected query (answered UNAVAILABLE); here it is only logged.
  pool.on('connect', (client) => client.on('error', () => log('sync server: a database connection in use was closed')));
  await migrate(pool);
  const secret = await readServerSecret(pool);
  const feed = createChangeFeed(options.databaseUrl, log);
  await feed.start();
  const context: ServerContext = { pool, clock, settings: options.settings, secret, feed, metrics: new ServerMetrics(), pushSlots: new PushSlots() };

  const https = options.tls ? { key: readFileSync(options.tls.keyFile), cert: readFileSync(options.tls.certFile) } : null;
  // The HTTPS and HTTP instances differ only in their server type; the routes are the same.
  const trusted = options.settings.trustProxy;
  // A hop count trusts the socket's peer and the entries right of the client's: hop 0 is the peer itself.
  const trustProxy = typeof trusted === 'number' ? (_address: string, hop: number) => hop < trusted : trusted === false ? false : [...trusted];
  const app = (https ? Fastify({ logger: false, https, trustProxy }) : Fastify({ logger: false, trustProxy })) as unknown as FastifyInstance;
  app.setErrorHandler((error: FastifyError, _request, reply) => {
    const syncError = toSyncError(error);
    if (syncError.code === 'INTERNAL') log(`sync server: internal error (${error.name}${error.code ? ` ${error.code}` : ''})`);
    return reply.code(syncError.status).send(syncError.toBody());
  });
  app.setNotFoundHandler((_request, reply) => reply.code(404).send(new SyncError('INVALID_INPUT', 'No such route.').toBody()));
  app.addHook('onResponse', async (request, reply) => {
    context.metrics.countRequest(request.method, request.routeOptions.url ?? 'unmatched', reply.statusCode);
  });
  identityRoutes(app, context);
  dataRoutes(app, context);
  opsRoutes(app, context);

  let sweepTimer: NodeJS.Timeout | null = null;
  const sweep = () => runSweeps(pool, options.settings, clock).catch(() => log('sync server: a sweep failed; it runs again at the next interval'));

  return {
    app,
    context,
    async listen(port, host) {
      await app.listen({ port, host });
      const address = app.server.address();
      const actualPort = typeof address === 'object' && address !== null ? address.port : port;
      if (options.settings.sweepIntervalMs > 0) {
        void sweep();
        sweepTimer = setInterval(() => void sweep(), options.settings.sweepIntervalMs);
        sweepTimer.unref();
      }
      return `${https ? 'https' : 'http'}://${host.includes(':') ? `[${host}]` : host}:${actualPort}`;
    },
    async close() {
      if (sweepTimer !== null) clearInterval(sweepTimer);
      // SSE streams are hijacked: Fastify's close would wait for them forever.
      app.server.closeAllConnections?.();
      await app.close();
      await feed.close();
      await pool.end();
    },
  };
}
