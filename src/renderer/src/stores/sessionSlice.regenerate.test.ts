import { beforeEach, describe, expect, it } from 'vitest';
import { ok } from '../../../shared/errors';
import { createAppStore, type AppStore } from './createAppStore';
import { createFakeApi, failure, flush, PATIENT, protocolResponse, SESSION_ID, TURN_1, TURN_2, type FakeApi } from './testing/fakeApi';
import { answersOf } from './turns';

let fake: FakeApi;
let store: AppStore;

beforeEach(() => {
  fake = createFakeApi();
  store = createAppStore(fake.api);
});

const state = () => store.getState();
const lastTurn = () => state().turns.at(-1)!;

async function answeredSession(options: { doNotKeep?: boolean } = {}): Promise<void> {
  const done = state().startSession(PATIENT, options);
  fake.emitTurnStarted({ sessionId: SESSION_ID, turnId: TURN_1, seq: 1 });
  fake.generateCalls[0]!.resolve(ok(protocolResponse({ seq: 1, turnId: TURN_1, protocol: 'Answer A' })));
  await done;
}

describe('regenerate and switching answers', () => {
  it('streams a new answer for the latest turn and keeps the earlier one as a sibling to switch back to', async () => {
    await answeredSession();
    const regenerating = state().regenerateAnswer();
    expect(fake.regenerateCalls[0]!.input).toEqual({ sessionId: SESSION_ID, turnId: TURN_1 });
    expect(lastTurn()).toMatchObject({ status: 'streaming', answer: '', turnId: null });
    fake.emitTurnStarted({ sessionId: SESSION_ID, turnId: TURN_2, seq: 1 });
    fake.emitDelta({ sessionId: SESSION_ID, turnId: TURN_2, index: 0, delta: 'Answer ' });
    expect(lastTurn().answer).toBe('Answer ');
    const endpoint = 'http://10.0.0.2:8000/v1';
    const base = protocolResponse({ seq: 1, turnId: TURN_2 });
    fake.regenerateCalls[0]!.resolve(ok({ ...base, protocol: 'Answer B', metadata: { ...base.metadata, endpoint, model: 'm-2' } }));
    await regenerating;

    expect(state().turns).toHaveLength(1);
    expect(lastTurn()).toMatchObject({ turnId: TURN_2, answer: 'Answer B', status: 'complete' });
    expect(answersOf(lastTurn()).map((answer) => answer.answer)).toEqual(['Answer A', 'Answer B']);
    expect(state()).toMatchObject({ lastEndpoint: endpoint, lastModel: 'm-2', runningTurnKey: null });

    await state().selectAnswer(lastTurn().key, TURN_1);
    expect(fake.selectAnswerCalls).toEqual([{ sessionId: SESSION_ID, turnId: TURN_1 }]);
    expect(lastTurn()).toMatchObject({ turnId: TURN_1, answer: 'Answer A' });
    expect(state().lastModel).toBe('fake-model');
  });

  it('shows main’s answer again, and why, when main refuses the switch', async () => {
    await answeredSession();
    const regenerating = state().regenerateAnswer();
    fake.regenerateCalls[0]!.resolve(ok(protocolResponse({ seq: 1, turnId: TURN_2, protocol: 'Answer B' })));
    await regenerating;
    fake.answerSelectAnswer = () => Promise.resolve(failure('INVALID_INPUT', 'Only an answer of the session’s latest turn can be chosen.'));
    await state().selectAnswer(lastTurn().key, TURN_1);
    expect(lastTurn()).toMatchObject({ turnId: TURN_2, answer: 'Answer B' });
    expect(state().conversationError?.code).toBe('INVALID_INPUT');
  });

  it('a failed regenerate leaves the answer shown as it was, with main’s reason', async () => {
    await answeredSession();
    const before = lastTurn();
    const regenerating = state().regenerateAnswer();
    fake.regenerateCalls[0]!.resolve(failure('LLM_UNAVAILABLE', 'The model server cannot be reached.'));
    await regenerating;
    expect(lastTurn()).toEqual(before);
    expect(state()).toMatchObject({ runningTurnKey: null, conversationError: { code: 'LLM_UNAVAILABLE' } });
  });

  it('does nothing while a turn runs', async () => {
    await answeredSession();
    state().setFollowUpDraft('more');
    void state().sendFollowUp();
    await state().regenerateAnswer();
    expect(fake.regenerateCalls).toHaveLength(0);
  });
});

describe('do not keep', () => {
  it('asks main not to keep the session, shows it, and never resumes it from history', async () => {
    await answeredSession({ doNotKeep: true });
    expect(fake.generateCalls[0]!.input).toEqual({ patient: PATIENT, doNotKeep: true });
    expect(state().sessionNotKept).toBe(true);
    state().setFollowUpDraft('more');
    const sending = state().sendFollowUp();
    fake.generateCalls[1]!.resolve(failure('SESSION_NOT_FOUND', 'This session is not open in the app. Start a new session.'));
    await sending;
    await flush();
    expect(fake.resumeCalls).toHaveLength(0);
    expect(state().conversationError?.message).toContain('was not kept');
  });

  it('is off for an ordinary session and after New patient', async () => {
    await answeredSession();
    expect(fake.generateCalls[0]!.input).toEqual({ patient: PATIENT });
    state().setDoNotKeep(true);
    state().newPatient();
    expect(state().doNotKeep).toBe(false);
  });
});
