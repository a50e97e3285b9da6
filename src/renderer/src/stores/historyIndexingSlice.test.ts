// @vitest-environment node
import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Result } from '../../../shared/errors';
import { MAX_OPEN_BATCH, type IndexInput, type IndexOutput } from '../../../shared/vault';
import type { ClinicHistoryDb } from '../db/database';
import type { RecordStore } from '../db/recordStore';
import type { AppStore } from './createAppStore';
import { createHistoryTest, type HistoryTest } from './testing/historyTest';
import { INDEX_PAGE_SIZE, type HistoryIndexing } from './history/indexHistory';
import { HISTORY_PAGE_SIZE } from './historyListSlice';
import { lockedAs, PROFILE_A, type FakeApi } from './testing/fakeApi';
import { manyStoredSessions, spoil, type StoredSessionRecords } from './testing/storedSessions';

let t: HistoryTest;
let db: ClinicHistoryDb;
let history: RecordStore;
let fake: FakeApi;
let store: AppStore;

beforeEach(() => {
  t = createHistoryTest({ historyRefreshDelayMs: 5, historySearchDelayMs: 5 });
  ({ db, history, fake, store } = t);
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

  it('deletes a session whose key main destroyed (shredded) found only by the pass', async () => {
    const sessions = manySessions(60, 1);
    await keep(...sessions);
    // The oldest session is beyond the first page; its turn no longer opens.
    const oldest = sessions[0]!;
    spoil(fake, oldest.turns[0]!, 'shredded');
    await signIn();
    await vi.waitFor(() => expect(state().historyIndexing).toBeNull());
    const page = await history.sessionsPage(PROFILE_A.profileId, { limit: 500 });
    expect(page.sessions.map((row) => row.id)).not.toContain(oldest.session.id);
    expect(page.sessions).toHaveLength(59);
    expect(await history.turnsOf(oldest.session.id)).toEqual([]);
  });

  it('keeps every row of a session whose key is not on this workstation (unknown-key) found only by the pass, and counts it', async () => {
    const sessions = manySessions(60, 2);
    await keep(...sessions);
    // Beyond the first page: only the pass reads these. Main has no key for them and destroyed none.
    const [keyless, alsoKeyless] = [sessions[0]!, sessions[1]!];
    for (const record of [...keyless.all, ...alsoKeyless.all]) spoil(fake, record, 'unknown-key');
    await signIn();
    await vi.waitFor(() => expect(state().historyIndexing).toBeNull());

    const page = await history.sessionsPage(PROFILE_A.profileId, { limit: 500 });
    expect(page.sessions).toHaveLength(60);
    for (const session of [keyless, alsoKeyless]) {
      expect(await db.sessions.get(session.session.id)).toEqual(session.session);
      expect(await history.turnsOf(session.session.id)).toEqual(session.turns);
    }
    expect(await db.quarantine.count()).toBe(0);
    expect([...state().historySessionProblems.keyMissing].sort()).toEqual([keyless.session.id, alsoKeyless.session.id].sort());
    // Loading the page that lists them marks them there too.
    await state().loadMoreHistory();
    expect(state().historyEntries.find((entry) => entry.sessionId === keyless.session.id)).toMatchObject({ problem: 'key-missing' });
  });

  it('keeps and flags a session with a rolled-back turn found only by the pass; sets nothing aside', async () => {
    const sessions = manySessions(60, 2);
    await keep(...sessions);
    const rolledBack = sessions[0]!;
    spoil(fake, rolledBack.turns[1]!, 'rolled-back');
    await signIn();
    await vi.waitFor(() => expect(state().historyIndexing).toBeNull());

    expect(await history.turnsOf(rolledBack.session.id)).toEqual(rolledBack.turns);
    expect(await db.quarantine.count()).toBe(0);
    expect(state().historySessionProblems).toEqual({ keyMissing: [], rolledBack: [rolledBack.session.id] });
  });

  it.each(['tampered', 'malformed', 'forbidden'] as const)('deletes, sets aside and counts nothing for a record main refuses as %s', async (reason) => {
    const sessions = manySessions(60, 2);
    await keep(...sessions);
    spoil(fake, sessions[0]!.turns[0]!, reason);
    await signIn();
    await vi.waitFor(() => expect(state().historyIndexing).toBeNull());

    expect(await history.turnsOf(sessions[0]!.session.id)).toEqual(sessions[0]!.turns);
    expect((await history.sessionsPage(PROFILE_A.profileId, { limit: 500 })).sessions).toHaveLength(60);
    expect(await db.quarantine.count()).toBe(0);
    expect(state().historySessionProblems).toEqual({ keyMissing: [], rolledBack: [] });
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
