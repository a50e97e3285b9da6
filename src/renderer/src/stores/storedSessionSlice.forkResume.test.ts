// @vitest-environment node
/**
 * Hostile review (issue 11, sync): a live view that a pulled continuation forks stays on this workstation's line and
 * says the next follow-up goes on from it — but the pull also sent main's live copy out of memory
 * (services.ts continuedElsewhere; since issue 11 a merged session record alone does it too, with no SESSION_BUSY).
 * The follow-up then meets SESSION_NOT_FOUND and the page resumes with branchTurnId null unless the clinician had
 * *chosen* a branch (sessionSlice.ts resumeFromHistory), so main rebuilds along the most recently used line — the
 * other workstation's — and the prompt lacks the turns this clinician sees.
 */
import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { AppStore } from './createAppStore';
import { createHistoryTest, type HistoryTest } from './testing/historyTest';
import { failure, type FakeApi } from './testing/fakeApi';
import { storedSession } from './testing/storedSessions';

const FIRST = '11111111-1111-4111-8111-111111111111';
const ON_A = 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa';
const ON_B = 'bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb';

let t: HistoryTest;
let fake: FakeApi;
let store: AppStore;

beforeEach(() => {
  t = createHistoryTest({ historyRefreshDelayMs: 5, indexHistory: false });
  ({ fake, store } = t);
});
afterEach(() => t.dispose());

const state = () => store.getState();

describe('a live session forked by a pull, then resumed to send a follow-up', () => {
  it('is rebuilt along the line the page shows, not the other workstation’s', async () => {
    const session = storedSession(fake, {
      title: 'Chest pain',
      updatedAt: 10,
      turns: [
        { id: FIRST, seq: 1, answerText: 'ECG and troponin', previousTurnId: null, workstationLabel: 'Triage 1' },
        { id: ON_A, seq: 2, userText: 'SpO2 88% on air', answerText: 'Oxygen', updatedAt: 10, previousTurnId: FIRST, workstationLabel: 'Triage 1' },
      ],
    });
    await t.keep(session);
    await t.signIn();
    await state().openStoredSession(session.session.id, 'live');
    const fromB = storedSession(fake, {
      title: 'Chest pain',
      sessionId: session.session.id,
      updatedAt: 20,
      turns: [{ id: ON_B, seq: 2, userText: 'Lactate 4.1', answerText: 'Fluids', updatedAt: 20, previousTurnId: FIRST, workstationLabel: 'Exam room 2' }],
    });
    await t.keep({ ...fromB, all: fromB.turns });
    fake.emitRecord(...fromB.turns);
    await vi.waitFor(() => expect(state().fork?.branches).toHaveLength(2));
    expect(state().turns.map((turn) => turn.turnId)).toEqual([FIRST, ON_A]);

    // The pull sent main's live copy out of memory: the follow-up finds it gone and the page resumes.
    state().setFollowUpDraft('Repeat troponin?');
    void state().sendFollowUp();
    fake.generateCalls[0]!.resolve(failure('SESSION_NOT_FOUND', 'This session is not in memory.'));
    await vi.waitFor(() => expect(fake.resumeCalls.length).toBeGreaterThan(0));
    expect(fake.resumeCalls.at(-1)).toMatchObject({ branchTurnId: ON_A });
  });
});
