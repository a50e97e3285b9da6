// @vitest-environment node
import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ok, type Result } from '../../../shared/errors';
import type { IndexInput, IndexOutput, SearchOutput } from '../../../shared/vault';
import type { AppStore } from './createAppStore';
import { createHistoryTest, type HistoryTest } from './testing/historyTest';
import { searchResults } from './history/searchResults';
import { lockedAs, type FakeApi } from './testing/fakeApi';
import { manyStoredSessions, type StoredSessionRecords } from './testing/storedSessions';

let t: HistoryTest;
let fake: FakeApi;
let store: AppStore;

beforeEach(() => {
  t = createHistoryTest({ historyRefreshDelayMs: 5, historySearchDelayMs: 5 });
  ({ fake, store } = t);
});
afterEach(() => t.dispose());

const state = () => store.getState();
const keep = (...sessions: StoredSessionRecords[]) => t.keep(...sessions);
const signIn = () => t.signIn();
const storeText = () => t.storeText();
const locked = lockedAs('manual');

const manySessions = (count: number, turns: number) => manyStoredSessions(fake, count, turns);

/** The indexing pass's calls (`vault.index`). */
const indexingCalls = (): IndexInput[] => fake.indexCalls;

/** Signs in and waits for the background indexing pass to finish (so nothing reads the store after the test). */
async function signInAndIndex(): Promise<void> {
  await signIn();
  await vi.waitFor(() => expect(indexingCalls().length).toBeGreaterThan(0));
  await vi.waitFor(() => expect(state().historyIndexing).toBeNull());
}

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
    await signInAndIndex();
    fake.answerSearch = () => Promise.resolve({ ok: false, error: { code: 'INTERNAL', message: 'Search failed.' } });
    state().setHistoryQuery('cough');
    await state().searchHistory();
    expect(state().historySearch).toMatchObject({ status: 'error', error: { message: 'Search failed.' } });
    expect(state().historyQuery).toBe('cough');
  });

  it('while main cannot write its audit log, the search says so in plain words', async () => {
    await keep(...manySessions(1, 1));
    await signInAndIndex();
    fake.answerSearch = () => Promise.resolve({ ok: false, error: { code: 'AUDIT_UNAVAILABLE', message: 'audit: EIO' } });
    state().setHistoryQuery('cough');
    await state().searchHistory();
    expect(state().historySearch).toMatchObject({
      status: 'error',
      error: { code: 'AUDIT_UNAVAILABLE', message: expect.stringMatching(/^Your sessions cannot be searched right now: the app cannot write its audit log/) },
    });
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
