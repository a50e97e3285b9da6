// @vitest-environment node
import 'fake-indexeddb/auto';
import Dexie from 'dexie';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { AuthState } from '../../../shared/auth';
import { ok, type Result } from '../../../shared/errors';
import { MAX_OPEN_BATCH, type IndexInput, type IndexOutput, type SearchOutput } from '../../../shared/vault';
import type { ClinicHistoryDb } from '../db/database';
import { createRecordStore, type RecordStore } from '../db/recordStore';
import { freshDb } from '../db/testing/records';
import { createAppStore, type AppStore } from './createAppStore';
import { HISTORY_PAGE_SIZE, INDEX_PAGE_SIZE, searchResults, type HistoryIndexing } from './historySlice';
import { createFakeApi, PROFILE_A, unlockedAs, type FakeApi } from './testing/fakeApi';
import { spoil, storedSession, type StoredSessionRecords } from './testing/storedSessions';

let db: ClinicHistoryDb;
let history: RecordStore;
let fake: FakeApi;
let store: AppStore;

beforeEach(() => {
  db = freshDb();
  history = createRecordStore(db);
  fake = createFakeApi();
  store = createAppStore(fake.api, { history, historyRefreshDelayMs: 5, historySearchDelayMs: 5 });
});

afterEach(async () => {
  store.dispose();
  db.close();
  await Dexie.delete(db.name);
});

const state = () => store.getState();
/** The store's data, serialized: what a heap search for patient text would find in it. */
const storeText = () => JSON.stringify(state(), (_key, value: unknown) => (typeof value === 'function' ? undefined : value));
const locked: AuthState = { state: 'locked', profileId: PROFILE_A.profileId, profileName: PROFILE_A.name, reason: 'manual' };

async function keep(...sessions: StoredSessionRecords[]): Promise<void> {
  const result = await history.putRecords(sessions.flatMap((session) => session.all));
  expect(result.ok).toBe(true);
}

/** `count` sessions of `turns` turns each, newest last; answers are `Answer <session>-<seq>`. */
function manySessions(count: number, turns: number): StoredSessionRecords[] {
  return Array.from({ length: count }, (_, i) =>
    storedSession(fake, {
      title: `Complaint ${i}`,
      updatedAt: i,
      turns: Array.from({ length: turns }, (_, t) => ({ seq: t + 1, answerText: `Answer ${i}-${t + 1}`, userText: `Question ${i}-${t + 1}` })),
    }),
  );
}

/** Signs PROFILE_A in and waits for the list's first page. */
async function signIn(): Promise<void> {
  fake.emitAuthState(unlockedAs(PROFILE_A));
  await vi.waitFor(() => expect(state().historyStatus).toBe('ready'));
}

/** The indexing pass's calls (`vault.index`). */
const indexingCalls = (): IndexInput[] => fake.indexCalls;

describe('the background indexing pass', () => {
  it('hands every record of every session to main in batches of ≤ 500, reporting progress, then ends', async () => {
    const sessions = manySessions(130, 5); // 780 records
    await keep(...sessions);
    const pageSpy = vi.spyOn(history, 'sessionsPage');
    const progress: (HistoryIndexing | null)[] = [];
    store.subscribe((next, previous) => {
      if (next.historyIndexing !== previous.historyIndexing) progress.push(next.historyIndexing);
    });

    await signIn();
    await vi.waitFor(() => expect(progress.at(-1)).toBeNull());

    const calls = indexingCalls();
    expect(calls.length).toBeGreaterThanOrEqual(2);
    for (const call of calls) expect(call.records.length).toBeLessThanOrEqual(MAX_OPEN_BATCH);
    const opened = calls.flatMap((call) => call.records.map((record) => record.id)).sort();
    const stored = sessions.flatMap((session) => session.all.map((record) => record.id)).sort();
    expect(opened).toEqual(stored);
    // Each session's records go session record first, then its turns.
    const order = calls.flatMap((call) => call.records);
    const first = order.findIndex((record) => record.sessionId === sessions[0]!.session.id);
    expect(order[first]!.kind).toBe('session');
    expect(pageSpy.mock.calls.some(([, options]) => options.limit === INDEX_PAGE_SIZE)).toBe(true);
    // Counted first, then done grows to the total.
    expect(progress[0]).toEqual({ done: 0, total: null });
    expect(progress).toContainEqual({ done: 0, total: 130 });
    expect(progress.at(-2)).toEqual({ done: 130, total: 130 });
    // The list itself is as before: the first page, titled.
    expect(state().historyEntries).toHaveLength(HISTORY_PAGE_SIZE);
  });

  it('reads the next batch while main indexes the previous one, with never more than one batch at main', async () => {
    await keep(...manySessions(130, 5)); // 780 records: two batches
    const turnsSpy = vi.spyOn(history, 'turnsOf');
    const defaultIndex = fake.answerIndex;
    let release!: () => void;
    fake.answerIndex = (input) => new Promise<Result<IndexOutput>>((resolve) => (release = () => void defaultIndex(input).then(resolve)));
    await signIn();
    await vi.waitFor(() => expect(indexingCalls()).toHaveLength(1));
    // Main still has the first batch; the page has read every other session meanwhile, and waits to send them.
    await vi.waitFor(() => expect(turnsSpy.mock.calls.length).toBeGreaterThanOrEqual(130));
    expect(indexingCalls()).toHaveLength(1);
    fake.answerIndex = defaultIndex;
    release();
    await vi.waitFor(() => expect(state().historyIndexing).toBeNull());
    expect(indexingCalls()).toHaveLength(2);
    expect(indexingCalls().flatMap((call) => call.records)).toHaveLength(780);
  });

  it('keeps none of what main opened: no message or answer text is left in the store', async () => {
    await keep(...manySessions(3, 2));
    await signIn();
    await vi.waitFor(() => expect(indexingCalls()).not.toHaveLength(0));
    await vi.waitFor(() => expect(state().historyIndexing).toBeNull());
    expect(storeText()).not.toContain('Answer 0-1');
    expect(storeText()).not.toContain('Question 2-2');
    expect(storeText()).toContain('Complaint 2');
  });

  it('stops at once on a lock: a batch answered after it writes nothing and no further batch is sent', async () => {
    await keep(...manySessions(130, 5));
    const defaultIndex = fake.answerIndex;
    let release!: () => void;
    fake.answerIndex = (input) => new Promise<Result<IndexOutput>>((resolve) => (release = () => void defaultIndex(input).then(resolve)));
    await signIn();
    await vi.waitFor(() => expect(indexingCalls()).toHaveLength(1));
    expect(state().historyIndexing).toEqual({ done: 0, total: 130 });

    fake.emitAuthState(locked);
    expect(state().historyIndexing).toBeNull();
    release();
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(indexingCalls()).toHaveLength(1);
    expect(state().historyIndexing).toBeNull();
    expect(state().historyEntries).toEqual([]);
  });

  it('deletes a session whose key is gone (unknown-key) found only by the pass', async () => {
    const sessions = manySessions(60, 1);
    await keep(...sessions);
    // The oldest session is beyond the first page; its turn no longer opens.
    const oldest = sessions[0]!;
    spoil(fake, oldest.turns[0]!, 'unknown-key');
    await signIn();
    await vi.waitFor(() => expect(state().historyIndexing).toBeNull());
    const page = await history.sessionsPage(PROFILE_A.profileId, { limit: 500 });
    expect(page.sessions.map((row) => row.id)).not.toContain(oldest.session.id);
    expect(page.sessions).toHaveLength(59);
  });

  it('does not run without an unlock, and runs once per unlock', async () => {
    await keep(...manySessions(2, 1));
    expect(fake.openCalls).toHaveLength(0);
    expect(indexingCalls()).toHaveLength(0);
    await signIn();
    await vi.waitFor(() => expect(state().historyIndexing).toBeNull());
    expect(indexingCalls()).toHaveLength(1);
    await state().loadHistory();
    await state().refreshHistory();
    await new Promise((resolve) => setTimeout(resolve, 20));
    // Only list reads since (their sessions are known and unchanged: nothing more to open).
    expect(fake.openCalls).toHaveLength(1);
    expect(indexingCalls()).toHaveLength(1);
  });
});

describe('searching the sessions through main', () => {
  const answer = (output: SearchOutput): Promise<Result<SearchOutput>> => Promise.resolve(ok(output));

  it('searches the query through api.vault.search and lists the hits with their snippets, loaded or not', async () => {
    const sessions = manySessions(60, 1);
    await keep(...sessions);
    await signIn();
    await vi.waitFor(() => expect(state().historyIndexing).toBeNull());
    const loaded = sessions[59]!; // newest: on the first page
    const notLoaded = sessions[2]!; // beyond the first page
    fake.answerSearch = () =>
      answer({
        hits: [
          { sessionId: notLoaded.session.id, snippet: '…severe chest pain…' },
          { sessionId: loaded.session.id, snippet: '…chest pain radiating…' },
        ],
        indexedSessions: 60,
      });
    expect(state().historyEntries.map((entry) => entry.sessionId)).not.toContain(notLoaded.session.id);

    state().setHistoryQuery('  chest pain ');
    await state().searchHistory();

    expect(fake.searchCalls).toEqual([{ query: 'chest pain' }]);
    const search = state().historySearch!;
    expect(search).toMatchObject({ query: 'chest pain', status: 'ready', indexedSessions: 60, error: null });
    const results = searchResults(state().historyEntries, search);
    expect(results.map((result) => [result.entry.title, result.snippet])).toEqual([
      ['Complaint 2', '…severe chest pain…'],
      ['Complaint 59', '…chest pain radiating…'],
    ]);
    expect(results[0]!.entry).toMatchObject({ sessionId: notLoaded.session.id, turnCount: 1 });
  });

  it('debounces typing: one search, for the last query; an empty query clears the search', async () => {
    await keep(...manySessions(2, 1));
    await signIn();
    state().setHistoryQuery('c');
    state().setHistoryQuery('ch');
    state().setHistoryQuery('che');
    expect(fake.searchCalls).toEqual([]);
    await vi.waitFor(() => expect(state().historySearch?.status).toBe('ready'));
    expect(fake.searchCalls).toEqual([{ query: 'che' }]);

    state().setHistoryQuery('   ');
    expect(state().historySearch).toBeNull();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(fake.searchCalls).toHaveLength(1);
  });

  it('drops an answer that arrives after the query changed', async () => {
    await keep(...manySessions(2, 1));
    await signIn();
    let resolveFirst!: (result: Result<SearchOutput>) => void;
    fake.answerSearch = () => new Promise((resolve) => (resolveFirst = resolve));
    state().setHistoryQuery('fever');
    const first = state().searchHistory();
    state().setHistoryQuery('');
    resolveFirst(ok({ hits: [{ sessionId: state().historyEntries[0]!.sessionId, snippet: 'fever' }], indexedSessions: 2 }));
    await first;
    expect(state().historySearch).toBeNull();
  });

  it('a failed search says so and keeps the query', async () => {
    await keep(...manySessions(1, 1));
    await signIn();
    fake.answerSearch = () => Promise.resolve({ ok: false, error: { code: 'INTERNAL', message: 'Search failed.' } });
    state().setHistoryQuery('cough');
    await state().searchHistory();
    expect(state().historySearch).toMatchObject({ status: 'error', error: { message: 'Search failed.' } });
    expect(state().historyQuery).toBe('cough');
  });

  it('a lock clears the query, the hits and their snippets; a search answered after the lock writes nothing', async () => {
    const sessions = manySessions(2, 1);
    await keep(...sessions);
    await signIn();
    fake.answerSearch = () => answer({ hits: [{ sessionId: sessions[0]!.session.id, snippet: 'secret snippet' }], indexedSessions: 2 });
    state().setHistoryQuery('secret');
    await state().searchHistory();
    expect(storeText()).toContain('secret snippet');

    let late!: (result: Result<SearchOutput>) => void;
    fake.answerSearch = () => new Promise((resolve) => (late = resolve));
    state().setHistoryQuery('secrets');
    const pending = state().searchHistory();
    fake.emitAuthState(locked);
    expect(state().historySearch).toBeNull();
    expect(state().historyQuery).toBe('');
    late(ok({ hits: [{ sessionId: sessions[1]!.session.id, snippet: 'late snippet' }], indexedSessions: 2 }));
    await pending;
    expect(state().historySearch).toBeNull();
    expect(storeText()).not.toContain('snippet');
  });

  it('while the pass runs, the search answers from what is indexed so far and runs again once it ends', async () => {
    await keep(...manySessions(130, 5));
    const defaultIndex = fake.answerIndex;
    let release!: () => void;
    fake.answerIndex = (input) => new Promise<Result<IndexOutput>>((resolve) => (release = () => void defaultIndex(input).then(resolve)));
    await signIn();
    await vi.waitFor(() => expect(indexingCalls()).toHaveLength(1));
    state().setHistoryQuery('complaint');
    await state().searchHistory();
    expect(state().historyIndexing).not.toBeNull();
    expect(fake.searchCalls).toHaveLength(1);

    fake.answerIndex = defaultIndex;
    release();
    await vi.waitFor(() => expect(state().historyIndexing).toBeNull());
    await vi.waitFor(() => expect(fake.searchCalls).toHaveLength(2));
  });
});
