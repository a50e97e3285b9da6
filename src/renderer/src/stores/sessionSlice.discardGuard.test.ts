// @vitest-environment node
import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ok } from '../../../shared/errors';
import type { AppStore } from './createAppStore';
import { createHistoryTest, type HistoryTest } from './testing/historyTest';
import { PATIENT, protocolResponse, SESSION_ID, TURN_1, type FakeApi } from './testing/fakeApi';
import { storedSession } from './testing/storedSessions';

let t: HistoryTest;
let fake: FakeApi;
let store: AppStore;

beforeEach(() => {
  t = createHistoryTest({ historyRefreshDelayMs: 5, indexHistory: false });
  ({ fake, store } = t);
});
afterEach(() => t.dispose());

const state = () => store.getState();

/** A "Do not keep" session with one answered turn on screen. */
async function unkeptSession(): Promise<void> {
  const done = state().startSession(PATIENT, { doNotKeep: true });
  fake.emitTurnStarted({ sessionId: SESSION_ID, turnId: TURN_1, seq: 1 });
  fake.generateCalls.at(-1)!.resolve(ok(protocolResponse({ seq: 1, turnId: TURN_1 })));
  await done;
}

describe('leaving a "Do not keep" session asks first', () => {
  it('New patient holds the discard until confirmed; Stay keeps the session as it was', async () => {
    await t.signIn();
    await unkeptSession();
    const shown = state().turns;

    state().newPatient();
    expect(state().pendingDiscard).toEqual({ kind: 'newPatient' });
    expect(state().view).toBe('conversation');
    expect(state().turns).toBe(shown);

    state().cancelDiscard();
    expect(state().pendingDiscard).toBeNull();
    expect(state().sessionId).toBe(SESSION_ID);

    state().newPatient();
    state().confirmDiscard();
    expect(state().pendingDiscard).toBeNull();
    expect(state().view).toBe('intake');
    expect(state().sessionId).toBeNull();
  });

  it('opening another session holds it until confirmed, then opens it', async () => {
    const other = storedSession(fake, { title: 'Kept chest pain', turns: [{ seq: 1, answerText: 'Kept answer' }] });
    await t.keep(other);
    await t.signIn();
    await unkeptSession();

    expect(await state().openStoredSession(other.session.id)).toBe(false);
    expect(state().pendingDiscard).toEqual({ kind: 'openSession', sessionId: other.session.id, mode: 'review' });
    expect(state().sessionId).toBe(SESSION_ID);

    state().confirmDiscard();
    await expect.poll(() => state().sessionId).toBe(other.session.id);
    expect(state().turns.map((turn) => turn.answer)).toEqual(['Kept answer']);
    expect(state().sessionNotKept).toBe(false);
  });

  it('a running unkept answer is stopped in main once the clinician confirms', async () => {
    await t.signIn();
    void state().startSession(PATIENT, { doNotKeep: true });
    fake.emitTurnStarted({ sessionId: SESSION_ID, turnId: TURN_1, seq: 1 });
    state().newPatient();
    expect(fake.cancelCalls).toEqual([]);
    state().confirmDiscard();
    expect(fake.cancelCalls).toEqual([{ sessionId: SESSION_ID }]);
  });

  it('is not asked when nothing would be lost: a kept session, or one main has already dropped', async () => {
    await t.signIn();
    const done = state().startSession(PATIENT);
    fake.generateCalls.at(-1)!.resolve(ok(protocolResponse({ seq: 1, turnId: TURN_1 })));
    await done;
    state().newPatient();
    expect(state().pendingDiscard).toBeNull();
    expect(state().view).toBe('intake');

    await unkeptSession();
    store.setState({ conversationError: { code: 'SESSION_NOT_FOUND', message: 'gone' } });
    state().newPatient();
    expect(state().pendingDiscard).toBeNull();
    expect(state().view).toBe('intake');
  });
});
