import { beforeEach, describe, expect, it } from 'vitest';
import { ok } from '../../../shared/errors';
import { createAppStore, initialState, type AppStore } from './createAppStore';
import {
  createFakeApi,
  failure,
  flush,
  OTHER_SESSION_ID,
  OTHER_TURN,
  PATIENT,
  protocolResponse,
  SESSION_ID,
  TURN_1,
  TURN_2,
  type FakeApi,
} from './testing/fakeApi';

let fake: FakeApi;
let store: AppStore;

beforeEach(() => {
  fake = createFakeApi();
  store = createAppStore(fake.api);
});

const state = () => store.getState();
const lastTurn = () => state().turns.at(-1);

/** Starts a session and lets main announce its first turn. */
function startFirstTurn(): Promise<void> {
  const done = state().startSession(PATIENT);
  fake.emitTurnStarted({ sessionId: SESSION_ID, turnId: TURN_1, seq: 1 });
  return done;
}

/** A session with one answered turn. */
async function answeredSession(): Promise<void> {
  const done = startFirstTurn();
  fake.generateCalls[0]!.resolve(ok(protocolResponse({ seq: 1, turnId: TURN_1 })));
  await done;
}

describe('subscriptions', () => {
  it('subscribes to turnStarted and delta once, when the store is created', () => {
    expect(fake.listenerCount()).toEqual({ turnStarted: 1, delta: 1 });
    store.dispose();
    expect(fake.listenerCount()).toEqual({ turnStarted: 0, delta: 0 });
  });
});

describe('first turn', () => {
  it('shows the conversation at once, learns the session id from turnStarted and streams the answer in order', () => {
    void startFirstTurn();
    expect(fake.generateCalls[0]!.input).toEqual({ patient: PATIENT });
    expect(state().view).toBe('conversation');
    expect(state().sessionId).toBe(SESSION_ID);

    fake.emitDelta({ sessionId: SESSION_ID, turnId: TURN_1, index: 0, delta: 'Assess ' });
    fake.emitDelta({ sessionId: SESSION_ID, turnId: TURN_1, index: 1, delta: 'airway, ' });
    fake.emitDelta({ sessionId: SESSION_ID, turnId: TURN_1, index: 2, delta: 'breathing.' });

    expect(lastTurn()).toMatchObject({ answer: 'Assess airway, breathing.', status: 'streaming', turnId: TURN_1 });
    // The question was sent: it counts while its answer streams.
    expect(state().turnCount).toBe(1);
    expect(state().sessionState).toBe('answering');
  });

  it('ignores deltas of other turns and repeated deltas', () => {
    void startFirstTurn();
    fake.emitDelta({ sessionId: SESSION_ID, turnId: TURN_1, index: 0, delta: 'A' });
    fake.emitDelta({ sessionId: OTHER_SESSION_ID, turnId: OTHER_TURN, index: 1, delta: 'X' });
    fake.emitDelta({ sessionId: SESSION_ID, turnId: TURN_1, index: 0, delta: 'A' });
    fake.emitDelta({ sessionId: SESSION_ID, turnId: TURN_1, index: 1, delta: 'B' });
    expect(lastTurn()!.answer).toBe('AB');
  });

  it('ignores deltas that arrive before the turn is known', () => {
    void state().startSession(PATIENT);
    fake.emitDelta({ sessionId: SESSION_ID, turnId: TURN_1, index: 0, delta: 'early' });
    expect(lastTurn()!.answer).toBe('');
  });

  it('replaces the streamed text with the final protocol and counts the turn', async () => {
    const done = startFirstTurn();
    fake.emitDelta({ sessionId: SESSION_ID, turnId: TURN_1, index: 0, delta: 'partial' });
    fake.generateCalls[0]!.resolve(
      ok(protocolResponse({ seq: 1, turnId: TURN_1, protocol: 'The whole protocol.', metadata: { ...protocolResponse({ seq: 1, turnId: TURN_1 }).metadata, model: 'm-7b', inferenceTimeMs: 850 } })),
    );
    await done;

    expect(lastTurn()).toMatchObject({ answer: 'The whole protocol.', status: 'complete', incompleteReason: null });
    expect(state().turnCount).toBe(1);
    expect(state().runningTurnKey).toBeNull();
    expect(state().lastModel).toBe('m-7b');
    expect(state().lastInferenceMs).toBe(850);
  });

  it('keeps a late delta from changing the finished answer', async () => {
    await answeredSession();
    fake.emitDelta({ sessionId: SESSION_ID, turnId: TURN_1, index: 5, delta: ' late' });
    expect(lastTurn()!.answer).toBe('Final protocol 1');
  });

  it('marks an incomplete answer with its reason', async () => {
    const done = startFirstTurn();
    fake.generateCalls[0]!.resolve(
      ok(protocolResponse({ seq: 1, turnId: TURN_1, status: 'incomplete', incompleteReason: 'cancelled', protocol: 'Half' })),
    );
    await done;
    expect(lastTurn()).toMatchObject({ answer: 'Half', status: 'incomplete', incompleteReason: 'cancelled' });
    expect(state().turnCount).toBe(1);
  });

  it('forgets the session after a failed first turn, keeps the typed form and shows main’s message', async () => {
    state().setField('age', '54');
    state().setField('chiefComplaint', 'Chest pain');
    const done = state().submitIntake();
    fake.emitTurnStarted({ sessionId: SESSION_ID, turnId: TURN_1, seq: 1 });
    expect(state().sessionId).toBe(SESSION_ID);
    fake.generateCalls[0]!.resolve(failure('LLM_UNAVAILABLE', 'The model server is not reachable.'));
    await done;

    expect(state().sessionId).toBeNull();
    expect(state().turns).toEqual([]);
    expect(state().view).toBe('intake');
    expect(state().intakeError).toEqual({ code: 'LLM_UNAVAILABLE', message: 'The model server is not reachable.' });
    expect(state().form.age).toBe('54');
    expect(state().form.chiefComplaint).toBe('Chest pain');
  });

  it('re-checks the model server status when the model server failed', async () => {
    const done = state().startSession(PATIENT);
    fake.generateCalls[0]!.resolve(failure('LLM_TIMEOUT', 'The model server did not answer in time.'));
    await done;
    await flush();
    expect(fake.statusCalls).toBe(1);
  });
});

describe('follow-ups', () => {
  it('sends the typed message in the session and counts the turn when answered', async () => {
    await answeredSession();
    state().setFollowUpDraft('  What if she is allergic to aspirin?  ');
    const done = state().sendFollowUp();

    expect(fake.generateCalls[1]!.input).toEqual({ sessionId: SESSION_ID, message: 'What if she is allergic to aspirin?' });
    expect(state().followUpDraft).toBe('');
    expect(lastTurn()).toMatchObject({ kind: 'followUp', message: 'What if she is allergic to aspirin?', status: 'streaming' });

    fake.emitTurnStarted({ sessionId: SESSION_ID, turnId: TURN_2, seq: 2 });
    fake.emitDelta({ sessionId: SESSION_ID, turnId: TURN_1, index: 0, delta: 'old turn' });
    fake.emitDelta({ sessionId: SESSION_ID, turnId: TURN_2, index: 0, delta: 'Use ' });
    fake.emitDelta({ sessionId: SESSION_ID, turnId: TURN_2, index: 1, delta: 'clopidogrel.' });
    expect(lastTurn()!.answer).toBe('Use clopidogrel.');
    expect(state().turns[0]!.answer).toBe('Final protocol 1');

    fake.generateCalls[1]!.resolve(ok(protocolResponse({ seq: 2, turnId: TURN_2 })));
    await done;
    expect(lastTurn()!.answer).toBe('Final protocol 2');
    expect(state().turnCount).toBe(2);
  });

  it('ignores a turnStarted of another session', async () => {
    await answeredSession();
    state().setFollowUpDraft('Next?');
    void state().sendFollowUp();
    fake.emitTurnStarted({ sessionId: OTHER_SESSION_ID, turnId: OTHER_TURN, seq: 1 });
    fake.emitDelta({ sessionId: OTHER_SESSION_ID, turnId: OTHER_TURN, index: 0, delta: 'X' });
    expect(state().sessionId).toBe(SESSION_ID);
    expect(lastTurn()).toMatchObject({ turnId: null, answer: '' });
  });

  it('keeps the typed text and the session when a follow-up fails', async () => {
    await answeredSession();
    state().setFollowUpDraft('Dose for 70 kg?');
    const done = state().sendFollowUp();
    fake.generateCalls[1]!.resolve(failure('SESSION_NOT_FOUND', 'This session has ended.'));
    await done;

    expect(state().followUpDraft).toBe('Dose for 70 kg?');
    expect(state().conversationError).toEqual({ code: 'SESSION_NOT_FOUND', message: 'This session has ended.' });
    expect(state().turns).toHaveLength(1);
    expect(state().turnCount).toBe(1);
    expect(state().sessionId).toBe(SESSION_ID);
    expect(state().runningTurnKey).toBeNull();
  });

  it('sends nothing while a turn runs, or when the text is blank', async () => {
    await answeredSession();
    state().setFollowUpDraft('   ');
    await state().sendFollowUp();
    expect(fake.generateCalls).toHaveLength(1);

    state().setFollowUpDraft('First');
    void state().sendFollowUp();
    state().setFollowUpDraft('Second');
    void state().sendFollowUp();
    expect(fake.generateCalls).toHaveLength(2);
  });
});

describe('stop', () => {
  it('asks main to cancel the running turn of this session', async () => {
    void startFirstTurn();
    await state().stopTurn();
    expect(fake.cancelCalls).toEqual([{ sessionId: SESSION_ID }]);
    expect(state().stopRequested).toBe(true);

    await state().stopTurn();
    expect(fake.cancelCalls).toHaveLength(1);
  });

  it('sends the cancel as soon as the session id is known when Stop came first', async () => {
    void state().startSession(PATIENT);
    await state().stopTurn();
    expect(fake.cancelCalls).toEqual([]);
    fake.emitTurnStarted({ sessionId: SESSION_ID, turnId: TURN_1, seq: 1 });
    expect(fake.cancelCalls).toEqual([{ sessionId: SESSION_ID }]);
  });

  it('does nothing when no turn runs', async () => {
    await answeredSession();
    await state().stopTurn();
    expect(fake.cancelCalls).toEqual([]);
  });
});

describe('new patient', () => {
  it('clears every patient detail and ignores the discarded session’s late answer', async () => {
    state().setField('age', '54');
    state().setField('chiefComplaint', 'Chest pain');
    await answeredSession();
    state().setFollowUpDraft('More?');
    const done = state().sendFollowUp();
    fake.emitTurnStarted({ sessionId: SESSION_ID, turnId: TURN_2, seq: 2 });

    state().newPatient();
    expect(fake.cancelCalls).toEqual([{ sessionId: SESSION_ID }]);

    fake.generateCalls[1]!.resolve(ok(protocolResponse({ seq: 2, turnId: TURN_2 })));
    await done;
    const { checkLlmStatus: _a, ...data } = state();
    const { llmStatus: _b, llmStatusError: _c, llmStatusChecking: _d, ...initialData } = initialState;
    expect(data).toMatchObject(initialData);
    expect(state().form.age).toBe('');
    expect(state().sessionPatient).toBeNull();
  });
});

describe('initialState', () => {
  it('resets a used store', async () => {
    await answeredSession();
    store.setState(initialState);
    expect(state().turns).toEqual([]);
    expect(state().sessionId).toBeNull();
    expect(typeof state().sendFollowUp).toBe('function');
  });
});
