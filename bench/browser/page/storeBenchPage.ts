/// <reference lib="dom" />
/**
 * The benchmark's page side, bundled into one classic script and injected as a Playwright init script, so it runs
 * in every page of the context before the harness bridge and the app: it watches the bridge's WebSocket (wire.ts)
 * and installs `window.__cpaStoreBench`, whose functions the Node side calls with `page.evaluate`.
 *
 * "Ours" is the app's own store code (`createRecordStore` over `ClinicHistoryDb`, a second connection to the same
 * `ClinicHistory` database the app writes), plus `window.api` for everything that goes through main. "Plain" is
 * plain Dexie on the same rows in its own database (plainDb.ts).
 */
// First: the app's store, whose module applies the renderer's zod configuration (no eval under the CSP) before
// anything parses, as the app's main.tsx does.
import { isTombstone, openHistory, type HistoryDb, type HistoryStore, type SessionRecordRow, type TurnRow } from './rendererHistory';
import type { SealedRecord } from '../../../src/shared/vault';
import {
  PAGE_GLOBAL,
  type ListInput,
  type MainThreadOutput,
  type OpenSessionInput,
  type PairedTimings,
  type PopulateInput,
  type PopulateOutput,
  type RunTurnsInput,
  type RunTurnsOutput,
  type SearchIndexInput,
  type SearchIndexOutput,
  type StoreBenchPage,
  type SidebarInput,
  type SidebarOutput,
  type SweepInput,
  type SweepOutput,
  type TurnTiming,
  type UnlockInput,
  type UnlockOutput,
} from '../pageApi';
import { watchMainThread } from './mainThread';
import { PlainDb, plainDeleteSessions, plainNewestSessions, plainPutDelivery, plainSessionsPage, plainTurnsOf } from './plainDb';
import { indexCalls, installWireWatch, openCalls, openCallsPending, unlockMarks, waitFor, wireLog, type WireEntry } from './wire';
// The UI benchmark's watches (window.__cpaUiBench), in the same bundle.
import './uiBenchPage';

declare global {
  interface Window {
    __cpaStoreBench?: StoreBenchPage;
  }
}

installWireWatch();

/** How long a turn's records may take to be acknowledged before the turn is reported as a problem. */
const ACK_WAIT_MS = 20_000;

let handles: { ours: HistoryDb; store: HistoryStore; plain: PlainDb } | null = null;
function dbs(): { ours: HistoryDb; store: HistoryStore; plain: PlainDb } {
  if (!handles) {
    const { db, store } = openHistory();
    handles = { ours: db, store, plain: new PlainDb() };
  }
  return handles;
}

const now = (): number => performance.now();

/** The deliveries of one turn: the clinician's message (up to the first turn record), then the outcome. */
function deliveries(entries: readonly WireEntry[]): WireEntry[][] {
  const firstTurn = entries.findIndex((entry) => entry.record.kind === 'turn');
  const split = firstTurn < 0 ? entries.length : firstTurn + 1;
  return [entries.slice(0, split), entries.slice(split)].filter((delivery) => delivery.length > 0);
}

/** From the first arrival to the last acknowledgement of one delivery. */
function deliveryMs(delivery: readonly WireEntry[]): number {
  const start = Math.min(...delivery.map((entry) => entry.arrivedAt));
  const end = Math.max(...delivery.map((entry) => entry.ackedAt ?? Number.NaN));
  return end - start;
}

async function runTurns({ sessionId: continued, patient, messages }: RunTurnsInput): Promise<RunTurnsOutput> {
  const { store, plain } = dbs();
  const problems: string[] = [];
  const turns: TurnTiming[] = [];
  let sessionId: string | undefined = continued;
  let ownerId = '';
  for (const [index, message] of messages.entries()) {
    const from = wireLog.length;
    const startedAt = now();
    const result = await window.api.protocol.generate(sessionId === undefined ? { patient, message } : { sessionId, message });
    const generateMs = now() - startedAt;
    if (!result.ok) {
      problems.push(`turn ${index + 1}: generate answered ${result.error.code}`);
      break;
    }
    sessionId = result.data.sessionId;
    const mine = () => wireLog.slice(from).filter((entry) => entry.record.sessionId === sessionId);
    try {
      // The outcome's records may still be on their way when generate answers: wait for all four to be acknowledged.
      await waitFor(() => mine().length >= 4 && mine().every((entry) => entry.ackedAt !== null), ACK_WAIT_MS, 'the turn\'s acknowledgements');
    } catch (error) {
      problems.push(`turn ${index + 1}: ${(error as Error).message}`);
      continue;
    }
    const entries = mine();
    if (entries.some((entry) => entry.stored !== true)) problems.push(`turn ${index + 1}: a record was acknowledged as not stored`);
    ownerId = entries[0]?.record.ownerId ?? ownerId;
    const ours = deliveries(entries).map(deliveryMs);

    // Plain Dexie: the same records, one transaction per delivery (as the app writes them), as fast as it can.
    const plainTimes: number[] = [];
    for (const delivery of deliveries(entries)) {
      const plainStart = now();
      await plainPutDelivery(plain, delivery.map((entry) => entry.record));
      plainTimes.push(now() - plainStart);
    }
    // Diagnostic: the store's own share, the same records again through putRecords, one per call as the sync does.
    let storeMs = 0;
    for (const delivery of deliveries(entries)) {
      const storeStart = now();
      const written = await store.putRecords(delivery.map((entry) => entry.record));
      if (!written.ok) problems.push(`turn ${index + 1}: putRecords (direct) failed (${written.code})`);
      storeMs += now() - storeStart;
    }
    turns.push({
      oursMs: ours.reduce((sum, ms) => sum + ms, 0),
      oursBeginMs: ours[0] ?? Number.NaN,
      plainMs: plainTimes.reduce((sum, ms) => sum + ms, 0),
      plainBeginMs: plainTimes[0] ?? Number.NaN,
      storeMs,
      records: entries.length,
      generateMs,
    });
  }
  if (sessionId === undefined) throw new Error(`no session was created: ${problems.join('; ')}`);
  return { sessionId, ownerId, turns, problems };
}

async function populate({ sessionRecords, turnRecords, batchIndex }: PopulateInput): Promise<PopulateOutput> {
  const { store, plain } = dbs();
  const rows = [...sessionRecords, ...turnRecords];
  let oursMs = 0;
  let plainMs = 0;
  const writeOurs = async () => {
    const startedAt = now();
    const result = await store.putRecords(rows);
    oursMs = now() - startedAt;
    if (!result.ok) throw new Error(`populate: putRecords failed (${result.code})`);
    if (result.written !== rows.length) throw new Error(`populate: putRecords wrote ${result.written} of ${rows.length}`);
  };
  const writePlain = async () => {
    const startedAt = now();
    await plain.transaction('rw', plain.sessions, plain.turns, async () => {
      await plain.sessions.bulkPut(sessionRecords as SessionRecordRow[]);
      await plain.turns.bulkPut(turnRecords as TurnRow[]);
    });
    plainMs = now() - startedAt;
  };
  if (batchIndex % 2 === 0) {
    await writeOurs();
    await writePlain();
  } else {
    await writePlain();
    await writeOurs();
  }
  return { oursMs, plainMs };
}

/** Runs `ours` and `plain` `warmup + repetitions` times, alternating which goes first; keeps the timed ones. */
async function paired(
  repetitions: number,
  warmup: number,
  ours: () => Promise<number>,
  plain: () => Promise<number>,
): Promise<{ oursMs: number[]; plainMs: number[]; rows: number[] }> {
  const oursMs: number[] = [];
  const plainMs: number[] = [];
  const rows: number[] = [];
  for (let rep = 0; rep < warmup + repetitions; rep += 1) {
    const order = rep % 2 === 0 ? ([[ours, oursMs], [plain, plainMs]] as const) : ([[plain, plainMs], [ours, oursMs]] as const);
    for (const [run, into] of order) {
      const startedAt = now();
      const count = await run();
      const ms = now() - startedAt;
      if (rep >= warmup) {
        into.push(ms);
        rows.push(count);
      }
    }
  }
  return { oursMs, plainMs, rows };
}

/** Checks main's answer to `vault.open`: every record opened. Returns how many did not. */
function unopened(result: Awaited<ReturnType<typeof window.api.vault.open>>, expected: number): number {
  if (!result.ok) return expected;
  return result.data.results.filter((outcome) => !outcome.ok).length + Math.max(0, expected - result.data.results.length);
}

async function openSession({ sessionId, repetitions, warmup }: OpenSessionInput): Promise<PairedTimings> {
  const { ours, store, plain } = dbs();
  const problems = new Set<string>();
  const reads: number[] = [];
  const { oursMs, plainMs, rows } = await paired(
    repetitions,
    warmup,
    async () => {
      const startedAt = now();
      const session = await ours.sessions.get(sessionId);
      const turns = await store.turnsOf(sessionId);
      reads.push(now() - startedAt);
      if (!session || isTombstone(session)) throw new Error('openSession: the session row is missing');
      const records: SealedRecord[] = [session, ...turns];
      const failed = unopened(await window.api.vault.open({ records }), records.length);
      if (failed > 0) problems.add(`${failed} of ${records.length} records did not open`);
      return records.length;
    },
    async () => {
      const session = await plain.sessions.get(sessionId);
      const turns = await plainTurnsOf(plain, sessionId);
      return (session ? 1 : 0) + turns.length;
    },
  );
  if (new Set(rows).size !== 1) problems.add(`the two sides read different row counts (${[...new Set(rows)].join(', ')})`);
  return { oursMs, oursReadMs: reads.slice(warmup), plainMs, rows: rows[0] ?? 0, problems: [...problems] };
}

/** Ours: the first page of the list and its titles, opened through main in one batch. */
async function loadFirstPageTitles(ownerId: string, limit: number, problems: Set<string>, reads?: number[]): Promise<string[]> {
  const { store } = dbs();
  const startedAt = now();
  const page = await store.sessionsPage(ownerId, { limit });
  reads?.push(now() - startedAt);
  const result = await window.api.vault.open({ records: page.sessions });
  const failed = unopened(result, page.sessions.length);
  if (failed > 0) problems.add(`${failed} of ${page.sessions.length} titles did not open`);
  if (!result.ok) return [];
  return result.data.results.map((outcome) => (outcome.ok && 'title' in outcome.payload ? outcome.payload.title : ''));
}

async function listFirstPage({ ownerId, limit, repetitions, warmup }: ListInput): Promise<PairedTimings> {
  const { plain } = dbs();
  const problems = new Set<string>();
  const reads: number[] = [];
  const { oursMs, plainMs, rows } = await paired(
    repetitions,
    warmup,
    async () => (await loadFirstPageTitles(ownerId, limit, problems, reads)).length,
    async () => (await plainNewestSessions(plain, ownerId, limit)).length,
  );
  if (new Set(rows).size !== 1) problems.add(`the two sides read different row counts (${[...new Set(rows)].join(', ')})`);
  return { oursMs, oursReadMs: reads.slice(warmup), plainMs, rows: rows[0] ?? 0, problems: [...problems] };
}

async function mainThreadWhileListing({ ownerId, limit, repetitions }: ListInput): Promise<MainThreadOutput> {
  const problems = new Set<string>();
  const list = document.createElement('ul');
  list.setAttribute('aria-label', 'benchmark session list');
  document.body.append(list);
  const watch = watchMainThread();
  try {
    for (let load = 0; load < repetitions; load += 1) {
      const titles = await loadFirstPageTitles(ownerId, limit, problems);
      // Drawn as a plain list (the app has no history list yet), then one frame so style and layout run too.
      list.replaceChildren(
        ...titles.map((title) => {
          const item = document.createElement('li');
          item.textContent = title;
          return item;
        }),
      );
      await nextFrame();
    }
  } finally {
    list.remove();
  }
  const watched = await watch.stop();
  return { ...watched, loads: repetitions, problems: [...problems] };
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const nextFrame = () => new Promise<void>((resolve) => requestAnimationFrame(() => resolve()));

/** Lets what the page started settle: a pause, no `vault.open` of the page in flight, another pause. */
async function settle(quietMs = 300): Promise<void> {
  await sleep(quietMs);
  await waitFor(() => !openCallsPending(), 30_000, 'the page\'s vault.open calls').catch(() => undefined);
  await sleep(quietMs);
}

/**
 * The app's own sessions list: after an unlock it reads the first page and has main open the titles. The main
 * thread is watched from the unlock until the list's `vault.open` is answered and two frames have been drawn.
 */
async function mainThreadWhileSidebarLoads({ profileId, passphrase, repetitions, listWaitMs }: SidebarInput): Promise<SidebarOutput> {
  const problems = new Set<string>();
  const openedRecords: number[] = [];
  let listSeen = true;
  let longestLongTaskMs = 0;
  let longTasks = 0;
  let longestGapMs = 0;
  let longtaskSupported = true;
  for (let rep = 0; rep < repetitions && listSeen; rep += 1) {
    const locked = await window.api.auth.lock();
    if (!locked.ok) problems.add('lock failed');
    await settle();
    const callsBefore = openCalls.length;
    const watch = watchMainThread();
    const result = await window.api.auth.unlock({ profileId, passphrase });
    if (!result.ok) problems.add(`unlock failed (${result.error.code})`);
    try {
      await waitFor(
        () => openCalls.length > callsBefore && openCalls.slice(callsBefore).every((call) => call.answeredAt !== null),
        listWaitMs,
        'the list\'s vault.open',
      );
      openedRecords.push(openCalls.slice(callsBefore).reduce((sum, call) => sum + call.records, 0));
    } catch {
      listSeen = false;
    }
    await nextFrame();
    await nextFrame();
    const watched = await watch.stop();
    longestLongTaskMs = Math.max(longestLongTaskMs, watched.longestLongTaskMs);
    longTasks += watched.longTasks;
    longestGapMs = Math.max(longestGapMs, watched.longestGapMs);
    longtaskSupported = watched.longtaskSupported;
    await settle();
  }
  return { listSeen, openedRecords, longestLongTaskMs, longTasks, longestGapMs, longtaskSupported, loads: openedRecords.length, problems: [...problems] };
}

async function unlock({ profileId, passphrase, repetitions }: UnlockInput): Promise<UnlockOutput> {
  const problems: string[] = [];
  const unlockMs: number[] = [];
  for (let rep = 0; rep < repetitions; rep += 1) {
    // Whatever the last unlock started in the page (the list loading) is finished first.
    await settle();
    const locked = await window.api.auth.lock();
    if (!locked.ok || locked.data.state !== 'locked') problems.push(`lock ${rep + 1} did not lock`);
    const startedAt = now();
    const result = await window.api.auth.unlock({ profileId, passphrase });
    const ms = now() - startedAt;
    if (!result.ok || result.data.state !== 'unlocked') {
      problems.push(`unlock ${rep + 1} failed${result.ok ? '' : ` (${result.error.code})`}`);
      continue;
    }
    unlockMs.push(ms);
  }
  return { unlockMs, problems };
}

async function sweep({ batchSize }: SweepInput): Promise<SweepOutput> {
  const { store, plain } = dbs();
  const problems: string[] = [];
  const ids = (await plain.sessions.toCollection().primaryKeys()) as string[];
  const halves = [ids.slice(0, Math.ceil(ids.length / 2)), ids.slice(Math.ceil(ids.length / 2))];
  let oursMs = 0;
  let plainMs = 0;
  let oursTurns = 0;
  let plainTurns = 0;
  const runOurs = async (half: string[]) => {
    const startedAt = now();
    const result = await store.deleteSessions(half, { batchSize });
    oursMs += now() - startedAt;
    if (!result.ok) problems.push(`deleteSessions failed (${result.code})`);
    else oursTurns += result.turns;
  };
  const runPlain = async (half: string[]) => {
    const startedAt = now();
    plainTurns += await plainDeleteSessions(plain, half, batchSize);
    plainMs += now() - startedAt;
  };
  // Half the sessions with ours first, the other half with plain first.
  await runOurs(halves[0]!);
  await runPlain(halves[0]!);
  await runPlain(halves[1]!);
  await runOurs(halves[1]!);
  // Ours may hold fewer rows than plain: after an unlock the app's own indexing pass deletes sessions whose key is
  // gone — which the benchmark's ciphertext-shaped copies are. The suite compares cost per deleted turn then.
  if (oursTurns === 0 || plainTurns === 0) problems.push(`nothing to compare: ours deleted ${oursTurns} turns, plain ${plainTurns}`);
  return { sessions: ids.length, oursMs, plainMs, oursTurns, plainTurns, problems };
}

/** Sessions read per page, as the app's indexing pass reads them (INDEX_PAGE_SIZE in historySlice.ts). */
const INDEX_PAGE_SIZE = 200;

/** Waits until no `vault.open`/`vault.index` call has been sent or pending for `quietMs`; returns the time waited. */
async function waitForQuietOpens(quietMs: number, timeoutMs: number): Promise<number> {
  const startedAt = now();
  const calls = () => openCalls.length + indexCalls.length;
  let seen = calls();
  let quietSince = now();
  while (now() - startedAt < timeoutMs) {
    await sleep(100);
    if (calls() !== seen || openCallsPending()) {
      seen = calls();
      quietSince = now();
    } else if (now() - quietSince >= quietMs) break;
  }
  return now() - startedAt;
}

/** Plain Dexie reading every row the indexing pass reads: sessions newest first in pages, then each one's turns. */
async function plainReadAll(plain: PlainDb, ownerId: string): Promise<number> {
  let records = 0;
  let before: string | undefined;
  for (;;) {
    const page = await plainSessionsPage(plain, ownerId, INDEX_PAGE_SIZE, before);
    for (const row of page) records += 1 + (await plainTurnsOf(plain, row.id)).filter((turn) => turn.ownerId === ownerId).length;
    const last = page.at(-1);
    if (page.length < INDEX_PAGE_SIZE || !last) break;
    before = last.updatedAt;
  }
  return records;
}

/** Records the app's indexing pass has handed to main in the `vault.index` calls from position `mark` on. */
function handedSince(mark: number): number {
  return indexCalls.slice(mark).reduce((sum, call) => sum + call.records, 0);
}

/** Waits until the pass whose calls start at `mark` has handed main `expected` records and every call was answered. */
function passDone(mark: number, expected: number, what: string): Promise<void> {
  return waitFor(() => handedSince(mark) >= expected && indexCalls.slice(mark).every((call) => call.answeredAt !== null), 600_000, what);
}

/**
 * The app's own indexing pass, as a clinician starts it: lock, unlock, and the app (sidebar's first page, then its
 * background pass) hands every stored record to `vault.index`. Timed from the unlock's answer (the KDF is not part of
 * building the index) to main's answer to the pass's last call, once every record was handed over. Plain Dexie reads
 * the same rows; the two alternate which goes first. Then warm searches on the built index.
 */
async function searchIndex({ ownerId, profileId, passphrase, repetitions, warmup, queries }: SearchIndexInput): Promise<SearchIndexOutput> {
  const { plain } = dbs();
  const problems = new Set<string>();
  // Before anything is timed: plain's rows read once, and the pass the last unlock started (it runs over the whole
  // store) seen to its end — by the records it handed over, not by a pause in its calls, which a slow read of the
  // next page can make look like an end — then any other call of the page over.
  const waitStartedAt = now();
  const expected = await plainReadAll(plain, ownerId);
  const lastUnlock = unlockMarks.at(-1);
  if (lastUnlock !== undefined) {
    await passDone(lastUnlock, expected, 'the indexing pass of the last unlock').catch((error: unknown) => problems.add((error as Error).message));
  }
  await waitForQuietOpens(1_500, 600_000);
  const appPassWaitMs = now() - waitStartedAt;
  let batchRecords: number[] = [];
  let timeline: { sentMs: number; answeredMs: number }[] = [];

  const oursPass = async (): Promise<number> => {
    const locked = await window.api.auth.lock();
    if (!locked.ok) problems.add(`auth.lock failed (${locked.error.code})`);
    const mark = indexCalls.length;
    const unlocked = await window.api.auth.unlock({ profileId, passphrase });
    const unlockedAt = now();
    if (!unlocked.ok) {
      problems.add(`auth.unlock failed (${unlocked.error.code})`);
      return Number.NaN;
    }
    try {
      await passDone(mark, expected, 'the app\'s indexing pass');
    } catch (error) {
      problems.add((error as Error).message);
      return Number.NaN;
    }
    const calls = indexCalls.slice(mark);
    batchRecords = calls.map((call) => call.records);
    timeline = calls.map((call) => ({ sentMs: call.sentAt - unlockedAt, answeredMs: (call.answeredAt ?? Number.NaN) - unlockedAt }));
    return Math.max(...calls.map((call) => call.answeredAt ?? Number.NaN)) - unlockedAt;
  };
  const plainPass = async (): Promise<number> => {
    const startedAt = now();
    const records = await plainReadAll(plain, ownerId);
    if (records !== expected) problems.add(`plain read ${records} rows, expected ${expected}`);
    return now() - startedAt;
  };

  const oursMs: number[] = [];
  const plainMs: number[] = [];
  for (let rep = 0; rep < warmup + repetitions; rep += 1) {
    const order = rep % 2 === 0 ? ([[oursPass, oursMs], [plainPass, plainMs]] as const) : ([[plainPass, plainMs], [oursPass, oursMs]] as const);
    for (const [run, into] of order) {
      const ms = await run();
      if (rep >= warmup) into.push(ms);
    }
  }

  const searchMs: number[] = [];
  const searchHits: number[] = [];
  let indexedSessions = 0;
  for (const query of queries) {
    const startedAt = now();
    const result = await window.api.vault.search({ query });
    const ms = now() - startedAt;
    if (!result.ok) {
      problems.add(`vault.search "${query}" failed (${result.error.code})`);
      continue;
    }
    searchMs.push(ms);
    searchHits.push(result.data.hits.length);
    indexedSessions = result.data.indexedSessions;
  }
  return { oursMs, plainMs, rows: expected, problems: [...problems], batchRecords, timeline, appPassWaitMs, searchMs, searchHits, indexedSessions };
}

async function counts() {
  const { ours, plain } = dbs();
  return {
    ours: { sessions: await ours.sessions.count(), turns: await ours.turns.count() },
    plain: { sessions: await plain.sessions.count(), turns: await plain.turns.count() },
  };
}

const bench: StoreBenchPage = {
  async quiet({ quietMs, timeoutMs }) {
    return { waitedMs: await waitForQuietOpens(quietMs, timeoutMs) };
  },
  async ready() {
    const { ours, plain } = dbs();
    await ours.open();
    await plain.open();
    return { ok: true };
  },
  runTurns,
  populate,
  openSession,
  listFirstPage,
  mainThreadWhileListing,
  mainThreadWhileSidebarLoads,
  unlock,
  sweep,
  searchIndex,
  counts,
};

Object.defineProperty(window, PAGE_GLOBAL, { value: bench, writable: false, configurable: false, enumerable: false });
