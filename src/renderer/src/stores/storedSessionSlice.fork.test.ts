// @vitest-environment node
import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { AppStore } from './createAppStore';
import { createHistoryTest, type HistoryTest } from './testing/historyTest';
import type { FakeApi } from './testing/fakeApi';
import { storedSession } from './testing/storedSessions';

const FIRST = '11111111-1111-4111-8111-111111111111';
const ON_A = 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa';
const ON_B = 'bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb';
const ON_B_LATER = 'bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbb2';

let t: HistoryTest;
let fake: FakeApi;
let store: AppStore;

beforeEach(() => {
  t = createHistoryTest({ historyRefreshDelayMs: 5, indexHistory: false });
  ({ fake, store } = t);
});
afterEach(() => t.dispose());

const state = () => store.getState();

/** A session continued offline on two workstations after its first turn: A asked once, B twice (B's last is newer). */
function forkedSession() {
  return storedSession(fake, {
    title: 'Chest pain',
    updatedAt: 30,
    turns: [
      { id: FIRST, seq: 1, answerText: 'ECG and troponin', previousTurnId: null, workstationLabel: 'Triage 1' },
      { id: ON_A, seq: 2, userText: 'SpO2 88% on air', answerText: 'Oxygen', updatedAt: 10, previousTurnId: FIRST, workstationLabel: 'Triage 1' },
      { id: ON_B, seq: 2, userText: 'Lactate 4.1', answerText: 'Fluids', updatedAt: 11, previousTurnId: FIRST, workstationLabel: 'Exam room 2' },
      { id: ON_B_LATER, seq: 3, userText: 'BP 85/50', answerText: 'Norepinephrine', updatedAt: 12, previousTurnId: ON_B, workstationLabel: 'Exam room 2' },
    ],
  });
}

describe('a session continued on two workstations', () => {
  it('shows the shared part once, then both continuations labelled by workstation, with nothing chosen yet', async () => {
    const session = forkedSession();
    await t.keep(session);
    await t.signIn();
    expect(await state().openStoredSession(session.session.id)).toBe(true);

    const fork = state().fork!;
    expect(fork.commonCount).toBe(1);
    expect(fork.chosen).toBeNull();
    expect(fork.branches.map((branch) => [branch.label, branch.lastTurnId, branch.turns.map((turn) => turn.message)])).toEqual([
      ['Triage 1', ON_A, ['SpO2 88% on air']],
      ['Exam room 2', ON_B_LATER, ['Lactate 4.1', 'BP 85/50']],
    ]);
    // Neither continuation is shown as an answer to the other's message.
    expect(state().turns.map((turn) => turn.answers)).toEqual([undefined, undefined, undefined]);
  });

  it('goes on from the branch chosen: main rebuilds its session along it, the other stays, collapsed', async () => {
    const session = forkedSession();
    await t.keep(session);
    await t.signIn();
    await state().openStoredSession(session.session.id);

    expect(await state().goOnFromBranch(0)).toBe(true);

    expect(fake.resumeCalls.at(-1)).toMatchObject({ branchTurnId: ON_A });
    expect(state().sessionMode).toBe('live');
    expect(state().fork?.chosen).toBe(0);
    expect(state().turns.map((turn) => turn.message).slice(1)).toEqual(['SpO2 88% on air']);
    expect(state().fork?.branches[1]?.turns).toHaveLength(2);
  });

  it('a view open on the session shows a turn another workstation added, without reopening it', async () => {
    const session = storedSession(fake, {
      title: 'Chest pain',
      updatedAt: 10,
      turns: [{ id: FIRST, seq: 1, answerText: 'ECG and troponin', previousTurnId: null }],
    });
    await t.keep(session);
    await t.signIn();
    await state().openStoredSession(session.session.id, 'live');
    state().setFollowUpDraft('half-typed');

    const fromB = storedSession(fake, {
      title: 'Chest pain',
      sessionId: session.session.id,
      updatedAt: 20,
      turns: [{ id: ON_B, seq: 2, userText: 'Lactate 4.1', answerText: 'Fluids', updatedAt: 20, previousTurnId: FIRST, workstationLabel: 'Exam room 2' }],
    });
    await t.keep({ ...fromB, all: fromB.turns });
    fake.emitRecord(...fromB.turns);

    await vi.waitFor(() => expect(state().turns.map((turn) => turn.message).slice(1)).toEqual(['Lactate 4.1']));
    expect(state().sessionMode).toBe('live');
    expect(state().followUpDraft).toBe('half-typed');
  });

  it('a live view that a pulled continuation forks stays on the line main goes on along, the newer one shown beside it', async () => {
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

    // B's continuation, asked later (so the most recently used line), arrives through sync.
    const fromB = storedSession(fake, {
      title: 'Chest pain',
      sessionId: session.session.id,
      updatedAt: 20,
      turns: [{ id: ON_B, seq: 2, userText: 'Lactate 4.1', answerText: 'Fluids', updatedAt: 20, previousTurnId: FIRST, workstationLabel: 'Exam room 2' }],
    });
    await t.keep({ ...fromB, all: fromB.turns });
    fake.emitRecord(...fromB.turns);

    await vi.waitFor(() => expect(state().fork?.branches).toHaveLength(2));
    // What the page shows as going on is what main tells the model: A's own follow-up, not B's — and not as a
    // choice the clinician made (the page says where the next follow-up goes on, and offers "Go on from here").
    expect(state().turns.map((turn) => turn.message).slice(1)).toEqual(['SpO2 88% on air']);
    expect(state().fork?.chosen).toBeNull();
    expect(state().fork?.branches[1]?.turns.map((turn) => turn.message)).toEqual(['Lactate 4.1']);
    expect(state().sessionMode).toBe('live');
  });
});
