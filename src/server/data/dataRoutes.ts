/**
 * The data plane: push, tombstones, pull, leases and the live feed. Every route authenticates first (in
 * `onRequest`, before a possibly large body is read) and acts only on the token's profile.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import {
  ChangeEvent,
  LeaseHeldInput,
  LeaseInput,
  PullQuery,
  PushInput,
  TombstoneInput,
} from '../../shared/sync/changes';
import { parseInput, type ServerContext } from '../context';
import { inTransaction } from '../db/transaction';
import { authenticate, type Caller } from '../identity/tokens';
import { SyncError } from '../syncError';
import { lockCallerProfile } from './changeNumbers';
import { acquireLease, releaseLease, renewLease } from './leases';
import { pullChanges } from './pull';
import { pullBody } from './pullBody';
import { applyPush } from './push';
import { writeTombstones } from './tombstones';

/**
 * Largest push body: 16 MiB. Workstations batch pushes at about 8 MB (so ten of the largest blobs fit in one), far
 * below the 300 MB that MAX_PUSH_ITEMS blobs of MAX_SYNC_BLOB_CHARS would allow; a body this size is held in
 * memory while parsed, so the cap (with the per-token limit of pushSlots.ts) bounds what one token can make us hold.
 */
export const PUSH_BODY_LIMIT = 16 * 1024 * 1024;

declare module 'fastify' {
  interface FastifyRequest {
    caller?: Caller;
  }
}

const callerOf = (request: FastifyRequest): Caller => request.caller as Caller;

/** Registers the data routes. */
export function dataRoutes(app: FastifyInstance, ctx: ServerContext): void {
  const authed = {
    onRequest: async (request: FastifyRequest) => {
      request.caller = await authenticate(ctx.pool, request.headers.authorization, ctx.clock.now());
    },
  };

  const pushOnRequest = async (request: FastifyRequest, reply: FastifyReply) => {
    await authed.onRequest(request);
    const release = ctx.pushSlots.take(callerOf(request).tokenHash.toString('hex'));
    if (release === null) throw new SyncError('RATE_LIMITED', 'Too many pushes at once from this sign-in: retry after the others.', { retryAfterMs: 1000 });
    // The response's close: sent, failed or the connection dropped (a body that never arrives frees its slot too).
    reply.raw.once('close', release);
  };

  app.post('/v1/push', { onRequest: pushOnRequest, bodyLimit: PUSH_BODY_LIMIT }, async (request) => {
    const started = performance.now();
    const input = parseInput(PushInput, request.body);
    const answer = await applyPush(ctx.pool, callerOf(request), input, ctx.clock.now());
    ctx.metrics.pushSeconds.observe((performance.now() - started) / 1000);
    return answer;
  });

  app.post('/v1/tombstones', authed, async (request) => {
    const { sessions } = parseInput(TombstoneInput, request.body);
    const caller = callerOf(request);
    const now = ctx.clock.now();
    const changeNos = await inTransaction(ctx.pool, async (db) => {
      await lockCallerProfile(db, caller, now);
      return writeTombstones(db, caller.profileId, sessions, now, caller.workstationId);
    });
    return { changeNos };
  });

  app.get('/v1/changes', authed, async (request, reply) => {
    const started = performance.now();
    const query = parseInput(PullQuery, request.query);
    const answer = await pullChanges(ctx.pool, callerOf(request), query, ctx.clock.now(), ctx.settings.pullPageBlobChars);
    ctx.metrics.pullSeconds.observe((performance.now() - started) / 1000);
    // Written as bytes, not returned for Fastify's JSON.stringify: see pullBody.ts (a full page is ~2 MB).
    return reply.header('content-type', 'application/json; charset=utf-8').send(pullBody(answer));
  });

  app.post('/v1/leases', authed, async (request) => {
    const { sessionId } = parseInput(LeaseInput, request.body);
    return acquireLease(ctx.pool, callerOf(request), sessionId, ctx.clock.now(), ctx.settings.leaseTtlMs);
  });

  app.post('/v1/leases/renew', authed, async (request) => {
    const { sessionId, fencing } = parseInput(LeaseHeldInput, request.body);
    return renewLease(ctx.pool, callerOf(request), sessionId, fencing, ctx.clock.now(), ctx.settings.leaseTtlMs);
  });

  app.post('/v1/leases/release', authed, async (request, reply) => {
    const { sessionId, fencing } = parseInput(LeaseHeldInput, request.body);
    await releaseLease(ctx.pool, callerOf(request), sessionId, fencing, ctx.clock.now());
    return reply.code(204).send();
  });

  app.get('/v1/events', authed, async (request, reply) => {
    const { profileId } = callerOf(request);
    const latest = async () => {
      const { rows } = await ctx.pool.query<{ last_change: string }>('SELECT last_change FROM counters WHERE profile_id = $1', [profileId]);
      return Number(rows[0]?.last_change ?? 0);
    };
    const stream = reply.raw;
    // Writing to an ended response emits an 'error' that, unheard, would crash the process: check, and listen.
    const write = (text: string, last = false) => {
      if (stream.writableEnded || stream.destroyed) return;
      if (last) stream.end(text);
      else stream.write(text);
    };
    stream.on('error', () => undefined);
    const send = (changeNo: number) => write(`event: change\ndata: ${JSON.stringify(ChangeEvent.parse({ changeNo }))}\n\n`);
    const sendLatest = () => latest().then(send, () => undefined);
    reply.hijack();
    stream.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive' });
    const unsubscribe = ctx.feed.subscribe(profileId, (changeNo) => (changeNo === null ? void sendLatest() : send(changeNo)));
    // A heartbeat comment lets proxies and the workstation see a dead connection. Each one also checks the token
    // again: a stream must not outlive a sign-out, a passphrase change elsewhere, the token's expiry or IT's removal
    // of the profile. The workstation gets the refusal as an `error` event (a SyncErrorBody), then the stream ends.
    const heartbeat = setInterval(() => {
      authenticate(ctx.pool, request.headers.authorization, ctx.clock.now()).then(
        () => write(': heartbeat\n\n'),
        (error: unknown) => {
          if (error instanceof SyncError) write(`event: error\ndata: ${JSON.stringify(error.toBody())}\n\n`, true);
          // Otherwise the database is away: keep the stream and try again at the next beat.
        },
      );
    }, ctx.settings.heartbeatMs);
    // The response's close: the stream ended (by us) or the connection dropped (the request's may fire earlier).
    stream.on('close', () => {
      clearInterval(heartbeat);
      unsubscribe();
    });
    // The current number first: a workstation that reconnects learns at once whether it missed something.
    await sendLatest();
  });
}
