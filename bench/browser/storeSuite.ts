/**
 * The history store's benchmarks, in Chromium through the browser harness: the built app, main's real services
 * behind the harness's WebSocket, a persistent Chromium profile (IndexedDB on disk), and — in the same page, the same
 * run — plain Dexie doing the same work on the same rows in its own database, the limit we measure against. Every
 * workload (browserPlans.ts: default, `--full`, `--quick`) runs the same steps; only the store's size and the
 * repetitions differ.
 *
 * Steps: sign in through the UI; drive a template session, one 50-turn session and the list's newest sessions through
 * `window.api.protocol.generate`; fill both databases with sessions sealed by main (see the notes); time follow-up
 * turns in the list's sessions on the populated store; then time opening the 50-turn session, the list's first page
 * and the main thread while the list loads; then everything that unlocks (the main thread while the app's sessions
 * list loads, unlock, and the UI's first paint of that list after an unlock through the lock screen, uiSuite.ts);
 * then building main's search index over the whole store and searching it, frame times while a protocol streams
 * (uiSuite.ts), and the sweep of every session's rows; finally main's key destruction in Node.
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type BrowserContext, type Page } from '@playwright/test';
import { SETTINGS_DEFAULTS } from '../../src/shared/settings';
import { startFakeLlmServer, type FakeLlmServer } from '../../test/fakes/fakeLlmServer';
import { startHarness, type Harness } from '../../test/harness/harnessServer';
import { deriveSeed, mulberry32 } from '../prng';
import type { ReportedResult } from '../results';
import { percentile } from '../stats';
import { answerMessage, sessionScript, STANDARD_SIZES } from '../workload';
import type { BenchWorkload } from './benchOptions';
import { browserPlanFor, fullStoreCaveat } from './browserPlans';
import { buildApp, buildPageBundle } from './buildBundles';
import type { PairedTimings, RunTurnsInput, RunTurnsOutput, StoreBenchPage, TurnTiming } from './pageApi';
import { measureRetentionHide } from './retentionKeys';
import { sealedSessionBatches } from './sealedPopulation';
import { checkedStreamedProtocol, measureFirstPaints, measureStreams, uiFigures, type UiStepsInput } from './uiSuite';

/** What the suite adds to the benchmark's report. */
export interface StoreSuiteReport {
  readonly results: ReportedResult[];
  readonly notes: string[];
}

const REPO_ROOT = join(import.meta.dirname, '..', '..');
const CLINICIAN_NAME = 'Dr Bench Mark';
const PASSPHRASE = 'a long passphrase for the benchmark ward';
/** Turns of the template session (its records give the replicated rows their shapes and sizes). */
const TEMPLATE_TURNS = 10;

const fmt = (value: number, digits = 1): string => value.toFixed(digits);
const median = (values: readonly number[]): number => percentile(values, 50);
const count = (value: number): string => value.toLocaleString('en-US');
/** Which sample `median` reports: with an even count the nearest rank is the lower of the two middle ones. */
const medianOf = (samples: number): string =>
  samples === 1 ? 'one sample' : samples % 2 === 0 ? `median of ${samples} (nearest rank: the lower middle one)` : `median of ${samples}`;
const timesText = (samples: number): string => (samples === 1 ? 'once' : `${samples} times`);

/**
 * The end-to-end tests' Chromium switches, from playwright.config.ts (loaded at run time: tsconfig.node.json does
 * not list that file, so it cannot be imported statically here).
 */
async function chromiumArgs(): Promise<string[]> {
  const config = (await import(pathToFileURL(join(REPO_ROOT, 'playwright.config.ts')).href)) as { CHROMIUM_ARGS?: unknown };
  if (!Array.isArray(config.CHROMIUM_ARGS)) throw new Error('playwright.config.ts no longer exports CHROMIUM_ARGS');
  return config.CHROMIUM_ARGS as string[];
}

/** Calls one of the page bundle's functions. */
function call<K extends keyof StoreBenchPage>(page: Page, name: K, input?: Parameters<StoreBenchPage[K]>[0]): ReturnType<StoreBenchPage[K]> {
  return page.evaluate(
    ([fn, arg]) => {
      const bench = window.__cpaStoreBench;
      if (!bench) throw new Error('the benchmark page bundle is not installed');
      return (bench[fn] as (input: unknown) => Promise<unknown>)(arg);
    },
    [name, input] as const,
  ) as ReturnType<StoreBenchPage[K]>;
}

/** Sign-in through the UI, as a clinician on a new workstation does (the e2e fixture's steps). */
async function signInThroughUi(page: Page): Promise<void> {
  await page.getByLabel('Name').fill(CLINICIAN_NAME);
  await page.getByLabel('Passphrase', { exact: true }).fill(PASSPHRASE);
  await page.getByLabel('Confirm passphrase').fill(PASSPHRASE);
  await page.getByRole('button', { name: 'Create profile' }).click();
  await page.getByTestId('signed-in-as').filter({ hasText: CLINICIAN_NAME }).waitFor({ timeout: 30_000 });
}

/** The seeded session `index`: its patient, and `turns` messages of ~300 characters. */
function scriptedSession(seed: number, index: number, turns: number): RunTurnsInput {
  const script = sessionScript(seed, index, turns, STANDARD_SIZES);
  return { patient: script.patient, messages: script.exchanges.map((exchange) => exchange.userText) };
}

/**
 * `howMany` different one-word queries from the workload's vocabulary: the words (5+ letters) of the real sessions'
 * scripted messages and of seeded protocol answers, picked with a seeded generator.
 */
function vocabularyQueries(seed: number, scripts: readonly RunTurnsInput[], howMany: number): string[] {
  const answers = mulberry32(deriveSeed(seed, 0x5ea4c4));
  const texts = [...scripts.flatMap((script) => script.messages), ...Array.from({ length: 20 }, () => answerMessage(answers, STANDARD_SIZES))];
  const words = [...new Set(texts.flatMap((text) => text.toLowerCase().split(/[^a-z]+/)).filter((word) => word.length >= 5))].sort();
  const random = mulberry32(deriveSeed(seed, 0x9e4d));
  const picked: string[] = [];
  while (picked.length < Math.min(howMany, words.length)) {
    const [word] = words.splice(Math.floor(random() * words.length), 1);
    if (word !== undefined) picked.push(word);
  }
  return picked;
}

function throwIfProblems(what: string, problems: readonly string[]): void {
  if (problems.length > 0) throw new Error(`${what}: ${problems.slice(0, 5).join('; ')}`);
}

function pairedMedians(timings: PairedTimings): { ours: number; plain: number } {
  return { ours: median(timings.oursMs), plain: median(timings.plainMs) };
}

/** Runs the suite; `log` gets progress lines (stderr in `bench/run.ts`). */
export async function runStoreSuite(options: { workload: BenchWorkload; seed: number; log: (line: string) => void }): Promise<StoreSuiteReport> {
  const { store: plan, ui: uiPlan } = browserPlanFor(options.workload);
  const { seed, log, workload } = options;
  const results: ReportedResult[] = [];
  const notes: string[] = [];
  const scaled = workload !== 'full';
  const root = await mkdtemp(join(tmpdir(), 'cpa-bench-store-'));
  const dataDir = join(root, 'main-data');
  await mkdir(dataDir, { mode: 0o700 });
  const profileDir = join(root, 'chromium-profile');
  let llm: FakeLlmServer | null = null;
  let harness: Harness | null = null;
  let context: BrowserContext | null = null;
  const pageErrors: string[] = [];
  const step = async <T>(name: string, run: () => Promise<T>): Promise<T> => {
    const startedAt = performance.now();
    log(`  … ${name}`);
    const value = await run();
    log(`    ${name}: ${fmt((performance.now() - startedAt) / 1_000)} s`);
    return value;
  };

  try {
    const protocol = checkedStreamedProtocol(seed);
    const { rendererDir } = await step('build the app and the page bundle', () => buildApp(join(root, 'app')));
    const bundle = await buildPageBundle(join(root, 'page'));

    // The test server answers at once (chunkDelayMs 0) with seeded ~800-character protocol answers.
    const answers = mulberry32(deriveSeed(seed, 0x5704e));
    llm = await startFakeLlmServer({ chunkDelayMs: 0, defaultReply: () => answerMessage(answers, STANDARD_SIZES) });
    harness = await startHarness({ port: 0, llmUrl: llm.baseURL, dataDir, rendererDir, buildDir: join(root, 'harness') });
    const activeHarness = harness;
    const llmUrl = llm.baseURL;
    context = await chromium.launchPersistentContext(profileDir, {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: await chromiumArgs(),
      headless: true,
    });
    await context.addInitScript({ content: bundle });
    const page = context.pages()[0] ?? (await context.newPage());
    page.on('pageerror', (error) => pageErrors.push(`page error: ${error.message}`));
    page.on('console', (message) => {
      if (message.type() === 'error') pageErrors.push(`console error: ${message.text()}`);
    });
    await page.goto(harness.url);
    await step('sign in through the UI', () => signInThroughUi(page));
    await call(page, 'ready');
    const state = await page.evaluate(() => window.api.auth.state());
    if (!state.ok || !state.data.profileId) throw new Error('signed in, but auth.state has no profile id');
    const profileId = state.data.profileId;

    // 1. Sessions through the app, before any bulk row exists. The app's sessions list opens the titles of the
    //    newest page after every turn and deletes sessions main has no key for (retention ended): the replicated
    //    rows (no keys in main) must never reach that page, so every real session is made first and is newer.
    const template = await step(`template session (${TEMPLATE_TURNS} turns through the app)`, () =>
      call(page, 'runTurns', scriptedSession(seed, 0, TEMPLATE_TURNS)),
    );
    throwIfProblems('template session', template.problems);
    const ownerId = template.ownerId;
    const openSession = await step(`${plan.openTurns}-turn session through the app`, () =>
      call(page, 'runTurns', scriptedSession(seed, 1, plan.openTurns)),
    );
    throwIfProblems('50-turn session', openSession.problems);
    const listSessions: RunTurnsOutput[] = [];
    const listScripts = Array.from({ length: plan.listSessions }, (_, index) => scriptedSession(seed, 2 + index, 1 + plan.turnsPerListSession));
    await step(`${plan.listSessions} sessions through the app (first turn)`, async () => {
      for (const [index, script] of listScripts.entries()) {
        const session = await call(page, 'runTurns', { patient: script.patient, messages: script.messages.slice(0, 1) });
        throwIfProblems(`list session ${index + 1}`, session.problems);
        listSessions.push(session);
      }
    });
    const unmeasured = [...template.turns, ...openSession.turns, ...listSessions.flatMap((session) => session.turns)];

    // 2. Bulk population: everything else, older than every session above, sealed by main's own sealer in Node
    //    (keys in main's key store, records that open) and written to both databases batch by batch.
    const replicated = plan.sessions - (2 + plan.listSessions);
    const populated = await step(`seal and write ${count(replicated)} sessions × ${plan.turnsPerSession} turns (both databases)`, async () => {
      const totals = { sessions: 0, turns: 0, oursMs: 0, plainMs: 0, sealMs: 0 };
      const batches = sealedSessionBatches(activeHarness.sealerForBenchmarks, {
        seed,
        firstScript: 2 + plan.listSessions,
        sessions: replicated,
        turnsPerSession: plan.turnsPerSession,
        batchSessions: plan.populateBatchSessions,
        ownerId,
        newestAt: new Date(Date.now() - 3_600_000),
        endpoint: llmUrl,
      });
      for (let batchIndex = 0; ; batchIndex += 1) {
        const sealStart = performance.now();
        const next = await batches.next();
        totals.sealMs += performance.now() - sealStart;
        if (next.done) break;
        const written = await call(page, 'populate', { ...next.value, batchIndex });
        totals.sessions += next.value.sessionRecords.length;
        totals.turns += next.value.turnRecords.length;
        totals.oursMs += written.oursMs;
        totals.plainMs += written.plainMs;
      }
      return totals;
    });

    // 3. The measured write path, on the populated store: follow-up turns in the list's sessions, through the app.
    const measured: TurnTiming[] = [];
    await step(`${count(plan.listSessions * plan.turnsPerListSession)} measured turns (${plan.listSessions} sessions × ${plan.turnsPerListSession})`, async () => {
      for (const [index, script] of listScripts.entries()) {
        const session = await call(page, 'runTurns', { sessionId: listSessions[index]!.sessionId, patient: script.patient, messages: script.messages.slice(1) });
        throwIfProblems(`list session ${index + 1}`, session.problems);
        measured.push(...session.turns);
      }
    });
    const stored = await call(page, 'counts');
    const quiet = (quietMs: number) => call(page, 'quiet', { quietMs, timeoutMs: 600_000 });
    const ui: UiStepsInput = { page, llm, passphrase: PASSPHRASE, seed, plan: uiPlan, workload, storedSessions: stored.ours.sessions, step, quiet };
    // What the last turn started in the page (the list re-read, its titles opened) ends before anything is timed.
    await quiet(1_500);

    // 4. Reads, on the quiet store.
    const opened = await step('open the 50-turn session (ours vs plain)', () =>
      call(page, 'openSession', { sessionId: openSession.sessionId, repetitions: plan.openRepetitions, warmup: plan.warmup }),
    );
    throwIfProblems('open session', opened.problems);
    const listed = await step('first page of the list (ours vs plain)', () =>
      call(page, 'listFirstPage', { ownerId, limit: 50, repetitions: plan.listRepetitions, warmup: plan.warmup }),
    );
    throwIfProblems('list', listed.problems);
    const mainThread = await step('main thread while the store loads the list', () =>
      call(page, 'mainThreadWhileListing', { ownerId, limit: 50, repetitions: plan.uiLoads, warmup: 0 }),
    );
    throwIfProblems('main thread', mainThread.problems);

    // 5. Everything that unlocks, back to back. Each unlock starts the app's indexing pass over the whole store
    //    (a minute at 10,000 sessions) and each of these steps locks before it unlocks, which ends the pass running;
    //    so no step waits for one to finish. The last one's pass runs to its end at the start of step 6.
    const sidebar = await step('main thread while the app\'s sessions list loads after an unlock', () =>
      call(page, 'mainThreadWhileSidebarLoads', { profileId, passphrase: PASSPHRASE, repetitions: plan.uiLoads, listWaitMs: 10_000 }),
    );
    throwIfProblems('sessions list', sidebar.problems);
    const unlocked = await step(`unlock ×${plan.unlockRepetitions}`, () =>
      call(page, 'unlock', { profileId, passphrase: PASSPHRASE, repetitions: plan.unlockRepetitions }),
    );
    throwIfProblems('unlock', unlocked.problems);
    // The app's UI (uiSuite.ts): the sessions list's first paint after an unlock through the lock screen.
    const painted = await measureFirstPaints(ui);

    // 6. Main's search index: the app's own indexing pass after an unlock, over the whole store (every session was
    //    sealed by main), beside plain Dexie reading the same rows; then warm searches on the built index. The page
    //    first waits for the last unlock's pass to end (a whole pass, untimed) and reads every plain row once, so
    //    both sides are warm before the first timed pass.
    const queries = vocabularyQueries(seed, listScripts, plan.searchQueries);
    const searched = await step(`the app's indexing pass over ${count(stored.ours.sessions)} sessions (ours vs plain) + ${queries.length} searches`, () =>
      call(page, 'searchIndex', { ownerId, profileId, passphrase: PASSPHRASE, repetitions: plan.searchIndexRepetitions, warmup: plan.searchIndexWarmup, queries }),
    );
    throwIfProblems('search index', searched.problems);
    log(`    search index build: ours ${fmt(median(searched.oursMs), 1)} ms, plain ${fmt(median(searched.plainMs), 1)} ms; warm search median ${fmt(median(searched.searchMs), 2)} ms`);

    // 6b. Frame times while a long protocol streams into the conversation view (paced server), with no pass running.
    const streamed = await measureStreams(ui, protocol);
    const uiReport = uiFigures(ui, protocol, painted, streamed);

    // 7. The sweep: every session's rows, both sides.
    const swept = await step('sweep every session (ours vs plain)', () => call(page, 'sweep', { batchSize: plan.deleteBatchSize }));
    throwIfProblems('sweep', swept.problems);

    await context.close();
    context = null;
    await harness.close();
    harness = null;
    await llm.close();
    llm = null;

    // 8. Main's key destruction, in Node on the harness's data folder (see retentionKeys.ts).
    const retentionMs = SETTINGS_DEFAULTS.retentionDays * 86_400_000;
    const hidden = await step(`retention pass over ${count(plan.retentionKeys)} expired keys (Node)`, () =>
      measureRetentionHide(dataDir, plan.retentionKeys, plan.retentionRepetitions, retentionMs),
    );
    throwIfProblems('retention', hidden.problems);

    // Results.
    const oursWrite = measured.map((turn) => turn.oursMs);
    const plainWrite = measured.map((turn) => turn.plainMs);
    const oursWriteP95 = percentile(oursWrite, 95);
    const plainWriteP95 = percentile(plainWrite, 95);
    const open = pairedMedians(opened);
    const list = pairedMedians(listed);
    const storeBlock = Math.max(mainThread.longestLongTaskMs, mainThread.longestGapMs);
    const sidebarBlock = Math.max(sidebar.longestLongTaskMs, sidebar.longestGapMs);
    const longestBlock = sidebar.listSeen ? sidebarBlock : storeBlock;
    results.push(
      { id: 'store.write_turn_p95_ms', value: oursWriteP95, unit: 'ms', goal: 10, better: 'lower', scaled },
      { id: 'store.write_turn_ratio', value: oursWriteP95 / plainWriteP95, unit: 'x', goal: 1.2, better: 'lower', scaled },
      { id: 'plain_dexie.write_turn_p95_ms', value: plainWriteP95, unit: 'ms', goal: 10, better: 'lower', informative: true, scaled },
      { id: 'store.open_session_50_turns_ms', value: open.ours, unit: 'ms', goal: 5, better: 'lower', scaled },
      { id: 'store.open_session_50_turns_ratio', value: open.ours / open.plain, unit: 'x', goal: 1.2, better: 'lower', scaled },
      { id: 'plain_dexie.open_session_50_turns_ms', value: open.plain, unit: 'ms', goal: 5, better: 'lower', informative: true, scaled },
      { id: 'store.list_10k_first_page_ms', value: list.ours, unit: 'ms', goal: 5, better: 'lower', scaled },
      { id: 'store.list_10k_first_page_ratio', value: list.ours / list.plain, unit: 'x', goal: 1.2, better: 'lower', scaled },
      { id: 'plain_dexie.list_10k_first_page_ms', value: list.plain, unit: 'ms', goal: 5, better: 'lower', informative: true, scaled },
      { id: 'auth.unlock_ms', value: median(unlocked.unlockMs), unit: 'ms', goal: 1_500, better: 'lower', scaled },
      { id: 'store.retention_hide_ms', value: median(hidden.passMs), unit: 'ms', goal: 1_000, better: 'lower', scaled },
      {
        id: 'store.retention_sweep_100k_ratio',
        // Per deleted turn, so a difference in rows (which the notes would show) cannot skew it.
        value: swept.oursMs / swept.oursTurns / (swept.plainMs / swept.plainTurns),
        unit: 'x',
        goal: 1.1,
        better: 'lower',
        scaled,
      },
      { id: 'ui.longest_main_thread_block_ms', value: longestBlock, unit: 'ms', goal: 50, better: 'lower', scaled },
      // Informative: the same page work without the app's UI (the store's read + main's titles, drawn as a plain list).
      { id: 'ui.store_list_longest_block_ms', value: storeBlock, unit: 'ms', goal: 50, better: 'lower', informative: true, scaled },
    );

    const build = { ours: median(searched.oursMs), plain: median(searched.plainMs) };
    const searchWarm = median(searched.searchMs);
    results.push(
      { id: 'store.search_index_build_ratio', value: build.ours / build.plain, unit: 'x', goal: 1.3, better: 'lower', scaled },
      { id: 'store.search_warm_ms', value: searchWarm, unit: 'ms', goal: 100, better: 'lower', scaled },
    );

    const p50 = (values: readonly number[]) => percentile(values, 50);
    const oursBegin = measured.map((turn) => turn.oursBeginMs);
    const plainBegin = measured.map((turn) => turn.plainBeginMs);
    notes.push(
      `store workload (${workload}): ${count(stored.ours.sessions)} sessions / ${count(stored.ours.turns)} turns in ClinicHistory, ` +
        `${count(stored.plain.sessions)} / ${count(stored.plain.turns)} in the plain-Dexie database (same rows; same tables, indexes and ` +
        `strict durability), in one persistent Chromium profile on disk. Signed in once through the UI; ${2 + plan.listSessions} sessions ` +
        `(${count(unmeasured.length + measured.length)} turns) driven through window.api.protocol.generate against the test server ` +
        `(chunkDelayMs 0; seeded ~${STANDARD_SIZES.userChars}-char messages, ~${STANDARD_SIZES.answerChars}-char answers): a ${TEMPLATE_TURNS}-turn template, ` +
        `the ${plan.openTurns}-turn session that is opened, and the ${plan.listSessions} newest sessions (the list's first page), all made ` +
        `before the bulk rows, then ${measured.length} measured follow-up turns in those ${plan.listSessions} once the store was full.`,
      `population: the other ${count(populated.sessions)} sessions × ${plan.turnsPerSession} turns (${count(populated.turns)} turn records) ` +
        `were sealed in Node by main's own sealer (the harness's benchmark handle; never reachable from the page) — each session's key created ` +
        `in main's key store with its session record, every record opening for the signed-in clinician — from the workload's seeded clinical ` +
        `scripts, older than the sessions driven through the app, ${plan.populateBatchSessions} sessions per batch (sealing ${fmt(populated.sealMs / 1_000)} s). ` +
        `Each batch was written with putRecords (ours, ${fmt(populated.oursMs / 1_000)} s in all) and bulkPut (plain, ${fmt(populated.plainMs / 1_000)} s), ` +
        `alternating which side wrote first.`,
      `write: ${measured.length} turns on the populated store; per turn, for each of its two ` +
        `deliveries (session + turn record before the model is asked, then again with the outcome) the time from the first record arriving in the ` +
        `page (stamped on the bridge's WebSocket before the app's listener runs) to the app's last acknowledgement leaving it (sent only after ` +
        `putRecords committed), summed. Ours p50 ${fmt(p50(oursWrite), 2)} ms, p95 ${fmt(oursWriteP95, 2)} ms (first delivery alone p50 ` +
        `${fmt(p50(oursBegin), 2)}, p95 ${fmt(percentile(oursBegin, 95), 2)}); plain Dexie writing the same records, one transaction per delivery ` +
        `p50 ${fmt(p50(plainWrite), 2)} ms, p95 ${fmt(plainWriteP95, 2)} ms (first delivery p95 ${fmt(percentile(plainBegin, 95), 2)}); ` +
        `p50 ratio ${fmt(p50(oursWrite) / p50(plainWrite), 2)}×. Diagnostic: the app's putRecords called directly on the same records ` +
        `(one call per delivery; no bridge, sync queue, acknowledgement or UI) p50 ${fmt(p50(measured.map((t) => t.storeMs)), 2)} ms, p95 ` +
        `${fmt(percentile(measured.map((t) => t.storeMs), 95), 2)} ms. A whole generate call took p50 ${fmt(p50(measured.map((t) => t.generateMs)), 1)} ms. ` +
        `The ${unmeasured.length} turns made on the near-empty store before population (not in the figures): ours p50 ` +
        `${fmt(p50(unmeasured.map((t) => t.oursMs)), 2)} ms, p95 ${fmt(percentile(unmeasured.map((t) => t.oursMs), 95), 2)} ms.`,
      `open: median of ${opened.oursMs.length} (after ${plan.warmup} warm-up, alternating sides): ours = sessions.get + turnsOf (${opened.rows} rows) ` +
        `+ one vault.open of all ${opened.rows} through main = ${fmt(open.ours, 2)} ms (p95 ${fmt(percentile(opened.oursMs, 95), 2)}), of which the ` +
        `IndexedDB reads ${fmt(median(opened.oursReadMs), 2)} ms (median); plain Dexie reading the same rows ${fmt(open.plain, 2)} ms ` +
        `(p95 ${fmt(percentile(opened.plainMs, 95), 2)}). Plain Dexie never opens anything: the rest of the ratio is the round trip to main ` +
        `(validation both ways, decryption, one durable audit entry for the session).`,
      `list: median of ${listed.oursMs.length}: ours = sessionsPage(owner, {limit: 50}) over ${count(stored.ours.sessions)} sessions + one vault.open ` +
        `of the 50 session records (titles) = ${fmt(list.ours, 2)} ms (p95 ${fmt(percentile(listed.oursMs, 95), 2)}), of which sessionsPage ` +
        `${fmt(median(listed.oursReadMs), 2)} ms (median); plain Dexie's newest 50 (same index, reversed) ${fmt(list.plain, 2)} ms ` +
        `(p95 ${fmt(percentile(listed.plainMs, 95), 2)}). main's vault.open writes one 'session.opened' audit entry per session it opens and answers only ` +
        `once they are on disk; the audit log's group commit writes the 50 entries with a few syncs, not 50.` +
        fullStoreCaveat(workload, stored.ours.sessions),
      (sidebar.listSeen
        ? `ui: the app's own sessions list, ${sidebar.loads} times: lock, then auth.unlock; after it the sidebar reads the first page, counts ` +
          `each session's turns and has main open the titles (${sidebar.openedRecords.join('/')} records per vault.open); watched from the unlock ` +
          `call until that vault.open was answered and two frames were drawn (so the app's re-render after unlocking is included). `
        : `ui: SUBSTITUTION — no vault.open followed an unlock (the app has no sessions list that loads then), so the value is the store-level ` +
          `loop below. `) +
        `Longest longtask ${fmt(sidebar.longestLongTaskMs, 1)} ms (${sidebar.longTasks} tasks ≥ 50 ms${sidebar.longtaskSupported ? '' : '; longtask NOT supported'}), ` +
        `longest gap of a MessageChannel ping loop ${fmt(sidebar.longestGapMs, 1)} ms (an upper bound on any single task; the larger is reported). ` +
        `Store level (ui.store_list_longest_block_ms, informative): sessionsPage + vault.open of the titles, drawn into a plain <ul>, ` +
        `${mainThread.loads} times: longtask ${fmt(mainThread.longestLongTaskMs, 1)} ms, ping gap ${fmt(mainThread.longestGapMs, 1)} ms.`,
      `unlock: lock, then auth.unlock from the page (PBKDF2 included), median of ${unlocked.unlockMs.length}: ` +
        `${unlocked.unlockMs.map((ms) => fmt(ms, 0)).join(', ')} ms.`,
      `SUBSTITUTION — retention_hide: main's clock is the harness's real clock, which cannot be moved, and sessions.delete is not retention. ` +
        `Measured in Node instead: the real RetentionScheduler + SessionKeyStore (wired as services.ts wires them) on the harness's data folder, ` +
        `its key file holding the run's ${hidden.kept} real keys + ${count(hidden.expired)} expired ones (${fmt(hidden.keyFileBytes / 1_024, 0)} KiB); ` +
        `one pass finds and destroys them in batches of 500, each written through with fsync. Passes: ${hidden.passMs.map((ms) => fmt(ms, 0)).join(', ')} ms (median reported).`,
      `search_index_build: the app's own indexing pass over ${count(stored.ours.sessions)} sessions, timed ${timesText(searched.oursMs.length)} ` +
        `(${plan.searchIndexWarmup > 0 ? `after ${plan.searchIndexWarmup} warm-up, ` : ''}alternating sides with plain): lock, ` +
        `auth.unlock from the page, then the app — the sidebar's first page, then its background pass — reads every session and its turns ` +
        `(${count(searched.rows)} records) and hands them to api.vault.index (${searched.batchRecords.length} calls of ≤ 500 records, one at ` +
        `main while the page reads the next); main opens, authenticates and indexes them and answers only what failed. Timed from the unlock's ` +
        `answer (the KDF is not index building) to main's answer to the last call: ${medianOf(searched.oursMs.length)} ${fmt(build.ours, 0)} ms` +
        `${searched.oursMs.length > 1 ? ` (${searched.oursMs.map((ms) => fmt(ms, 0)).join(', ')})` : ''}; plain Dexie reading the same rows (pages of 200 on [ownerId+updatedAt], ` +
        `then [sessionId+seq] per session, nothing opened) ${fmt(build.plain, 0)} ms; ratio ${fmt(build.ours / build.plain, 2)}×. ` +
        `Before the first, the page read every plain row once and waited until the pass the last first paint's unlock started had ` +
        `handed main every record (a whole pass over the store, untimed; ${fmt(searched.appPassWaitMs / 1_000, 1)} s in all), so both sides ` +
        `were warm. Last build's calls ` +
        `(sent→answered, ms after the unlock's answer): ${searched.timeline.map((call) => `${fmt(call.sentMs, 0)}→${fmt(call.answeredMs, 0)}`).join(', ')}.`,
      `search_warm: median of ${searched.searchMs.length} api.vault.search round trips from the page, one per different one-word query drawn ` +
        `(seeded) from the workload's vocabulary (5+-letter words of the scripted messages and protocol answers: ${queries.join(', ')}), on the ` +
        `built index (indexedSessions ${count(searched.indexedSessions)}): ${fmt(searchWarm, 2)} ms (p95 ${fmt(percentile(searched.searchMs, 95), 2)}, ` +
        `max ${fmt(Math.max(...searched.searchMs), 2)}); hits per query ${searched.searchHits.join('/')}.`,
      `sweep: deleteSessions over all ${count(swept.sessions)} sessions (${count(swept.oursTurns)} turns; batches of ${plan.deleteBatchSize}, ` +
        `tombstones left) took ${fmt(swept.oursMs / 1_000, 2)} s; plain Dexie deleting the same rows (same batches, range deletes on ` +
        `[sessionId+seq] in parallel, session rows deleted) ${fmt(swept.plainMs / 1_000, 2)} s for ${count(swept.plainTurns)} turns; half the sessions ` +
        `ran ours first, half plain first; the ratio is per deleted turn (both sides held the same rows).` +
        fullStoreCaveat(workload, swept.sessions),
    );
    results.push(...uiReport.results);
    notes.push(...uiReport.notes);
    if (pageErrors.length > 0) notes.push(`page errors/console errors during the run: ${pageErrors.slice(0, 5).join(' | ')}`);
    return { results, notes };
  } finally {
    await context?.close().catch(() => undefined);
    await harness?.close().catch(() => undefined);
    await llm?.close().catch(() => undefined);
    await rm(root, { recursive: true, force: true }).catch(() => undefined);
  }
}
