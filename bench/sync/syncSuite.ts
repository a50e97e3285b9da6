/**
 * The sync section of `npm run bench`: one real sync server process (the built bundle out/server/cli.mjs, as IT runs
 * it; embedded PostgreSQL in a temporary folder) and a fake model server, then, in order: the handoff between two workstations (handoff.ts),
 * a new workstation's initial sync (initialSync.ts), and the server's own figures over raw HTTP (serverFigures.ts:
 * push throughput against plain INSERTs, pull latency with 100 live feeds, RSS with 200). The default run keeps the
 * section under a minute on two cores with a smaller initial-sync history; `--full` runs the 1,000 sessions
 * × 10 turns and more samples.
 */
import { cpus, loadavg } from 'node:os';
import { startFakeLlmServer } from '../../test/fakes/fakeLlmServer';
import { deriveSeed, mulberry32 } from '../prng';
import type { ReportedResult } from '../results';
import { percentile } from '../stats';
import { answerMessage, STANDARD_SIZES } from '../workload';
import { measureHandoff, type HandoffPlan } from './handoff';
import { measureInitialSync, type InitialSyncPlan } from './initialSync';
import { measureServer, type ServerPlan } from './serverFigures';
import { startBenchSyncServer } from './serverProcess';

/** What the section adds to the report. */
export interface SyncSuiteReport {
  readonly results: ReportedResult[];
  readonly notes: string[];
  readonly scaled: string[];
}

interface SyncPlan {
  readonly handoff: HandoffPlan;
  readonly initial: InitialSyncPlan;
  readonly server: ServerPlan;
}

/** The workload. */
const FULL_PLAN: SyncPlan = {
  handoff: { sessions: 10, turnsPerSession: 5, warmup: 2 },
  initial: { sessions: 1_000, turnsPerSession: 10 },
  server: {
    pushClients: 50,
    batchesPerClient: 2,
    itemsPerBatch: 100,
    pushRounds: 2,
    pullChanges: 500,
    pullWorkstations: 100,
    pullSamples: 100,
    pullWarmup: 5,
    rssWorkstations: 200,
  },
};

/** The default run: every figure, a smaller initial-sync history, fewer pushed rows and samples. */
const DEFAULT_PLAN: SyncPlan = {
  handoff: { sessions: 4, turnsPerSession: 5, warmup: 2 },
  initial: { sessions: 60, turnsPerSession: 10 },
  server: { ...FULL_PLAN.server, batchesPerClient: 1, itemsPerBatch: 25, pullSamples: 30, pullWarmup: 3 },
};

const MB = 1024 * 1024;
const fmt = (value: number, digits = 1): string => value.toFixed(digits);
const count = (value: number): string => value.toLocaleString('en-US');

/** Runs the section; `log` gets progress lines. */
export async function runSyncSuite(options: { full: boolean; seed: number; log: (line: string) => void }): Promise<SyncSuiteReport> {
  const plan = options.full ? FULL_PLAN : DEFAULT_PLAN;
  const { seed, log } = options;
  const step = async <T>(name: string, run: () => Promise<T>): Promise<T> => {
    const startedAt = performance.now();
    log(`  … ${name}`);
    const value = await run();
    log(`    ${name}: ${fmt((performance.now() - startedAt) / 1_000)} s`);
    return value;
  };
  const loadBefore = loadavg()[0] ?? 0;
  const server = await step('start the sync server (embedded PostgreSQL)', () => startBenchSyncServer());
  const answers = mulberry32(deriveSeed(seed, 0x5c7c));
  const llm = await startFakeLlmServer({ chunkDelayMs: 0, defaultReply: () => answerMessage(answers, STANDARD_SIZES) });
  try {
    const handoff = await step('handoff between two workstations', () => measureHandoff(server.url, llm.baseURL, plan.handoff, seed));
    const initial = await step(`initial sync of ${count(plan.initial.sessions)} sessions × ${plan.initial.turnsPerSession} turns`, () =>
      measureInitialSync(server.url, llm.baseURL, plan.initial, seed, log),
    );
    const figures = await step('push, pull and memory (raw HTTP)', () => measureServer(server, plan.server, seed, log));

    const pushRatio = figures.syncRowsPerSecond / figures.plainRowsPerSecond;
    const results: ReportedResult[] = [
      { id: 'sync.handoff_p95_ms', value: handoff.p95Ms, unit: 'ms', goal: 1_000, better: 'lower' },
      { id: 'sync.push_throughput_ratio', value: pushRatio, unit: 'x', goal: 0.5, better: 'higher' },
      { id: 'sync.pull_p95_ms', value: percentile(figures.pullMs, 95), unit: 'ms', goal: 50, better: 'lower' },
      { id: 'sync.initial_sync_ratio', value: initial.ratio, unit: 'x', goal: 2, better: 'lower', scaled: !options.full },
      { id: 'sync.server_rss_mb', value: figures.serverRssBytes / MB, unit: 'MB', goal: 200, better: 'lower' },
      // Informative: PostgreSQL is its own processes; no goal of its own, held to the server's for comparison.
      { id: 'sync.postgres_pss_mb', value: figures.postgres.bytes / MB, unit: 'MB', goal: 200, better: 'lower', informative: true },
    ];
    const notes = [
      `sync handoff: ${handoff.samplesMs.length} turns (${plan.handoff.sessions} sessions × ${plan.handoff.turnsPerSession}, after ${plan.handoff.warmup} untimed), ` +
        `p50 ${fmt(handoff.p50Ms, 0)} ms, p95 ${fmt(handoff.p95Ms, 0)} ms: from A's main delivering the turn's final version to A's page until B's main ` +
        `delivers it to B's page (vault.record, what makes B's sidebar show it; the page's own IndexedDB write, a few ms, is not included). ` +
        `Two workstations' main in this process, live feed on, default settings: A's push waits out its 500 ms debounce, then B hears the ` +
        `live feed (PostgreSQL NOTIFY → SSE), pulls, opens and delivers.`,
      `sync push: ${count(figures.pushedRows)} rows of 2–4 KB (${fmt(figures.pushedBytes / MB)} MB) per side; 50 clinicians' workstations ` +
        `pushing batches of ${plan.server.itemsPerBatch} at once: ${fmt(figures.syncRowsPerSecond, 0)} rows/s; the same rows as plain multi-row ` +
        `INSERTs into a scratch copy of the items table (same columns and indexes, no foreign key) over ${figures.plainConnections} connections ` +
        `(the server's pool): ${fmt(figures.plainRowsPerSecond, 0)} rows/s. Rounds alternate sync, plain, plain, sync. One push took ` +
        `${fmt(figures.clientPushMs, 0)} ms as its client saw it (50 at once), of which ${fmt(figures.handlerPushMs, 0)} ms in the server's push ` +
        `handler (schema check, base64 and hashes, the transaction); the rest is HTTP and Fastify's JSON parse of the body, on the same two cores.`,
      `sync pull: one pull of ${figures.pulledChanges} changes (${fmt(figures.pulledBytes / MB, 2)} MB of blobs) with ${plan.server.pullWorkstations} live ` +
        `feeds open, ${figures.pullMs.length} samples after ${plan.server.pullWarmup}: p50 ${fmt(percentile(figures.pullMs, 50), 0)} ms, ` +
        `p95 ${fmt(percentile(figures.pullMs, 95), 0)} ms, of which HTTP (request until the body was read) p50 ${fmt(percentile(figures.pullHttpMs, 50), 0)} ms; ` +
        `the server's pull handler (the database read, before the answer is serialised) ${fmt(figures.handlerPullMs, 0)} ms on average; ` +
        `the rest of the HTTP part is serialising and sending the answer; after it, JSON.parse and the protocol's schema check, as a workstation does.`,
      `sync initial: ${count(initial.records)} records (with the sessions' key items) sealed and pushed by A first (${fmt(initial.populateMs / 1_000)} s, ` +
        `not timed); B's main from its clinic sign-in's answer to the last record delivered ${fmt(initial.mainMs, 0)} ms (pull pages, envelopes ` +
        `opened and checked, keys adopted, records opened before delivery), then its ${count(initial.deliveries)} deliveries written one ` +
        `transaction each ${fmt(initial.oursDexieMs, 0)} ms; plain Dexie bulkPut of the same rows ${fmt(initial.plainDexieMs, 0)} ms (Dexie sides: median of 3). ` +
        `Ratio = (main + our writes) / plain writes. Dexie runs in ` +
        `Node on fake-indexeddb on both sides, not in Chromium as the store suite does: B's main runs in Node here (as the tier-N sync ` +
        `tests run it), and the store suite's page API cannot time a plain write of rows its own store already holds, so a Chromium ` +
        `variant needs a harness signed in through the clinic and a page bundle of its own (not built). These are fake-indexeddb's ` +
        `times (in memory, no durability, a fixed cost per transaction), not Chromium's.`,
      `sync memory: server VmRSS ${fmt(figures.serverRssBytes / MB)} MB with ${plan.server.rssWorkstations} live feeds open ` +
        `(${fmt(figures.serverRssBeforeFeedsBytes / MB)} MB before the feeds, after the push and pull work above; ` +
        `${fmt(figures.serverRssIdleBytes / MB)} MB after the handoff and initial sync, before this work), started as the ` +
        'documented systemd unit starts it (`node out/server/cli.mjs`, the `npm run build:server` bundle, no TypeScript loader). PostgreSQL: ' +
        `${figures.postgres.processes} processes, ${fmt(figures.postgres.bytes / MB)} MB summed as PSS (shared buffers counted once).`,
      `sync: clinicians and feed tokens set up in ${fmt(figures.signInMs / 1_000, 1)} s: one registered through the API, the others ` +
        'written into the server\'s tables as it writes them (250 scrypt sign-ins would dominate the section and measure nothing here).',
    ];
    notes.push(
      `sync: the machine's 1-minute load average was ${fmt(loadBefore)} at the section's start and ${fmt(loadavg()[0] ?? 0)} at its end ` +
        `(${cpus().length} cores): the absolute latencies (handoff, pull) and the section's time grow with it; the ratios compare sides run back to back.`,
    );
    const scaled = options.full
      ? []
      : [
          `sync: initial sync of ${count(plan.initial.sessions)} sessions × ${plan.initial.turnsPerSession} turns (--full: 1,000 × 10); ` +
            `${count(figures.pushedRows)} pushed rows per side and ${plan.server.pullSamples} pulls (--full: ` +
            `${count(FULL_PLAN.server.pushClients * FULL_PLAN.server.batchesPerClient * FULL_PLAN.server.itemsPerBatch * FULL_PLAN.server.pushRounds)} and ${FULL_PLAN.server.pullSamples}).`,
        ];
    return { results, notes, scaled };
  } finally {
    await llm.close();
    await server.stop();
  }
}
