/**
 * The sync server's own figures, over raw HTTP against a real server process (see serverProcess.ts):
 *
 * - push throughput: 50 clinicians' workstations pushing batches of sealed-record-sized items at once, against the
 *   same rows written by plain multi-row INSERTs into a scratch table of the `items` table's shape in the same
 *   PostgreSQL — the limit. Rounds alternate (sync, plain, plain, sync) so drift on a shared machine hits both.
 * - pull p95: one pull of 500 changes (HTTP, JSON parse and the protocol's schema check, as a workstation does it)
 *   while 100 workstations hold the live feed open.
 * - server RSS: the server process's VmRSS with 200 live feeds open, after the work above (its warm-up).
 */
import { createHash, randomUUID } from 'node:crypto';
import pg from 'pg';
import type { PushItem } from '../../src/shared/sync/changes';
import { deriveSeed, intBetween, mulberry32 } from '../prng';
import { percentile } from '../stats';
import { benchClinicians, issueBenchToken } from './benchAccounts';
import { benchRecordItem, handlerTimes, meanHandlerMs, openLiveFeed, pullPage, pushBatch } from './rawClient';
import { processTreePss, rssBytes, type BenchSyncServer } from './serverProcess';

/** How much work the server figures do. */
export interface ServerPlan {
  readonly pushClients: number;
  readonly batchesPerClient: number;
  readonly itemsPerBatch: number;
  /** Rounds of each side (alternating); an even number keeps the order balanced. */
  readonly pushRounds: number;
  readonly pullChanges: number;
  readonly pullWorkstations: number;
  readonly pullSamples: number;
  readonly pullWarmup: number;
  readonly rssWorkstations: number;
}

/** What the server figures measured. */
export interface ServerFigures {
  readonly syncRowsPerSecond: number;
  readonly plainRowsPerSecond: number;
  readonly pushedRows: number;
  readonly pushedBytes: number;
  readonly plainConnections: number;
  readonly pullMs: readonly number[];
  /** The HTTP part of each pull (request sent until the body was read): the rest is parsing and the schema check. */
  readonly pullHttpMs: readonly number[];
  readonly pulledChanges: number;
  readonly pulledBytes: number;
  readonly serverRssBytes: number;
  readonly serverRssBeforeFeedsBytes: number;
  /** Before this file's work (after the handoff and the initial sync of syncSuite.ts, which run first). */
  readonly serverRssIdleBytes: number;
  readonly postgres: { bytes: number; processes: number };
  readonly signInMs: number;
  /** The server's own mean time in the push handler (body parsed by Fastify already) and in the pull handler (before the answer is serialised). */
  readonly handlerPushMs: number;
  readonly handlerPullMs: number;
  /** Mean time of one push as the client saw it. */
  readonly clientPushMs: number;
}

/** Sealed turn records are 2–4 KB: item blob sizes are drawn in that range. */
const BLOB_MIN = 2_048;
const BLOB_MAX = 4_096;
/** Turns per session in the pushed batches (a batch holds whole sessions). */
const TURNS_PER_SESSION = 10;
/** The server's default pool: the plain side gets as many connections, so both sides use PostgreSQL as widely. */
const PLAIN_CONNECTIONS = 10;

async function inParallel<T>(count: number, width: number, run: (index: number) => Promise<T>): Promise<T[]> {
  const results: T[] = new Array(count);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(width, count) }, async () => {
      while (next < count) {
        const index = next++;
        results[index] = await run(index);
      }
    }),
  );
  return results;
}

/** One client's batches of items, whole sessions per batch, blob sizes seeded. */
function batchesFor(random: () => number, plan: ServerPlan): PushItem[][] {
  return Array.from({ length: plan.batchesPerClient }, () => {
    const items: PushItem[] = [];
    let sessionId = randomUUID();
    for (let index = 0; index < plan.itemsPerBatch; index += 1) {
      if (index > 0 && index % TURNS_PER_SESSION === 0) sessionId = randomUUID();
      items.push(benchRecordItem(sessionId, intBetween(random, BLOB_MIN, BLOB_MAX)));
    }
    return items;
  });
}

/** The sync side: every client pushes its batches one after the other, all clients at once. Answers the ms. */
async function pushRound(server: BenchSyncServer, clients: readonly { token: string }[], batches: readonly PushItem[][][]): Promise<number> {
  const startedAt = performance.now();
  await Promise.all(
    clients.map(async (client, index) => {
      for (const batch of batches[index] ?? []) await pushBatch(server.url, client.token, batch);
    }),
  );
  return performance.now() - startedAt;
}

/**
 * The plain side: the same rows as one multi-row INSERT per batch into the scratch table, batches spread over
 * {@link PLAIN_CONNECTIONS} connections. The blob's SHA-256 and a change number are part of each row, as on the
 * server. Answers the ms.
 */
async function plainRound(pool: pg.Pool, profileIds: readonly string[], batches: readonly PushItem[][][], firstChange: number): Promise<number> {
  const work = batches.flatMap((clientBatches, client) => clientBatches.map((batch) => ({ profileId: profileIds[client] as string, batch })));
  let changeNo = firstChange;
  const startedAt = performance.now();
  await inParallel(work.length, PLAIN_CONNECTIONS, async (index) => {
    const { profileId, batch } = work[index] as { profileId: string; batch: PushItem[] };
    const values: unknown[] = [];
    const rows = batch.map((item) => {
      const blob = Buffer.from(item.blob, 'base64');
      const at = values.length;
      values.push(profileId, item.kind, item.id, item.sessionId, item.version, item.day, blob, createHash('sha256').update(blob).digest(), changeNo++);
      return `(${Array.from({ length: 9 }, (_, offset) => `$${at + offset + 1}`).join(', ')})`;
    });
    await pool.query(
      `INSERT INTO bench_plain_items (profile_id, kind, id, session_id, version, day, blob, blob_sha256, change_no) VALUES ${rows.join(', ')}`,
      values,
    );
  });
  return performance.now() - startedAt;
}

/** Runs the three server figures on one server process. `log` gets progress lines. */
export async function measureServer(server: BenchSyncServer, plan: ServerPlan, seed: number, log: (line: string) => void): Promise<ServerFigures> {
  const random = mulberry32(deriveSeed(seed, 0x5e4c));
  const feeds: { close(): void }[] = [];
  const pool = new pg.Pool({ connectionString: server.databaseUrl, max: PLAIN_CONNECTIONS });
  try {
    const serverRssIdleBytes = await rssBytes(server.pid);
    const signInStart = performance.now();
    const [puller, ...clients] = await benchClinicians(server.url, pool, plan.pushClients + 1);
    if (puller === undefined) throw new Error('no clinicians');
    const signInMs = performance.now() - signInStart;
    log(`    ${clients.length + 1} clinicians set up in ${(signInMs / 1_000).toFixed(1)} s`);
    await pool.query('CREATE TABLE bench_plain_items (LIKE items INCLUDING ALL)');
    const profileIds = clients.map((client) => client.profileId);

    // Push throughput, alternating sides.
    let syncMs = 0;
    let plainMs = 0;
    let pushedRows = 0;
    let pushedBytes = 0;
    let plainChange = 1;
    let pushHandlerMs = 0;
    let pushes = 0;
    for (let round = 0; round < plan.pushRounds * 2; round += 1) {
      const batches = clients.map(() => batchesFor(random, plan));
      const rows = batches.flat(2);
      const syncFirst = round % 4 === 0 || round % 4 === 3;
      if (syncFirst) {
        const before = await handlerTimes(server.url);
        const roundMs = await pushRound(server, clients, batches);
        syncMs += roundMs;
        pushHandlerMs += meanHandlerMs(before, await handlerTimes(server.url)).pushMs * clients.length * plan.batchesPerClient;
        pushes += clients.length * plan.batchesPerClient;
        pushedRows += rows.length;
        pushedBytes += rows.reduce((sum, item) => sum + (item.blob.length * 3) / 4, 0);
      } else {
        plainMs += await plainRound(pool, profileIds, batches, plainChange);
        plainChange += rows.length;
      }
    }
    log(`    pushed ${pushedRows.toLocaleString('en-US')} rows: sync ${(syncMs / 1_000).toFixed(1)} s, plain ${(plainMs / 1_000).toFixed(1)} s`);
    await pool.query('DROP TABLE bench_plain_items');

    // The puller's changes (whole sessions of 2–4 KB records), then the live feeds, then the pulls.
    for (let pushed = 0; pushed < plan.pullChanges; pushed += 100) {
      const items: PushItem[] = [];
      let sessionId = randomUUID();
      for (let index = 0; index < Math.min(100, plan.pullChanges - pushed); index += 1) {
        if (index > 0 && index % TURNS_PER_SESSION === 0) sessionId = randomUUID();
        items.push(benchRecordItem(sessionId, intBetween(random, BLOB_MIN, BLOB_MAX)));
      }
      await pushBatch(server.url, puller.token, items);
    }
    const rssBeforeFeeds = await rssBytes(server.pid);
    const feedTokens = async (total: number): Promise<void> => {
      // Each feed is another workstation of one of the 50 clinicians (its own token), as in a clinic.
      while (feeds.length < total) {
        const clinician = clients[feeds.length % clients.length] as { profileId: string };
        feeds.push(await openLiveFeed(server.url, await issueBenchToken(pool, clinician.profileId, `Bench ${feeds.length + 2}`)));
      }
    };
    await feedTokens(plan.pullWorkstations);
    const pullMs: number[] = [];
    const pullHttpMs: number[] = [];
    let pulledChanges = 0;
    let pulledBytes = 0;
    let pullsBefore = await handlerTimes(server.url);
    for (let sample = 0; sample < plan.pullWarmup + plan.pullSamples; sample += 1) {
      const startedAt = performance.now();
      const { page, httpMs } = await pullPage(server.url, puller.token, 0, plan.pullChanges);
      const elapsed = performance.now() - startedAt;
      if (sample >= plan.pullWarmup) pullHttpMs.push(httpMs);
      if (sample + 1 === plan.pullWarmup) pullsBefore = await handlerTimes(server.url);
      if (page.changes.length !== plan.pullChanges) throw new Error(`pull answered ${page.changes.length} changes, not ${plan.pullChanges}`);
      if (sample >= plan.pullWarmup) pullMs.push(elapsed);
      pulledChanges = page.changes.length;
      pulledBytes = page.changes.reduce((sum, change) => sum + ('blob' in change ? (change.blob.length * 3) / 4 : 0), 0);
    }

    const handlerPullMs = meanHandlerMs(pullsBefore, await handlerTimes(server.url)).pullMs;
    // RSS with every live feed open, after a moment for the connections to settle.
    await feedTokens(plan.rssWorkstations);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const serverRssBytes = await rssBytes(server.pid);
    const postgres = await processTreePss(await server.postgresPid());
    return {
      syncRowsPerSecond: pushedRows / (syncMs / 1_000),
      plainRowsPerSecond: pushedRows / (plainMs / 1_000),
      pushedRows,
      pushedBytes,
      plainConnections: PLAIN_CONNECTIONS,
      pullMs,
      pullHttpMs,
      pulledChanges,
      pulledBytes,
      serverRssBytes,
      serverRssBeforeFeedsBytes: rssBeforeFeeds,
      serverRssIdleBytes,
      postgres,
      signInMs,
      handlerPushMs: pushHandlerMs / pushes,
      handlerPullMs,
      clientPushMs: syncMs / plan.pushRounds / plan.batchesPerClient,
    };
  } finally {
    for (const feed of feeds) feed.close();
    await pool.end();
  }
}

/** p95 of the pulls (ms). */
export const pullP95 = (figures: ServerFigures): number => percentile(figures.pullMs, 95);
