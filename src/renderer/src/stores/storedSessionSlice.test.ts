// @vitest-environment node
import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { AuthState } from '../../../shared/auth';
import type { ClinicHistoryDb } from '../db/database';
import type { RecordStore } from '../db/recordStore';
import type { AppStore } from './createAppStore';
import { createHistoryTest, type HistoryTest } from './testing/historyTest';
import { KEY_NOT_HERE_MESSAGE, SHREDDED_MESSAGE } from './history/historyErrors';
import { judgeOpenFailures } from './history/openFailures';
import { failure, PATIENT, lockedAs, PROFILE_A, PROFILE_B, unlockedAs, type FakeApi } from './testing/fakeApi';
import { spoil, storedSession, type StoredSessionRecords } from './testing/storedSessions';

let t: HistoryTest;
let db: ClinicHistoryDb;
let history: RecordStore;
let fake: FakeApi;
let store: AppStore;

beforeEach(() => {
  t = createHistoryTest({ historyRefreshDelayMs: 5, indexHistory: false });
  ({ db, history, fake, store } = t);
});
afterEach(() => t.dispose());

const state = () => store.getState();
const keep = (...sessions: StoredSessionRecords[]) => t.keep(...sessions);
const signIn = () => t.signIn();
const titles = () => state().historyEntries.map((entry) => entry.title);
const storedRecordsOf = (sessionId: string) => t.storedRecordsOf(sessionId);
const locked = (reason: AuthState['reason']): AuthState => lockedAs(reason);

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

  it.each(['tampered', 'malformed'] as const)('a record main refuses as %s is set aside (quarantined) and counted; the rest shows', async (reason) => {
    const session = storedSession(fake, { title: 'Chest pain', turns: [{ seq: 1 }, { seq: 2 }, { seq: 3 }] });
    const bad = session.turns[1]!;
    spoil(fake, bad, reason);
    await keep(session);
    await signIn();

    expect(await state().openStoredSession(session.session.id)).toBe(true);

    expect(state().turns.map((turn) => turn.seq)).toEqual([1, 3]);
    expect(state().setAsideCount).toBe(1);
    expect(state().rolledBackCount).toBe(0);
    expect(await db.quarantine.toArray()).toEqual([
      expect.objectContaining({ id: bad.id, sessionId: session.session.id, reason: `vault.open: ${reason}`, record: bad }),
    ]);
    expect((await history.turnsOf(session.session.id)).map((turn) => turn.id)).not.toContain(bad.id);
    expect(titles()).toEqual(['Chest pain']);
  });

  it('another clinician’s record in the session (forbidden) is left alone: never shown, not set aside, not counted', async () => {
    const session = storedSession(fake, { title: 'Chest pain', turns: [{ seq: 1 }, { seq: 2 }] });
    const foreign = session.turns[1]!;
    spoil(fake, foreign, 'forbidden');
    await keep(session);
    await signIn();

    expect(await state().openStoredSession(session.session.id)).toBe(true);

    expect(state().turns.map((turn) => turn.seq)).toEqual([1]);
    expect(state().setAsideCount).toBe(0);
    expect(await db.quarantine.count()).toBe(0);
    expect(await storedRecordsOf(session.session.id)).toEqual(session.all);
  });

  it('a turn older than main last sealed (rolled-back) is never shown as the history: the session shows with an integrity warning, nothing set aside', async () => {
    const session = storedSession(fake, {
      title: 'Chest pain',
      turns: [
        { seq: 1, answerText: 'Initial protocol' },
        { seq: 2, userText: 'Troponin?', answerText: 'An answer put back from an old copy' },
      ],
    });
    spoil(fake, session.turns[1]!, 'rolled-back');
    await keep(session);
    await signIn();

    expect(await state().openStoredSession(session.session.id)).toBe(true);

    expect(state().turns.map((turn) => turn.answer)).toEqual(['Initial protocol']);
    expect(JSON.stringify(state().turns)).not.toContain('old copy');
    expect(state().rolledBackCount).toBe(1);
    expect(state().setAsideCount).toBe(0);
    expect(await db.quarantine.count()).toBe(0);
    expect(await storedRecordsOf(session.session.id)).toEqual(session.all);
    expect(state().historyEntries[0]).toMatchObject({ sessionId: session.session.id, title: 'Chest pain', problem: 'rolled-back' });
    expect(state().historySessionProblems.rolledBack).toEqual([session.session.id]);
  });

  it('a session whose key is not on this workstation (unknown-key) is not shown, says why, and keeps every row', async () => {
    const session = storedSession(fake, { title: 'Chest pain', turns: [{ seq: 1 }, { seq: 2 }] });
    await keep(session);
    await signIn();

    // The key file went missing (a restore from an old backup, a key not synced yet): main has no key and destroyed none.
    for (const record of session.all) spoil(fake, record, 'unknown-key');
    expect(await state().openStoredSession(session.session.id)).toBe(false);

    expect(state().view).toBe('intake');
    expect(state().historyNotice).toBe(KEY_NOT_HERE_MESSAGE);
    expect(await storedRecordsOf(session.session.id)).toEqual(session.all);
    expect(await db.quarantine.count()).toBe(0);
    expect(state().historyEntries).toEqual([expect.objectContaining({ sessionId: session.session.id, problem: 'key-missing' })]);
    expect(state().historySessionProblems.keyMissing).toEqual([session.session.id]);
  });

  it('a session whose key main destroyed (shredded) is deleted from the store and disappears from the list', async () => {
    const kept = storedSession(fake, { title: 'Kept', updatedAt: 1 });
    const expiring = storedSession(fake, { title: 'Expiring', updatedAt: 2, turns: [{ seq: 1 }, { seq: 2 }] });
    await keep(kept, expiring);
    await signIn();
    expect(titles()).toEqual(['Expiring', 'Kept']);

    // Retention: main destroys the session's key.
    for (const record of expiring.all) spoil(fake, record, 'shredded');
    expect(await state().openStoredSession(expiring.session.id)).toBe(false);

    expect(titles()).toEqual(['Kept']);
    expect(state().historyNotice).toBe(SHREDDED_MESSAGE);
    expect(state().view).toBe('intake');
    expect(await db.sessions.get(expiring.session.id)).toEqual(expect.objectContaining({ deleted: true }));
    expect(await history.turnsOf(expiring.session.id)).toEqual([]);
    expect(await db.quarantine.count()).toBe(0);
  });

  it('a session on screen whose key main destroyed leaves the screen too, not only the store and the list', async () => {
    const expiring = storedSession(fake, { title: 'Expiring', updatedAt: 2, turns: [{ seq: 1 }] });
    await keep(expiring);
    await signIn();
    expect(await state().openStoredSession(expiring.session.id)).toBe(true);
    expect(state().sessionId).toBe(expiring.session.id);
    expect(state().turns).not.toEqual([]);

    // Retention shreds it while it is on screen; the page learns it the next time main answers for its records.
    for (const record of expiring.all) spoil(fake, record, 'shredded');
    await state().noteUnopenedSessions(judgeOpenFailures(expiring.all.map((record) => ({ record, reason: 'shredded' as const }))));

    expect(state().sessionId).toBeNull();
    expect(state().turns).toEqual([]);
    expect(state().historyNotice).toBe(SHREDDED_MESSAGE);
  });

  it('while main cannot write its audit log (AUDIT_UNAVAILABLE), opening a past session says why and changes nothing', async () => {
    const session = storedSession(fake, { title: 'Chest pain', turns: [{ seq: 1 }] });
    await keep(session);
    await signIn();
    fake.answerOpen = () => Promise.resolve(failure('AUDIT_UNAVAILABLE', 'audit: EIO'));

    expect(await state().openStoredSession(session.session.id)).toBe(false);

    expect(state().view).toBe('intake');
    expect(state().historyError?.message).toMatch(/^Past sessions cannot be opened right now: the app cannot write its audit log/);
    expect(await storedRecordsOf(session.session.id)).toEqual(session.all);
    expect(await db.quarantine.count()).toBe(0);
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
