// @vitest-environment node
import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { AuthState } from '../../../shared/auth';
import { ok } from '../../../shared/errors';
import type { RecordStore } from '../db/recordStore';
import { initialState, type AppStore } from './createAppStore';
import { createHistoryTest, type HistoryTest } from './testing/historyTest';
import { clearedPatientData, KEPT_THROUGH_LOCK, PATIENT_TEXT_FIELDS, SIGNED_IN_FIELDS } from './patientData';
import { emptyAnalytics, PATIENT, lockedAs, PROFILE_A, PROFILE_B, protocolResponse, unlockedAs, type FakeApi } from './testing/fakeApi';
import { storedSession } from './testing/storedSessions';

/** Patient text that must never outlive a lock, anywhere in the store. */
const CANARY = 'CANARY-5d1e Zebra-stripe rash';

let t: HistoryTest;
let history: RecordStore;
let fake: FakeApi;
let store: AppStore;

beforeEach(() => {
  t = createHistoryTest({ historyRefreshDelayMs: 5, historySearchDelayMs: 5 });
  ({ history, fake, store } = t);
});
afterEach(() => t.dispose());

const state = () => store.getState();
type DataKey = keyof typeof initialState;
const dataKeys = () => Object.keys(initialState) as DataKey[];
/** The data fields whose value holds the canary. */
const fieldsHoldingCanary = () => dataKeys().filter((key) => JSON.stringify(state()[key] ?? null).includes(CANARY));
/** The store's data, serialized: what a heap search for the canary would find in it. */
const storeText = () => JSON.stringify(state(), (_key, value: unknown) => (typeof value === 'function' ? undefined : value));
const locked = (reason: AuthState['reason']): AuthState => lockedAs(reason);

/** Waits for the sessions list and the background indexing pass of the current sign-in to finish. */
async function indexingDone(): Promise<void> {
  const before = fake.indexCalls.length;
  await vi.waitFor(() => expect(fake.indexCalls.length).toBeGreaterThan(before));
  await vi.waitFor(() => expect(state()).toMatchObject({ historyIndexing: null, historyStatus: 'ready' }));
}

/**
 * Signs PROFILE_A in with a stored history, then does what a clinician does in a day: lists and opens past sessions,
 * searches, runs a conversation (an answer streaming, a follow-up typed), exports, looks at the analytics and starts
 * typing the next patient — the canary going everywhere patient text can go.
 */
async function dayOfWork(): Promise<void> {
  const older = Array.from({ length: 55 }, (_, i) => storedSession(fake, { title: `Complaint ${i}`, updatedAt: i, turns: [{ seq: 1 }] }));
  const past = storedSession(fake, { title: `${CANARY} (past)`, updatedAt: 100, turns: [{ seq: 1, answerText: `Answer about ${CANARY}` }] });
  const result = await history.putRecords([...older, past].flatMap((session) => session.all));
  expect(result.ok).toBe(true);
  fake.emitAuthState(unlockedAs(PROFILE_A));
  await indexingDone();

  // A search whose hits include a session the list has not loaded (its entry is read and titled for the search).
  fake.vaultContents.set(older[0]!.session.ct, { patient: PATIENT, title: `${CANARY} (not loaded)` });
  fake.answerSearch = () =>
    Promise.resolve(
      ok({
        hits: [
          { sessionId: past.session.id, snippet: `…${CANARY}…` },
          { sessionId: older[0]!.session.id, snippet: `…${CANARY} again…` },
        ],
        indexedSessions: 56,
      }),
    );
  state().setHistoryQuery(CANARY);
  await state().searchHistory();
  expect(state().historySearch?.extraEntries).toHaveLength(1);

  // A live conversation: the first answer in, a follow-up streaming, the next one being typed.
  const first = state().startSession({ ...PATIENT, chiefComplaint: CANARY });
  const sessionId = past.session.id;
  fake.emitTurnStarted({ sessionId, turnId: '66666666-6666-4666-8666-666666666666', seq: 1 });
  fake.generateCalls[0]!.resolve(
    ok(protocolResponse({ seq: 1, turnId: '66666666-6666-4666-8666-666666666666', sessionId, protocol: `Protocol for ${CANARY}`, patientSummary: { ...PATIENT, chiefComplaint: CANARY } })),
  );
  await first;
  state().setFollowUpDraft(`Is ${CANARY} contagious?`);
  void state().sendFollowUp();
  fake.emitTurnStarted({ sessionId, turnId: '77777777-7777-4777-8777-777777777777', seq: 2 });
  fake.emitDelta({ sessionId, turnId: '77777777-7777-4777-8777-777777777777', index: 0, delta: `Partial about ${CANARY}` });
  state().setFollowUpDraft(`draft ${CANARY}`);

  // An export (the file is handed over, never kept) and the analytics (numbers from main).
  fake.answerExport = () => Promise.resolve(ok({ format: 'markdown', fileName: 'session.md', mimeType: 'text/markdown', encoding: 'utf8', content: CANARY }));
  expect(await state().exportSession('markdown')).not.toBeNull();
  fake.answerAnalytics = () => Promise.resolve(ok({ ...emptyAnalytics(), sessions: 56, answeredTurns: 57 }));
  await state().loadAnalytics();
  expect(state().analyticsReport).not.toBeNull();
  await state().countOlderFormatRecords();

  // The next patient's form, half typed, with a value to confirm.
  state().setField('chiefComplaint', CANARY);
  state().setField('allergies', CANARY);
}

describe('what counts as patient data in the page', () => {
  it('classifies every data field of the store exactly once: patient text, signed-in state, or kept through a lock', () => {
    const lists = [[...PATIENT_TEXT_FIELDS], [...SIGNED_IN_FIELDS], Object.keys(KEPT_THROUGH_LOCK)] as string[][];
    const classified = lists.flat();
    expect(new Set(classified).size, 'a field in two lists').toBe(classified.length);
    expect([...classified].sort()).toEqual([...dataKeys()].sort());
  });

  it('lists every field that holds patient text after a conversation, a search, an export and the analytics', async () => {
    await dayOfWork();
    const holding = fieldsHoldingCanary();
    // The day really put patient text in the places that hold it…
    expect(holding).toEqual(expect.arrayContaining(['form', 'sessionPatient', 'turns', 'followUpDraft', 'historyEntries', 'historyQuery', 'historySearch']));
    // …and every field holding it is one the lock clears as patient text. A new field holding patient text that is
    // not listed fails here.
    for (const field of holding) expect(PATIENT_TEXT_FIELDS as readonly string[], `${field} holds patient text`).toContain(field);
  });

  it.each([
    ['the Lock button', 'manual'],
    ['idle logoff', 'idle'],
    ['the OS screen lock', 'os-lock'],
    ['a removed profile', 'removed'],
    ['another clinician signing in', 'switched'],
  ] as const)('clears every listed field on %s, and no patient text is left anywhere in the store', async (_name, reason) => {
    await dayOfWork();
    expect(storeText()).toContain(CANARY);

    fake.emitAuthState(locked(reason));

    const cleared = clearedPatientData();
    for (const [field, value] of Object.entries(cleared)) expect(state()[field as DataKey], field).toEqual(value);
    expect(cleared).toEqual(Object.fromEntries(Object.keys(cleared).map((field) => [field, initialState[field as DataKey]])));
    expect(storeText()).not.toContain(CANARY);
  });

  it('clears the same when another clinician is signed in without a lock event in between', async () => {
    await dayOfWork();
    await history.putRecords(storedSession(fake, { title: 'Their own session', ownerId: PROFILE_B.profileId }).all);
    fake.emitAuthState(unlockedAs(PROFILE_B));
    for (const field of PATIENT_TEXT_FIELDS) expect(state()[field], field).toEqual(initialState[field]);
    expect(storeText()).not.toContain(CANARY);
    // Their own history loads; nothing of the first clinician's comes back with it.
    await indexingDone();
    expect(state().authState?.profileId).toBe(PROFILE_B.profileId);
    expect(state().historyEntries.map((entry) => entry.title)).toEqual(['Their own session']);
    expect(storeText()).not.toContain(CANARY);
  });
});
