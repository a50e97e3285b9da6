/**
 * The browser suite's workloads, one per `BenchWorkload`: how large the store is and how often each step repeats.
 *
 * `full` is the workload the goals were written for: 10,000 sealed sessions × 10 turns, every repetition. The app's
 * indexing pass after an unlock reads the whole store (about a minute at 10,000 sessions here, and every unlock
 * starts one), and sealing and writing the population grows with it too, so `full` takes about 20 minutes on this
 * machine. `default` keeps every step and every figure but on a smaller store and with the repetitions each
 * statistic needs, so `npm run bench` stays within a few minutes; `quick` is a smoke run. What a run cut is printed
 * under the table ({@link scaledDownLines}), and each figure whose goal is defined on the full store says in its
 * note what this run measured ({@link fullStoreCaveat}).
 */
import type { BenchWorkload } from './benchOptions';

/** The store suite's workload. */
export interface StorePlan {
  /** Sessions in the store when the list is read (driven through the app + sealed population). */
  readonly sessions: number;
  readonly turnsPerSession: number;
  /** Sessions driven through the app for the list's first page (the newest), and their turns each. */
  readonly listSessions: number;
  /** Measured follow-up turns in each of them (after population). */
  readonly turnsPerListSession: number;
  /** Turns of the session that is opened. */
  readonly openTurns: number;
  readonly populateBatchSessions: number;
  readonly openRepetitions: number;
  readonly listRepetitions: number;
  readonly warmup: number;
  readonly uiLoads: number;
  readonly unlockRepetitions: number;
  readonly retentionKeys: number;
  readonly retentionRepetitions: number;
  readonly deleteBatchSize: number;
  /** Timed builds of main's search index (the app's indexing pass over the whole store), after the warm-up ones. */
  readonly searchIndexRepetitions: number;
  readonly searchIndexWarmup: number;
  /** One-word searches on the built index. */
  readonly searchQueries: number;
}

/** The UI steps' workload (uiSuite.ts), run on the store suite's populated profile. */
export interface UiPlan {
  readonly firstPaintRepetitions: number;
  /** Streamed answers: the first from the intake form, the others as follow-ups in that session. */
  readonly streams: number;
  /** The test server's pause between chunks (one word each) while streaming. */
  readonly chunkDelayMs: number;
}

/** Both plans of one workload. */
export interface BrowserPlan {
  readonly store: StorePlan;
  readonly ui: UiPlan;
}

const FULL: BrowserPlan = {
  store: {
    sessions: 10_000,
    turnsPerSession: 10,
    listSessions: 50,
    turnsPerListSession: 4,
    openTurns: 50,
    populateBatchSessions: 250,
    openRepetitions: 30,
    listRepetitions: 30,
    warmup: 3,
    uiLoads: 5,
    unlockRepetitions: 5,
    retentionKeys: 10_000,
    retentionRepetitions: 3,
    deleteBatchSize: 50,
    searchIndexRepetitions: 5,
    searchIndexWarmup: 1,
    searchQueries: 20,
  },
  ui: { firstPaintRepetitions: 10, streams: 3, chunkDelayMs: 10 },
};

/**
 * A tenth of the store (the population's sealing and writing, every indexing pass and the sweep scale with it). The
 * indexing pass is timed once, with no warm-up pass of its own: before it the suite waits for the whole pass the
 * last unlock started and reads every plain row once, which warms both sides as a warm-up pass would (`--full` keeps
 * its warm-up and five timed passes, a minute each at 10,000 sessions). The median of 5 first paints, the p95 over
 * the several hundred frames of one streamed protocol, and the p95 of 100 measured write turns (each through the app,
 * a fifth of a second here) are what those statistics need. The retention pass runs
 * in Node on its own 10,000 keys whatever the store's size, so it keeps the full count.
 */
const DEFAULT: BrowserPlan = {
  store: { ...FULL.store, sessions: 1_000, turnsPerListSession: 2, searchIndexRepetitions: 1, searchIndexWarmup: 0 },
  ui: { ...FULL.ui, firstPaintRepetitions: 5, streams: 1 },
};

/**
 * The smoke run: every step once or a few times on 500 sessions; its figures are not comparable to the others. It
 * keeps a warm-up indexing pass, so the path only `--full` otherwise takes is tried too.
 */
const QUICK: BrowserPlan = {
  store: {
    ...FULL.store,
    sessions: 500,
    turnsPerListSession: 2,
    openRepetitions: 10,
    listRepetitions: 10,
    warmup: 2,
    uiLoads: 3,
    unlockRepetitions: 3,
    retentionRepetitions: 1,
    searchIndexRepetitions: 1,
  },
  ui: { ...FULL.ui, firstPaintRepetitions: 3, streams: 1 },
};

const PLANS: Readonly<Record<BenchWorkload, BrowserPlan>> = { quick: QUICK, default: DEFAULT, full: FULL };

/** The browser suite's plan for `workload`. */
export function browserPlanFor(workload: BenchWorkload): BrowserPlan {
  return PLANS[workload];
}

/** What each count means, for the lines printed under the table. */
const STORE_LABELS: Readonly<Record<keyof StorePlan, string>> = {
  sessions: 'sessions in the store',
  turnsPerSession: 'turns per stored session',
  listSessions: "sessions of the list's first page driven through the app",
  turnsPerListSession: 'measured follow-up turns per list session',
  openTurns: 'turns of the opened session',
  populateBatchSessions: 'sessions per population batch',
  openRepetitions: 'timed opens of the 50-turn session',
  listRepetitions: "timed reads of the list's first page",
  warmup: 'warm-up rounds before the open and list timings',
  uiLoads: 'loads of the sessions list watched for main-thread blocking',
  unlockRepetitions: 'timed unlocks',
  retentionKeys: 'expired keys in the retention pass',
  retentionRepetitions: 'timed retention passes',
  deleteBatchSize: 'sessions per sweep batch',
  searchIndexRepetitions: "timed indexing passes (the app's, over the whole store)",
  searchIndexWarmup: 'warm-up indexing passes',
  searchQueries: 'timed searches',
};

const UI_LABELS: Readonly<Record<keyof UiPlan, string>> = {
  firstPaintRepetitions: 'timed first paints after an unlock',
  streams: 'streamed protocols timed frame by frame',
  chunkDelayMs: 'ms between streamed chunks',
};

const count = (value: number): string => value.toLocaleString('en-US');

function differences<T extends object>(plan: T, full: T, labels: Readonly<Record<keyof T, string>>): string[] {
  return (Object.keys(labels) as (keyof T)[])
    .filter((key) => plan[key] !== full[key])
    .map((key) => `${labels[key]} ${count(plan[key] as number)} (--full: ${count(full[key] as number)})`);
}

/**
 * One line per count of `workload`'s plan that differs from the full workload's, e.g. "sessions in the store 1,000
 * (--full: 10,000)"; none for `full`. Derived from the plans, so the printed list cannot drift from what ran.
 */
export function scaledDownLines(workload: BenchWorkload): string[] {
  const plan = browserPlanFor(workload);
  return [...differences(plan.store, FULL.store, STORE_LABELS), ...differences(plan.ui, FULL.ui, UI_LABELS)];
}

/**
 * The sentence a figure whose goal is defined on the full store (10,000 sessions; 100,000 turns for the sweep) adds
 * to its note when this run measured a smaller one: which population it measured, and that `--full` measures the
 * one the goal is about. Empty when the run was the full one.
 */
export function fullStoreCaveat(workload: BenchWorkload, measuredSessions: number): string {
  if (workload === 'full') return '';
  const full = FULL.store.sessions;
  const run = workload === 'quick' ? 'this --quick smoke run' : 'this default run';
  return (
    ` The goal is defined on ${count(full)} sessions (${count(full * FULL.store.turnsPerSession)} turns): ${run} measured ` +
    `${count(measuredSessions)}; \`npm run bench -- --full\` measures ${count(full)}.`
  );
}
