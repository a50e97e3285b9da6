// @vitest-environment node
import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { AuthState } from '../../../shared/auth';
import { ok, type Result } from '../../../shared/errors';
import type { OpenOutput } from '../../../shared/vault';
import type { ClinicHistoryDb } from '../db/database';
import type { RecordStore } from '../db/recordStore';
import type { AppStore } from './createAppStore';
import { createHistoryTest, type HistoryTest } from './testing/historyTest';
import { initialState } from './createAppStore';
import { filterHistory } from './history/searchResults';
import { HISTORY_PAGE_SIZE } from './historyListSlice';
import { PATIENT, lockedAs, PROFILE_A, PROFILE_B, protocolResponse, unlockedAs, type FakeApi } from './testing/fakeApi';
import { spoil, storedSession, type StoredSessionRecords } from './testing/storedSessions';

let t: HistoryTest;
let db: ClinicHistoryDb;
let history: RecordStore;
let fake: FakeApi;
let store: AppStore;

beforeEach(() => {
  // These tests count `vault.open` calls of the list; the indexing pass is tested in historyIndexingSlice.test.ts.
  t = createHistoryTest({ historyRefreshDelayMs: 5, indexHistory: false });
  ({ db, history, fake, store } = t);
});
afterEach(() => t.dispose());

const state = () => store.getState();
const keep = (...sessions: StoredSessionRecords[]) => t.keep(...sessions);
const signIn = () => t.signIn();
const titles = () => state().historyEntries.map((entry) => entry.title);
const storeText = () => t.storeText();
const storedRecordsOf = (sessionId: string) => t.storedRecordsOf(sessionId);
const locked = (reason: AuthState['reason']): AuthState => lockedAs(reason);

describe('the sessions list', () => {
  it('lists the clinician’s sessions newest first, titled only by what main opens — one vault.open for the page', async () => {
    const older = storedSession(fake, { title: 'Chest pain for 2 hours', updatedAt: 1, turns: [{ seq: 1 }, { seq: 2 }] });
    const newer = storedSession(fake, { title: 'Fever and productive cough', updatedAt: 5, turns: [{ seq: 1 }] });
    const othersOwn = storedSession(fake, { title: 'Someone else’s patient', updatedAt: 9, ownerId: PROFILE_B.profileId });
    await keep(older, newer, othersOwn);

    await signIn();

    expect(titles()).toEqual(['Fever and productive cough', 'Chest pain for 2 hours']);
    expect(state().historyEntries.map((entry) => entry.turnCount)).toEqual([1, 2]);
    expect(state().historyEntries[0]).toMatchObject({ sessionId: newer.session.id, createdAt: newer.session.createdAt, status: 'complete' });
    // One call for the page, with the session records exactly as stored; no turn was opened to list them.
    expect(fake.openCalls).toEqual([{ records: [newer.session, older.session] }]);
    // The store never held the titles: they exist only as main's answer, in memory.
    expect(JSON.stringify(await db.sessions.toArray())).not.toContain('Chest pain');
  });

  it('shows nothing of a page until main has opened its titles, and a title main gives is the one shown', async () => {
    const session = storedSession(fake, { title: 'Placeholder' });
    await keep(session);
    let answer!: (result: Result<OpenOutput>) => void;
    fake.answerOpen = () => new Promise((resolve) => (answer = resolve));
    fake.emitAuthState(unlockedAs(PROFILE_A));
    await vi.waitFor(() => expect(fake.openCalls).toHaveLength(1));
    expect(state().historyEntries).toEqual([]);

    answer(ok({ results: [{ id: session.session.id, ok: true, payload: { patient: PATIENT, title: 'Only main knows this title' } }] }));
    await vi.waitFor(() => expect(titles()).toEqual(['Only main knows this title']));
  });

  it(`reads ${HISTORY_PAGE_SIZE} sessions a page, opening each page’s titles in ONE call; “Show more” reads the next`, async () => {
    const sessions = Array.from({ length: 120 }, (_, i) => storedSession(fake, { title: `Complaint ${i}`, updatedAt: i }));
    await keep(...sessions);

    await signIn();
    expect(state().historyEntries).toHaveLength(50);
    expect(titles()[0]).toBe('Complaint 119');
    expect(fake.openCalls).toHaveLength(1);
    expect(fake.openCalls[0]!.records).toHaveLength(50);
    expect(state().historyNextBefore).not.toBeNull();

    await state().loadMoreHistory();
    expect(state().historyEntries).toHaveLength(100);
    expect(fake.openCalls).toHaveLength(2);
    expect(fake.openCalls[1]!.records).toHaveLength(50);

    await state().loadMoreHistory();
    expect(state().historyEntries).toHaveLength(120);
    expect(fake.openCalls).toHaveLength(3);
    expect(state().historyNextBefore).toBeNull();
    expect(titles()).toEqual(Array.from({ length: 120 }, (_, i) => `Complaint ${119 - i}`));
  });

  it('search filters the loaded titles in memory: case-insensitive, every word, untitled sessions never match', async () => {
    await keep(
      storedSession(fake, { title: 'Chest pain for 2 hours', updatedAt: 1 }),
      storedSession(fake, { title: 'Fever and productive cough', updatedAt: 2 }),
      storedSession(fake, { title: 'Pain in the left chest after a fall', updatedAt: 3 }),
    );
    const tampered = storedSession(fake, { title: 'Chest something', updatedAt: 4 });
    spoil(fake, tampered.session, 'tampered');
    await keep(tampered);
    await signIn();
    const opened = fake.openCalls.length;

    state().setHistoryQuery('CHEST pain');
    const match = filterHistory(state().historyEntries, state().historyQuery).map((entry) => entry.title);
    expect(match).toEqual(['Pain in the left chest after a fall', 'Chest pain for 2 hours']);
    expect(filterHistory(state().historyEntries, 'cough').map((entry) => entry.title)).toEqual(['Fever and productive cough']);
    expect(filterHistory(state().historyEntries, '   ')).toHaveLength(4);
    expect(filterHistory(state().historyEntries, 'appendicitis')).toEqual([]);
    // Searching asks nobody: no store read, no call to main.
    expect(fake.openCalls).toHaveLength(opened);
  });

  it('a session whose key main destroyed (shredded) is deleted from the store and left out of the list', async () => {
    const kept = storedSession(fake, { title: 'Kept', updatedAt: 2 });
    const expired = storedSession(fake, { title: 'Expired', updatedAt: 1, turns: [{ seq: 1 }] });
    spoil(fake, expired.session, 'shredded');
    await keep(kept, expired);

    await signIn();

    expect(titles()).toEqual(['Kept']);
    expect(await db.sessions.get(expired.session.id)).toMatchObject({ deleted: true });
    expect(await history.turnsOf(expired.session.id)).toEqual([]);
    expect((await history.sessionsPage(PROFILE_A.profileId, { limit: 10 })).sessions.map((row) => row.id)).toEqual([kept.session.id]);
    expect(state().historySessionProblems).toEqual({ keyMissing: [], rolledBack: [] });
  });

  it('a session whose key is not on this workstation (unknown-key) keeps every row, is listed as not openable here and counted', async () => {
    const kept = storedSession(fake, { title: 'Kept', updatedAt: 2 });
    const keyless = storedSession(fake, { title: 'Key file missing', updatedAt: 1, turns: [{ seq: 1 }, { seq: 2 }] });
    spoil(fake, keyless.session, 'unknown-key');
    await keep(kept, keyless);
    const rowsBefore = await storedRecordsOf(keyless.session.id);

    await signIn();

    expect(state().historyEntries).toEqual([
      expect.objectContaining({ sessionId: kept.session.id, title: 'Kept', problem: null }),
      expect.objectContaining({ sessionId: keyless.session.id, title: null, turnCount: 2, problem: 'key-missing' }),
    ]);
    expect(state().historySessionProblems).toEqual({ keyMissing: [keyless.session.id], rolledBack: [] });
    // Nothing deleted, nothing set aside: the key may come back.
    expect(await storedRecordsOf(keyless.session.id)).toEqual(rowsBefore);
    expect(await db.quarantine.count()).toBe(0);

    // The key comes back (IT restores the key file): the next read opens it and the mark goes.
    fake.vaultContents.set(keyless.session.ct, { patient: PATIENT, title: 'Key file missing' });
    await state().loadHistory();
    expect(state().historyEntries[1]).toMatchObject({ title: 'Key file missing', problem: null });
    expect(state().historySessionProblems.keyMissing).toEqual([]);
  });

  it('a session record older than main last sealed (rolled-back) keeps its rows, is flagged and counted, and is not set aside', async () => {
    const rolledBack = storedSession(fake, { title: 'Rolled back', turns: [{ seq: 1 }] });
    spoil(fake, rolledBack.session, 'rolled-back');
    await keep(rolledBack);
    const rowsBefore = await storedRecordsOf(rolledBack.session.id);

    await signIn();

    expect(state().historyEntries).toEqual([expect.objectContaining({ sessionId: rolledBack.session.id, title: null, problem: 'rolled-back' })]);
    expect(state().historySessionProblems).toEqual({ keyMissing: [], rolledBack: [rolledBack.session.id] });
    expect(await storedRecordsOf(rolledBack.session.id)).toEqual(rowsBefore);
    expect(await db.quarantine.count()).toBe(0);
  });

  it.each(['tampered', 'malformed', 'forbidden'] as const)(
    'a session record main refuses as %s stays listed without a title, unmarked (listing sets nothing aside)',
    async (reason) => {
      const refused = storedSession(fake, { title: 'Refused', turns: [{ seq: 1 }] });
      spoil(fake, refused.session, reason);
      await keep(refused);
      await signIn();
      expect(state().historyEntries).toEqual([expect.objectContaining({ sessionId: refused.session.id, title: null, turnCount: 1, problem: null })]);
      expect(state().historySessionProblems).toEqual({ keyMissing: [], rolledBack: [] });
      expect(await db.quarantine.count()).toBe(0);
      expect(await storedRecordsOf(refused.session.id)).toEqual(refused.all);
    },
  );

  it('refreshes after each turn finishes: the new session is listed, older pages already loaded stay', async () => {
    await keep(...Array.from({ length: 60 }, (_, i) => storedSession(fake, { title: `Old ${i}`, updatedAt: i })));
    await signIn();
    await state().loadMoreHistory();
    expect(state().historyEntries).toHaveLength(60);

    const done = state().startSession(PATIENT);
    // Main seals the new session's records and the page's record sync stores them.
    const fresh = storedSession(fake, { title: 'Chest pain for 2 hours', createdAt: 100, updatedAt: 101, turns: [{ seq: 1, createdAt: 100 }] });
    await keep(fresh);
    fake.generateCalls[0]!.resolve(ok(protocolResponse({ seq: 1, turnId: fresh.turns[0]!.id, sessionId: fresh.session.id })));
    await done;

    await vi.waitFor(() => expect(titles()[0]).toBe('Chest pain for 2 hours'));
    expect(state().historyEntries).toHaveLength(61);
    expect(titles().at(-1)).toBe('Old 0');
    // Unchanged sessions were not opened again: only the new one.
    expect(fake.openCalls.at(-1)!.records.map((record) => record.id)).toEqual([fresh.session.id]);
  });

  it('a record main delivers refreshes the list shortly after (the turn count follows the stored turns)', async () => {
    const session = storedSession(fake, { title: 'Chest pain', updatedAt: 1, turns: [{ seq: 1 }] });
    await keep(session);
    await signIn();
    expect(state().historyEntries[0]!.turnCount).toBe(1);

    const next = storedSession(fake, { title: 'Chest pain', sessionId: session.session.id, updatedAt: 3, turns: [{ seq: 2, createdAt: 2 }] });
    await keep(next);
    fake.emitRecord(next.turns[0]!);
    await vi.waitFor(() => expect(state().historyEntries[0]!.turnCount).toBe(2));
  });

  it('a lock drops every title at once, and a page still being opened writes nothing afterwards', async () => {
    await keep(storedSession(fake, { title: 'CANARY-41 rash' }));
    await signIn();
    expect(storeText()).toContain('CANARY-41');

    fake.emitAuthState(locked('idle'));
    expect(storeText()).not.toContain('CANARY-41');
    for (const key of Object.keys(initialState) as (keyof typeof initialState)[]) {
      if (key.startsWith('history') || key === 'openingSessionId') expect(state()[key], key).toEqual(initialState[key]);
    }

    let answer!: (result: Result<OpenOutput>) => void;
    fake.answerOpen = () => new Promise((resolve) => (answer = resolve));
    fake.emitAuthState(unlockedAs(PROFILE_A));
    await vi.waitFor(() => expect(fake.openCalls).toHaveLength(2));
    const records = fake.openCalls[1]!.records;
    fake.emitAuthState(locked('os-lock'));
    answer(ok({ results: records.map((record) => ({ id: record.id, ok: true, payload: { patient: PATIENT, title: 'CANARY-41 rash' } })) }));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(state().historyEntries).toEqual([]);
    expect(storeText()).not.toContain('CANARY-41');
  });
});
