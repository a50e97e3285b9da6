import { beforeEach, describe, expect, it } from 'vitest';
import { ok } from '../../../shared/errors';
import { createAppStore, type AppStore } from './createAppStore';
import { createFakeApi, failure, PATIENT, protocolResponse, SESSION_ID, TURN_1, TURN_2, type FakeApi } from './testing/fakeApi';

let fake: FakeApi;
let store: AppStore;

beforeEach(() => {
  fake = createFakeApi();
  store = createAppStore(fake.api);
});

const state = () => store.getState();
const summary = () => ({ turnCount: state().turnCount, sessionState: state().sessionState });

async function answeredSession(): Promise<void> {
  const done = state().startSession(PATIENT);
  fake.emitTurnStarted({ sessionId: SESSION_ID, turnId: TURN_1, seq: 1 });
  fake.generateCalls[0]!.resolve(ok(protocolResponse({ seq: 1, turnId: TURN_1 })));
  await done;
}

describe("the header's count and state follow the turns shown (history/turnSummary.ts)", () => {
  it('while the first answer streams: 1 turn, answering; then answered', async () => {
    const done = state().startSession(PATIENT);
    expect(summary()).toEqual({ turnCount: 1, sessionState: 'answering' });
    fake.emitTurnStarted({ sessionId: SESSION_ID, turnId: TURN_1, seq: 1 });
    fake.generateCalls[0]!.resolve(ok(protocolResponse({ seq: 1, turnId: TURN_1 })));
    await done;
    expect(summary()).toEqual({ turnCount: 1, sessionState: 'answered' });
  });

  it('a follow-up the model server failed: the count stays, the state is failed — until the next send', async () => {
    await answeredSession();
    state().setFollowUpDraft('CRP 180');
    const sent = state().sendFollowUp();
    expect(summary()).toEqual({ turnCount: 2, sessionState: 'answering' });
    fake.generateCalls[1]!.resolve(failure('LLM_UNAVAILABLE', 'The model server is not reachable.'));
    await sent;
    expect(summary()).toEqual({ turnCount: 1, sessionState: 'failed' });
    expect(state().followUpDraft).toBe('CRP 180');

    const again = state().sendFollowUp();
    fake.emitTurnStarted({ sessionId: SESSION_ID, turnId: TURN_2, seq: 2 });
    fake.generateCalls[2]!.resolve(ok(protocolResponse({ seq: 2, turnId: TURN_2 })));
    await again;
    expect(summary()).toEqual({ turnCount: 2, sessionState: 'answered' });
  });

  it('a refusal that stored nothing (the disk is full) does not make the session failed', async () => {
    await answeredSession();
    state().setFollowUpDraft('CRP 180');
    const sent = state().sendFollowUp();
    fake.generateCalls[1]!.resolve(failure('STORAGE_FULL', 'No room.'));
    await sent;
    expect(summary()).toEqual({ turnCount: 1, sessionState: 'answered' });
  });

  it('a stopped answer: stopped, not answered', async () => {
    const done = state().startSession(PATIENT);
    fake.emitTurnStarted({ sessionId: SESSION_ID, turnId: TURN_1, seq: 1 });
    fake.generateCalls[0]!.resolve(ok(protocolResponse({ seq: 1, turnId: TURN_1, status: 'incomplete', incompleteReason: 'cancelled' })));
    await done;
    expect(summary()).toEqual({ turnCount: 1, sessionState: 'stopped' });
  });
});
