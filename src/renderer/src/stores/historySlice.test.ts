// @vitest-environment node
import 'fake-indexeddb/auto';
import Dexie from 'dexie';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { AuthState } from '../../../shared/auth';
import { ok, type Result } from '../../../shared/errors';
import type { OpenOutput, SealedRecord } from '../../../shared/vault';
import type { ClinicHistoryDb } from '../db/database';
import { createRecordStore, type RecordStore } from '../db/recordStore';
import { freshDb } from '../db/testing/records';
import { createAppStore, initialState, type AppStore } from './createAppStore';
import { filterHistory, HISTORY_PAGE_SIZE } from './historySlice';
import { RETENTION_ENDED_MESSAGE } from './historyRecords';
import { createFakeApi, failure, PATIENT, PROFILE_A, PROFILE_B, protocolResponse, unlockedAs, type FakeApi } from './testing/fakeApi';
import { spoil, storedSession, type StoredSessionRecords } from './testing/storedSessions';

let db: ClinicHistoryDb;
let history: RecordStore;
let fake: FakeApi;
let store: AppStore;

beforeEach(() => {
  db = freshDb();
  history = createRecordStore(db);
  fake = createFakeApi();
  // These tests count `vault.open` calls of the list; the background indexing pass is tested in historySearch.test.ts.
  store = createAppStore(fake.api, { history, historyRefreshDelayMs: 5, indexHistory: false });
});

afterEach(async () => {
  store.dispose();
  db.close();
  await Dexie.delete(db.name);
});

const state = () => store.getState();
const titles = () => state().historyEntries.map((entry) => entry.title);
/** The store's data, serialized: what a heap search for patient text would find in it. */
const storeText = () => JSON.stringify(state(), (_key, value: unknown) => (typeof value === 'function' ? undefined : value));

const locked = (reason: AuthState['reason']): AuthState => ({ state: 'locked', profileId: PROFILE_A.profileId, profileName: PROFILE_A.name, reason });

/** Stores sessions' records as the page's record sync would. */
async function keep(...sessions: StoredSessionRecords[]): Promise<void> {
  const result = await history.putRecords(sessions.flatMap((session) => session.all));
  expect(result.ok).toBe(true);
}

/** Signs PROFILE_A in (as main's event would) and waits for the first page of the list. */
async function signIn(): Promise<void> {
  fake.emitAuthState(unlockedAs(PROFILE_A));
  await vi.waitFor(() => expect(state().historyStatus).toBe('ready'));
}

/** Every record of `sessionId` as stored: the session row first, then its turns in store order. */
async function storedRecordsOf(sessionId: string): Promise<SealedRecord[]> {
  const session = (await db.sessions.get(sessionId)) as SealedRecord;
  return [session, ...(await history.turnsOf(sessionId))];
}

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

  it('a session whose key main destroyed (unknown-key) is deleted from the store and left out of the list', async () => {
    const kept = storedSession(fake, { title: 'Kept', updatedAt: 2 });
    const expired = storedSession(fake, { title: 'Expired', updatedAt: 1, turns: [{ seq: 1 }] });
    spoil(fake, expired.session, 'unknown-key');
    await keep(kept, expired);

    await signIn();

    expect(titles()).toEqual(['Kept']);
    expect(await db.sessions.get(expired.session.id)).toMatchObject({ deleted: true });
    expect(await history.turnsOf(expired.session.id)).toEqual([]);
    expect((await history.sessionsPage(PROFILE_A.profileId, { limit: 10 })).sessions.map((row) => row.id)).toEqual([kept.session.id]);
  });

  it('a session record main refuses otherwise stays listed without a title (listing sets nothing aside)', async () => {
    const tampered = storedSession(fake, { title: 'Tampered', turns: [{ seq: 1 }] });
    spoil(fake, tampered.session, 'tampered');
    await keep(tampered);
    await signIn();
    expect(state().historyEntries).toEqual([expect.objectContaining({ sessionId: tampered.session.id, title: null, turnCount: 1 })]);
    expect(await db.quarantine.count()).toBe(0);
  });

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

describe('opening a past session (read-only)', () => {
  it('shows the conversation: the newest sibling per seq, incomplete and pending turns marked, the patient and the id', async () => {
    const session = storedSession(fake, {
      title: 'Chest pain for 2 hours',
      updatedAt: 20,
      turns: [
        { seq: 1, answerText: 'Initial protocol' },
        { seq: 2, userText: 'Troponin?', answerText: 'First try', createdAt: 2, updatedAt: 2 },
        { seq: 2, userText: 'Troponin?', answerText: 'Regenerated answer', createdAt: 3, updatedAt: 4 },
        { seq: 3, userText: 'Aspirin?', answerText: 'Half an ans', status: 'incomplete', incompleteReason: 'cancelled' },
        { seq: 4, userText: 'And now?', status: 'pending' },
      ],
    });
    await keep(session);
    await signIn();
    // The model server is down: reading history does not need it.
    fake.status = failure('LLM_UNAVAILABLE', 'The model server is not reachable.');

    expect(await state().openStoredSession(session.session.id)).toBe(true);

    expect(state().view).toBe('conversation');
    expect(state().sessionMode).toBe('review');
    expect(state().sessionId).toBe(session.session.id);
    expect(state().sessionPatient).toEqual({ ...PATIENT, chiefComplaint: 'Chest pain for 2 hours' });
    expect(state().turnCount).toBe(4);
    expect(state().turns.map((turn) => [turn.seq, turn.kind, turn.answer, turn.status, turn.incompleteReason])).toEqual([
      [1, 'intake', 'Initial protocol', 'complete', null],
      [2, 'followUp', 'Regenerated answer', 'complete', null],
      [3, 'followUp', 'Half an ans', 'incomplete', 'cancelled'],
      [4, 'followUp', '', 'pending', null],
    ]);
    expect(state().turns[1]!.message).toBe('Troponin?');
    expect(state().setAsideCount).toBe(0);
    expect(state().runningTurnKey).toBeNull();
    expect(fake.openCalls.at(-1)!.records).toEqual(await storedRecordsOf(session.session.id));
    expect(fake.generateCalls).toEqual([]);
    expect(fake.resumeCalls).toEqual([]);

    // Read-only: a follow-up goes nowhere until the clinician continues the session.
    state().setFollowUpDraft('More?');
    await state().sendFollowUp();
    expect(fake.generateCalls).toEqual([]);
  });

  it('has main open the records in batches of at most 500', async () => {
    const session = storedSession(fake, { title: 'Long session', turns: Array.from({ length: 700 }, (_, i) => ({ seq: i + 1 })) });
    await keep(session);
    await signIn();
    const before = fake.openCalls.length;

    expect(await state().openStoredSession(session.session.id)).toBe(true);

    const calls = fake.openCalls.slice(before);
    expect(calls.map((call) => call.records.length)).toEqual([500, 201]);
    expect(state().turns).toHaveLength(700);
  });

  it('a record main cannot open is set aside (quarantined) and counted; the rest shows', async () => {
    const session = storedSession(fake, { title: 'Chest pain', turns: [{ seq: 1 }, { seq: 2 }, { seq: 3 }] });
    const bad = session.turns[1]!;
    spoil(fake, bad, 'tampered');
    await keep(session);
    await signIn();

    expect(await state().openStoredSession(session.session.id)).toBe(true);

    expect(state().turns.map((turn) => turn.seq)).toEqual([1, 3]);
    expect(state().setAsideCount).toBe(1);
    expect(await db.quarantine.toArray()).toEqual([
      expect.objectContaining({ id: bad.id, sessionId: session.session.id, reason: 'vault.open: tampered', record: bad }),
    ]);
    expect((await history.turnsOf(session.session.id)).map((turn) => turn.id)).not.toContain(bad.id);
    expect(titles()).toEqual(['Chest pain']);
  });

  it('a session whose key is gone (unknown-key) is deleted from the store and disappears from the list', async () => {
    const kept = storedSession(fake, { title: 'Kept', updatedAt: 1 });
    const expiring = storedSession(fake, { title: 'Expiring', updatedAt: 2, turns: [{ seq: 1 }, { seq: 2 }] });
    await keep(kept, expiring);
    await signIn();
    expect(titles()).toEqual(['Expiring', 'Kept']);

    // Retention: main destroys the session's key.
    for (const record of expiring.all) spoil(fake, record, 'unknown-key');
    expect(await state().openStoredSession(expiring.session.id)).toBe(false);

    expect(titles()).toEqual(['Kept']);
    expect(state().historyNotice).toBe(RETENTION_ENDED_MESSAGE);
    expect(state().view).toBe('intake');
    expect(await db.sessions.get(expiring.session.id)).toEqual(expect.objectContaining({ deleted: true }));
    expect(await history.turnsOf(expiring.session.id)).toEqual([]);
    expect(await db.quarantine.count()).toBe(0);
  });
});

describe('continuing and resuming', () => {
  it('“Continue this session” hands main the sealed records as stored, then the session takes follow-ups', async () => {
    const session = storedSession(fake, { title: 'Chest pain', turns: [{ seq: 1 }, { seq: 2 }] });
    await keep(session);
    await signIn();
    await state().openStoredSession(session.session.id);

    expect(await state().continueSession()).toBe(true);

    expect(fake.resumeCalls).toEqual([{ records: await storedRecordsOf(session.session.id) }]);
    expect(state().sessionMode).toBe('live');
    expect(state().sessionId).toBe(session.session.id);
    expect(state().turnCount).toBe(2);
    expect(state().turns).toHaveLength(2);

    state().setFollowUpDraft('SpO2 88%');
    void state().sendFollowUp();
    expect(fake.generateCalls[0]!.input).toEqual({ sessionId: session.session.id, message: 'SpO2 88%' });
  });

  it('when main refuses to resume, its reason shows and the session stays read-only', async () => {
    const session = storedSession(fake, { title: 'Chest pain', turns: [{ seq: 1 }] });
    await keep(session);
    await signIn();
    await state().openStoredSession(session.session.id);
    fake.answerResume = () => Promise.resolve(failure('SESSION_NOT_FOUND', 'This session is no longer kept on this workstation.'));

    expect(await state().continueSession()).toBe(false);
    expect(state().sessionMode).toBe('review');
    expect(state().conversationError?.message).toBe('This session is no longer kept on this workstation.');
    expect(state().resuming).toBe(false);
  });

  /** A live session of one answered turn, stored as main's records would be. */
  async function liveSession(): Promise<StoredSessionRecords> {
    const session = storedSession(fake, { title: 'Chest pain', turns: [{ seq: 1 }] });
    await keep(session);
    await signIn();
    await state().openStoredSession(session.session.id);
    await state().continueSession();
    fake.resumeCalls.length = 0;
    return session;
  }

  it('a follow-up that finds main’s live session expired resumes it from the store and is sent again: the clinician sees the answer', async () => {
    const session = await liveSession();
    const sessionId = session.session.id;
    state().setFollowUpDraft('Chest X-ray shows bilateral infiltrates');
    const done = state().sendFollowUp();
    fake.generateCalls[0]!.resolve(failure('SESSION_NOT_FOUND', 'This session expired after 30 minutes without activity.'));

    await vi.waitFor(() => expect(fake.generateCalls).toHaveLength(2));
    expect(fake.resumeCalls).toEqual([{ records: await storedRecordsOf(sessionId) }]);
    expect(fake.generateCalls[1]!.input).toEqual({ sessionId, message: 'Chest X-ray shows bilateral infiltrates' });
    expect(state().conversationError).toBeNull();
    expect(state().turns.at(-1)).toMatchObject({ status: 'streaming', message: 'Chest X-ray shows bilateral infiltrates' });

    const turnId = '44444444-4444-4444-8444-444444444444';
    fake.emitTurnStarted({ sessionId, turnId, seq: 2 });
    fake.emitDelta({ sessionId, turnId, index: 0, delta: 'Treat as pneumonia.' });
    expect(state().turns.at(-1)!.answer).toBe('Treat as pneumonia.');
    fake.generateCalls[1]!.resolve(ok(protocolResponse({ seq: 2, turnId, sessionId, protocol: 'Treat as community-acquired pneumonia.' })));
    await done;

    expect(state().turns.at(-1)).toMatchObject({ answer: 'Treat as community-acquired pneumonia.', status: 'complete' });
    expect(state().turnCount).toBe(2);
    expect(state().conversationError).toBeNull();
    expect(state().followUpDraft).toBe('');
    expect(fake.resumeCalls).toHaveLength(1);
  });

  it('switching answers after main’s live session expired resumes it from the store and makes the choice again', async () => {
    const first = '55555555-5555-4555-8555-555555555555';
    const session = storedSession(fake, {
      title: 'Chest pain',
      turns: [
        { id: first, seq: 1, answerText: 'Answer A', updatedAt: 1 },
        { seq: 1, answerText: 'Answer B', updatedAt: 2, parentTurnId: first },
      ],
    });
    await keep(session);
    await signIn();
    await state().openStoredSession(session.session.id);
    await state().continueSession();
    fake.resumeCalls.length = 0;
    expect(state().turns.at(-1)).toMatchObject({ answer: 'Answer B' });
    fake.answerSelectAnswer = (input) =>
      Promise.resolve(
        fake.selectAnswerCalls.length === 1 ? failure('SESSION_NOT_FOUND', 'This session expired.') : ok({ turnId: input.turnId }),
      );
    await state().selectAnswer(state().turns.at(-1)!.key, first);

    expect(fake.resumeCalls).toHaveLength(1);
    expect(fake.selectAnswerCalls).toEqual([
      { sessionId: session.session.id, turnId: first },
      { sessionId: session.session.id, turnId: first },
    ]);
    expect(state().turns.at(-1)).toMatchObject({ turnId: first, answer: 'Answer A' });
    expect(state().conversationError).toBeNull();
  });

  it('resumes and retries only once: a second SESSION_NOT_FOUND is shown and the typed text given back', async () => {
    await liveSession();
    state().setFollowUpDraft('Dose for 70 kg?');
    const done = state().sendFollowUp();
    fake.generateCalls[0]!.resolve(failure('SESSION_NOT_FOUND', 'This session expired.'));
    await vi.waitFor(() => expect(fake.generateCalls).toHaveLength(2));
    fake.generateCalls[1]!.resolve(failure('SESSION_NOT_FOUND', 'This session expired again.'));
    await done;

    expect(fake.generateCalls).toHaveLength(2);
    expect(fake.resumeCalls).toHaveLength(1);
    expect(state().conversationError).toEqual({ code: 'SESSION_NOT_FOUND', message: 'This session expired again.' });
    expect(state().followUpDraft).toBe('Dose for 70 kg?');
    expect(state().turns).toHaveLength(1);
    expect(state().runningTurnKey).toBeNull();
  });

  it('when main cannot resume the stored session, its reason is shown instead and nothing is sent again', async () => {
    await liveSession();
    fake.answerResume = () => Promise.resolve(failure('SESSION_NOT_FOUND', 'Its retention period ended.'));
    state().setFollowUpDraft('Next?');
    const done = state().sendFollowUp();
    fake.generateCalls[0]!.resolve(failure('SESSION_NOT_FOUND', 'This session expired.'));
    await done;

    expect(fake.generateCalls).toHaveLength(1);
    expect(fake.resumeCalls).toHaveLength(1);
    expect(state().conversationError?.message).toBe('Its retention period ended.');
    expect(state().followUpDraft).toBe('Next?');
  });
});

describe('after an unlock', () => {
  it('reopens the session the lock cleared from the page, live, from the store and through main', async () => {
    const session = storedSession(fake, { title: 'Chest pain', turns: [{ seq: 1, answerText: 'Protocol one' }, { seq: 2, answerText: 'Protocol two' }] });
    await keep(session);
    await signIn();
    await state().openStoredSession(session.session.id);
    await state().continueSession();
    const resumes = fake.resumeCalls.length;

    fake.emitAuthState(locked('idle'));
    expect(state().sessionId).toBeNull();
    expect(state().turns).toEqual([]);
    expect(state().resumeSessionId).toBe(session.session.id);
    const opens = fake.openCalls.length;

    fake.emitAuthState(unlockedAs(PROFILE_A));
    await vi.waitFor(() => expect(state().sessionId).toBe(session.session.id));

    expect(state().view).toBe('conversation');
    expect(state().sessionMode).toBe('live');
    expect(state().turns.map((turn) => turn.answer)).toEqual(['Protocol one', 'Protocol two']);
    expect(state().sessionPatient?.chiefComplaint).toBe('Chest pain');
    expect(state().resumeSessionId).toBeNull();
    // Read from the store and opened by main; main resumes it only when a follow-up needs it.
    expect(fake.openCalls.slice(opens).some((call) => call.records.length === 3)).toBe(true);
    expect(fake.resumeCalls).toHaveLength(resumes);
    await vi.waitFor(() => expect(titles()).toEqual(['Chest pain']));
  });

  it('reopens a past session read-only when that is how it was shown', async () => {
    const session = storedSession(fake, { title: 'Chest pain', turns: [{ seq: 1 }] });
    await keep(session);
    await signIn();
    await state().openStoredSession(session.session.id);

    fake.emitAuthState(locked('manual'));
    fake.emitAuthState(unlockedAs(PROFILE_A));
    await vi.waitFor(() => expect(state().sessionId).toBe(session.session.id));
    expect(state().sessionMode).toBe('review');
  });

  it('does not reopen it for another clinician', async () => {
    const session = storedSession(fake, { title: 'Chest pain', turns: [{ seq: 1 }] });
    await keep(session);
    await signIn();
    await state().openStoredSession(session.session.id);

    fake.emitAuthState(locked('manual'));
    fake.emitAuthState(unlockedAs(PROFILE_B));
    await vi.waitFor(() => expect(state().historyStatus).toBe('ready'));
    expect(state().sessionId).toBeNull();
    expect(state().view).toBe('intake');
    expect(state().historyEntries).toEqual([]);
  });
});
