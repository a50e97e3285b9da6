/** `/healthz` (is the database reachable) and `/metrics` (Prometheus text). Neither needs a token nor tells ids. */
import type { FastifyInstance } from 'fastify';
import type { ServerContext } from '../context';

/** Registers the operations routes. */
export function opsRoutes(app: FastifyInstance, ctx: ServerContext): void {
  app.get('/healthz', async (_request, reply) => {
    try {
      await ctx.pool.query('SELECT 1');
      return { ok: true };
    } catch {
      return reply.code(503).send({ ok: false });
    }
  });

  app.get('/metrics', async (_request, reply) => {
    const leasesHeld = await ctx.pool
      .query<{ n: string }>('SELECT count(*) AS n FROM leases WHERE expires_at > $1', [ctx.clock.now()])
      .then(({ rows }) => Number(rows[0]?.n ?? 0), () => -1);
    const text = ctx.metrics.render({
      cpa_sync_leases_held: { help: 'Unexpired session leases (all processes; -1 = database unreachable).', value: leasesHeld },
      cpa_sync_sse_clients: { help: 'Workstations connected to the live feed of this process.', value: ctx.feed.size },
      cpa_sync_db_pool_total: { help: 'PostgreSQL connections of this process.', value: ctx.pool.totalCount },
      cpa_sync_db_pool_idle: { help: 'Idle PostgreSQL connections of this process.', value: ctx.pool.idleCount },
      cpa_sync_db_pool_waiting: { help: 'Queries waiting for a connection.', value: ctx.pool.waitingCount },
    });
    return reply.type('text/plain; version=0.0.4').send(text);
  });
}
