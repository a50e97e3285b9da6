// @vitest-environment node
import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fail, ok } from '../../../shared/errors';
import type { DeleteOutput } from '../../../shared/sessions';
import type { ClinicHistoryDb } from '../db/database';
import type { RecordStore } from '../db/recordStore';
import type { AppStore } from './createAppStore';
import { DELETED_ELSEWHERE_MESSAGE, DELETED_HERE_MESSAGE } from './history/historyErrors';
import { NOTHING_DELETED_MESSAGE } from './sessionRemovalSlice';
import { createHistoryTest, type HistoryTest } from './testing/historyTest';
import { PROFILE_A, PROFILE_B, unlockedAs, type FakeApi } from './testing/fakeApi';
import { storedSession, type StoredSessionRecords } from './testing/storedSessions';

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
const titles = () => state().historyEntries.map((entry) => entry.title);
const rowsOf = async (sessionId: string) => ({ session: await db.sessions.get(sessionId), turns: await history.turnsOf(sessionId) });

/** Two sessions stored and listed, the first one open (read-only) in the main area. */
async function twoSessionsOneOpen(): Promise<{ open: StoredSessionRecords; other: StoredSessionRecords }> {
  const open = storedSession(fake, { title: 'Chest pain', updatedAt: 2, turns: [{ seq: 1 }] });
  const other = storedSession(fake, { title: 'Fever', updatedAt: 1, turns: [{ seq: 1 }] });
  await t.keep(open, other);
  await t.signIn();
  expect(await state().openStoredSession(open.session.id)).toBe(true);
  expect(state().sessionId).toBe(open.session.id);
  return { open, other };
}

describe('deleting the open session', () => {
  it('deletes through main, then forgets the session the way a shredded one is forgotten: rows, list, open session; and says so', async () => {
    const { open, other } = await twoSessionsOneOpen();
    fake.answerDelete = () => Promise.resolve(ok<DeleteOutput>({ deleted: true }));

    expect(await state().deleteSession(open.session.id)).toBe(true);

    expect(fake.deleteCalls).toEqual([{ sessionId: open.session.id }]);
    expect(titles()).toEqual(['Fever']);
    expect((await rowsOf(open.session.id)).session).toMatchObject({ deleted: true });
    expect((await rowsOf(open.session.id)).turns).toEqual([]);
    expect((await rowsOf(other.session.id)).turns).toHaveLength(1);
    expect(state().sessionId).toBeNull();
    expect(state().view).toBe('intake');
    expect(state().historyNotice).toBe(DELETED_HERE_MESSAGE);
    expect(state().deletingSessionId).toBeNull();
  });

  it.each([
    ['main refuses (a turn holds the session elsewhere)', () => Promise.resolve(fail('SESSION_BUSY', 'This session is open on Exam room 2.')), 'This session is open on Exam room 2.'],
    ['main held nothing of it', () => Promise.resolve(ok<DeleteOutput>({ deleted: false })), NOTHING_DELETED_MESSAGE],
    ['the bridge throws', () => Promise.reject(new Error('gone')), 'The app did not answer. Please try again.'],
  ])('deletes nothing in the page when %s, and keeps the reason for the dialog', async (_case, answer, message) => {
    const { open } = await twoSessionsOneOpen();
    const before = await rowsOf(open.session.id);
    fake.answerDelete = answer;

    expect(await state().deleteSession(open.session.id)).toBe(false);

    expect(state().deleteSessionError).toBe(message);
    expect(titles()).toEqual(['Chest pain', 'Fever']);
    expect(await rowsOf(open.session.id)).toEqual(before);
    expect(state().sessionId).toBe(open.session.id);
    expect(state().deletingSessionId).toBeNull();
  });

  it('writes nothing when the clinician was switched while main deleted', async () => {
    const { open } = await twoSessionsOneOpen();
    let answer!: (result: ReturnType<typeof ok<DeleteOutput>>) => void;
    fake.answerDelete = () => new Promise((resolve) => (answer = resolve));
    const deleting = state().deleteSession(open.session.id);
    fake.emitAuthState(unlockedAs(PROFILE_B));
    await vi.waitFor(() => expect(state().authState?.profileId).toBe(PROFILE_B.profileId));
    answer(ok({ deleted: true }));
    expect(await deleting).toBe(false);
    expect(state().historyNotice).not.toBe(DELETED_HERE_MESSAGE);
  });
});

describe('sessions removed by main (sessions.removed)', () => {
  it('drops a session deleted on another workstation at once, and closes it with a message when it is open', async () => {
    const { open, other } = await twoSessionsOneOpen();

    fake.emitSessionsRemoved({ profileId: PROFILE_A.profileId, sessionIds: [open.session.id], reason: 'deleted-elsewhere' });

    await vi.waitFor(() => expect(titles()).toEqual(['Fever']));
    expect(state().sessionId).toBeNull();
    expect(state().historyNotice).toBe(DELETED_ELSEWHERE_MESSAGE);
    expect((await rowsOf(open.session.id)).turns).toEqual([]);
    // A session not on screen just leaves the list, without a message.
    store.setState({ historyNotice: null });
    fake.emitSessionsRemoved({ profileId: PROFILE_A.profileId, sessionIds: [other.session.id], reason: 'retention' });
    await vi.waitFor(() => expect(titles()).toEqual([]));
    expect(state().historyNotice).toBeNull();
    expect((await rowsOf(other.session.id)).turns).toEqual([]);
  });

  it.each([
    ['another clinician’s', { profileId: PROFILE_B.profileId, reason: 'deleted-elsewhere' }],
    ['a malformed', { profileId: PROFILE_A.profileId, reason: 'because' }],
  ])('ignores %s removal: nothing is deleted', async (_case, event) => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const { open } = await twoSessionsOneOpen();
    const before = await rowsOf(open.session.id);

    fake.emitSessionsRemoved({ ...event, sessionIds: [open.session.id] });
    fake.emitSessionsRemoved({ profileId: PROFILE_A.profileId, sessionIds: ['not-a-session-id'], reason: 'retention' });
    await new Promise((resolve) => setTimeout(resolve, 20));

    expect(titles()).toEqual(['Chest pain', 'Fever']);
    expect(await rowsOf(open.session.id)).toEqual(before);
    expect(state().sessionId).toBe(open.session.id);
    warn.mockRestore();
  });
});

describe('sessions not yet on the sync server', () => {
  it('reads them at sign-in, follows main’s changes for the clinician signed in, and forgets them at a lock', async () => {
    const session = storedSession(fake, { title: 'Chest pain', updatedAt: 1 });
    await t.keep(session);
    fake.unsyncedSessions = ok({ profileId: PROFILE_A.profileId, sessionIds: [session.session.id] });
    await t.signIn();
    await vi.waitFor(() => expect(state().unsyncedSessionIds).toEqual([session.session.id]));

    fake.emitUnsyncedSessions({ profileId: PROFILE_B.profileId, sessionIds: [] });
    expect(state().unsyncedSessionIds).toEqual([session.session.id]);
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    fake.emitUnsyncedSessions({ profileId: PROFILE_A.profileId, sessionIds: 'all' });
    warn.mockRestore();
    expect(state().unsyncedSessionIds).toEqual([session.session.id]);
    fake.emitUnsyncedSessions({ profileId: PROFILE_A.profileId, sessionIds: [] });
    expect(state().unsyncedSessionIds).toEqual([]);

    fake.emitUnsyncedSessions({ profileId: PROFILE_A.profileId, sessionIds: [session.session.id] });
    fake.emitAuthState({ state: 'locked', profileId: null, profileName: null, reason: 'manual' });
    expect(state().unsyncedSessionIds).toEqual([]);
  });
});
