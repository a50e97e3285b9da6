// @vitest-environment node
import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AppStore } from './createAppStore';
import { createHistoryTest, type HistoryTest } from './testing/historyTest';
import type { FakeApi } from './testing/fakeApi';
import { storedSession } from './testing/storedSessions';

const FIRST = '11111111-1111-4111-8111-111111111111';
const ON_A = 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa';
const ON_B = 'bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb';
const FAILED = 'ffffffff-ffff-4fff-8fff-ffffffffffff';
const RETRIED = 'cccccccc-cccc-4ccc-8ccc-cccccccccccc';
const SIBLING = 'dddddddd-dddd-4ddd-8ddd-dddddddddddd';

let t: HistoryTest;
let fake: FakeApi;
let store: AppStore;

beforeEach(() => {
  t = createHistoryTest({ historyRefreshDelayMs: 5, indexHistory: false });
  ({ fake, store } = t);
});
afterEach(() => t.dispose());

const state = () => store.getState();
const rowOf = (sessionId: string) => state().historyEntries.find((entry) => entry.sessionId === sessionId);

describe('a reopened session: the header and its row count and state it alike', () => {
  it('a forked session with three questions says 3 turns — not 2 (its positions)', async () => {
    const session = storedSession(fake, {
      title: 'Chest pain',
      updatedAt: 30,
      turns: [
        { id: FIRST, seq: 1, previousTurnId: null },
        { id: ON_A, seq: 2, userText: 'SpO2 88%', updatedAt: 10, previousTurnId: FIRST },
        { id: ON_B, seq: 2, userText: 'Lactate 4.1', updatedAt: 11, previousTurnId: FIRST },
      ],
    });
    await t.keep(session);
    await t.signIn();
    expect(rowOf(session.session.id)).toMatchObject({ turnCount: 3, sessionState: 'answered' });
    expect(await state().openStoredSession(session.session.id)).toBe(true);
    expect(state().turnCount).toBe(3);
  });

  it('a question that failed and was sent again is one turn, not a fork; a failure still last says "Failed"', async () => {
    const retried = storedSession(fake, {
      title: 'Retried',
      updatedAt: 30,
      turns: [
        { id: FIRST, seq: 1, previousTurnId: null },
        { id: FAILED, seq: 2, userText: 'CRP 180', status: 'error', updatedAt: 10, previousTurnId: FIRST },
        { id: RETRIED, seq: 2, userText: 'CRP 180', updatedAt: 11, previousTurnId: FIRST },
      ],
    });
    const failed = storedSession(fake, {
      title: 'Failed last',
      updatedAt: 20,
      turns: [
        { seq: 1, previousTurnId: null, id: SIBLING },
        { seq: 2, userText: 'CRP 180', status: 'error', updatedAt: 10, previousTurnId: SIBLING },
      ],
    });
    await t.keep(retried, failed);
    await t.signIn();
    expect(rowOf(retried.session.id)).toMatchObject({ turnCount: 2, sessionState: 'answered' });
    expect(rowOf(failed.session.id)).toMatchObject({ turnCount: 1, sessionState: 'failed' });

    expect(await state().openStoredSession(retried.session.id)).toBe(true);
    expect(state().fork).toBeNull();
    expect(state().turns.map((turn) => turn.status)).toEqual(['complete', 'complete']);
    expect({ turnCount: state().turnCount, sessionState: state().sessionState }).toEqual({ turnCount: 2, sessionState: 'answered' });

    expect(await state().openStoredSession(failed.session.id)).toBe(true);
    expect({ turnCount: state().turnCount, sessionState: state().sessionState }).toEqual({ turnCount: 1, sessionState: 'failed' });
  });

  it('regenerated answers stay in the order asked; the one written last (chosen again) is shown', async () => {
    const session = storedSession(fake, {
      title: 'Chosen',
      updatedAt: 30,
      turns: [
        // The first answer was chosen again after the second: main wrote it again, later.
        { id: FIRST, seq: 1, answerText: 'Answer A', createdAt: 1, updatedAt: 20 },
        { id: SIBLING, seq: 1, answerText: 'Answer B', createdAt: 5, updatedAt: 6, parentTurnId: FIRST },
      ],
    });
    await t.keep(session);
    await t.signIn();
    expect(await state().openStoredSession(session.session.id)).toBe(true);
    const turn = state().turns[0]!;
    expect(turn.answer).toBe('Answer A');
    expect(turn.answers?.map((answer) => answer.answer)).toEqual(['Answer A', 'Answer B']);
    expect(state().turnCount).toBe(1);
  });
});
