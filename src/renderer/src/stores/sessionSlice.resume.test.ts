// @vitest-environment node
import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ok } from '../../../shared/errors';
import type { AppStore } from './createAppStore';
import { createHistoryTest, type HistoryTest } from './testing/historyTest';
import { failure, protocolResponse, type FakeApi } from './testing/fakeApi';
import { storedSession, type StoredSessionRecords } from './testing/storedSessions';

let t: HistoryTest;
let fake: FakeApi;
let store: AppStore;

beforeEach(() => {
  t = createHistoryTest({ historyRefreshDelayMs: 5, indexHistory: false });
  ({ fake, store } = t);
});
afterEach(() => t.dispose());

const state = () => store.getState();
const keep = (...sessions: StoredSessionRecords[]) => t.keep(...sessions);
const signIn = () => t.signIn();
const storedRecordsOf = (sessionId: string) => t.storedRecordsOf(sessionId);

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

  it('when main refuses to continue a session whose stored history failed its check (HISTORY_INTEGRITY), says so plainly and stays read-only', async () => {
    const session = storedSession(fake, { title: 'Chest pain', turns: [{ seq: 1 }, { seq: 2 }] });
    await keep(session);
    await signIn();
    await state().openStoredSession(session.session.id);
    fake.answerResume = () => Promise.resolve(failure('HISTORY_INTEGRITY', 'turn 2: rv 1 < 2'));

    expect(await state().continueSession()).toBe(false);

    expect(state().sessionMode).toBe('review');
    expect(state().conversationError).toEqual({
      code: 'HISTORY_INTEGRITY',
      message: expect.stringMatching(/^This session cannot be continued: the stored history failed an integrity check .*start a new session for this patient, and tell IT\.$/),
    });
    expect(state().turns).toHaveLength(2);
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
