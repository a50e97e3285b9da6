import { describe, expect, it } from 'vitest';
import { activePath, conversationTree, forkView, type PathTurn } from './conversationPath';

const at = (minute: number): string => `2026-12-01T08:${String(minute).padStart(2, '0')}:00.000Z`;
function turn(id: string, seq: number, minute: number, extra: Partial<PathTurn> = {}): PathTurn {
  return { id, seq, parentTurnId: null, updatedAt: at(minute), ...extra };
}
const ids = (slots: readonly { shown: PathTurn }[]): string[] => slots.map((slot) => slot.shown.id);

describe('the shape of a conversation', () => {
  it('is one line by seq for records sealed before turns said where they continue from', () => {
    const tree = conversationTree([turn('t2', 2, 2), turn('t1', 1, 1), turn('t3', 3, 3)]);
    expect(ids(activePath(tree))).toEqual(['t1', 't2', 't3']);
    expect(forkView(tree).branches).toBeNull();
  });

  it('keeps regenerated answers in the slot of the message they answer, showing the one written last', () => {
    const tree = conversationTree([
      turn('t1', 1, 1, { previousTurnId: null }),
      turn('t2', 2, 2, { previousTurnId: 't1' }),
      turn('t2b', 2, 5, { parentTurnId: 't2', previousTurnId: 't1' }),
      turn('t3', 3, 6, { previousTurnId: 't2b' }),
    ]);
    expect(ids(activePath(tree))).toEqual(['t1', 't2b', 't3']);
    expect(tree.slotOf('t2b')).toBe('t2');
    expect(forkView(tree).branches).toBeNull();
  });

  it('forks where two workstations each went on from the same turn, and goes on along the branch chosen', () => {
    const tree = conversationTree([
      turn('t1', 1, 1, { previousTurnId: null }),
      turn('a2', 2, 3, { previousTurnId: 't1' }),
      turn('b2', 2, 4, { previousTurnId: 't1' }),
      turn('b3', 3, 5, { previousTurnId: 'b2' }),
    ]);
    const view = forkView(tree);
    expect(ids(view.common)).toEqual(['t1']);
    expect(view.branches?.map(ids)).toEqual([['a2'], ['b2', 'b3']]);
    // Not chosen: the most recently used line. Chosen: the shared part and that branch only.
    expect(ids(activePath(tree))).toEqual(['t1', 'b2', 'b3']);
    expect(ids(activePath(tree, 'a2'))).toEqual(['t1', 'a2']);
    expect(ids(activePath(tree, 'b2'))).toEqual(['t1', 'b2', 'b3']);
  });

  it('keeps answers of one message in one slot when a cut history left the first one out', () => {
    const tree = conversationTree([
      turn('t5b', 5, 2, { parentTurnId: 't5', previousTurnId: 't4' }),
      turn('t5c', 5, 3, { parentTurnId: 't5', previousTurnId: 't4' }),
    ]);
    expect(ids(activePath(tree))).toEqual(['t5c']);
    expect(forkView(tree).branches).toBeNull();
  });
});

describe('records sealed before turns said where they continue from', () => {
  it('count every record of one seq as an answer to one message, never as a fork', () => {
    const tree = conversationTree([turn('t1', 1, 1), turn('x2', 2, 2), turn('y2', 2, 4), turn('t3', 3, 5)]);
    expect(ids(activePath(tree))).toEqual(['t1', 'y2', 't3']);
    expect(forkView(tree).branches).toBeNull();
    expect(tree.slots.get(tree.slotOf('y2')!)?.answers.map((answer) => answer.id)).toEqual(['x2', 'y2']);
  });
});

describe('a history with a turn that did not open', () => {
  it('stays one line: the next turn goes on from the nearest one before it', () => {
    const legacy = conversationTree([turn('t1', 1, 1), turn('t3', 3, 3)]);
    expect(ids(activePath(legacy))).toEqual(['t1', 't3']);
    expect(forkView(legacy).branches).toBeNull();
    const named = conversationTree([turn('t1', 1, 1, { previousTurnId: null }), turn('t3', 3, 3, { previousTurnId: 't2' })]);
    expect(ids(activePath(named))).toEqual(['t1', 't3']);
    expect(forkView(named).branches).toBeNull();
  });
});
