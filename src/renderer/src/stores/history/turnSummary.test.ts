import { describe, expect, it } from 'vitest';
import type { Turn } from '../turns';
import type { StoredFork } from './storedSessionView';
import { sessionStateText, summariseRecords, summariseShown, type TurnRecordFacts } from './turnSummary';

const at = (second: number): string => new Date(Date.UTC(2026, 0, 1, 9, 0, second)).toISOString();
const record = (id: string, second: number, status: TurnRecordFacts['status'], parentTurnId: string | null = null): TurnRecordFacts => ({ id, parentTurnId, status, updatedAt: at(second) });
const turn = (key: string, status: Turn['status']): Turn => ({ key, turnId: key, seq: null, kind: 'followUp', message: '', answer: '', status, incompleteReason: null, nextDeltaIndex: 0 });

describe('the sidebar row and the header count and state a session the same way', () => {
  it('a failed follow-up is not a turn, but makes the session "Failed" (row and header alike)', () => {
    const row = summariseRecords([record('t1', 1, 'complete'), record('t2', 2, 'complete'), record('t3', 3, 'error')]);
    const header = summariseShown({ turns: [turn('t1', 'complete'), turn('t2', 'complete')], fork: null, lastSendFailed: true });
    expect(row).toEqual({ turnCount: 2, sessionState: 'failed' });
    expect(header).toEqual(row);
    expect(sessionStateText(row.sessionState)).toBe('Failed');
  });

  it('a failed question sent again counts once, and the session is answered again', () => {
    expect(summariseRecords([record('t1', 1, 'complete'), record('t2', 2, 'error'), record('t3', 3, 'complete')])).toEqual({ turnCount: 2, sessionState: 'answered' });
  });

  it('a stopped answer is "Stopped (incomplete)", not "Answered"', () => {
    const row = summariseRecords([record('t1', 1, 'incomplete')]);
    expect(row).toEqual({ turnCount: 1, sessionState: 'stopped' });
    expect(summariseShown({ turns: [turn('t1', 'incomplete')], fork: null, lastSendFailed: false })).toEqual(row);
    expect(sessionStateText('stopped')).toBe('Stopped (incomplete)');
  });

  it('the question being answered counts at once; stored, not yet answered, it is "Unanswered"', () => {
    expect(summariseShown({ turns: [turn('t1', 'streaming')], fork: null, lastSendFailed: false })).toEqual({ turnCount: 1, sessionState: 'answering' });
    expect(summariseRecords([record('t1', 1, 'pending')])).toEqual({ turnCount: 1, sessionState: 'unanswered' });
  });

  it('regenerated answers are one turn; the state is that of the answer written last (the one chosen)', () => {
    const records = [record('t1', 1, 'complete'), record('t2', 2, 'incomplete'), record('t2b', 3, 'complete', 't2'), record('t2c', 4, 'complete', 't2b')];
    expect(summariseRecords(records)).toEqual({ turnCount: 2, sessionState: 'answered' });
    // The stopped one chosen again (main writes it again, so it is the newest).
    expect(summariseRecords([...records.slice(0, 1), record('t2', 5, 'incomplete'), ...records.slice(2)])).toEqual({ turnCount: 2, sessionState: 'stopped' });
  });

  it('a forked session counts its distinct questions, every branch included — not its positions', () => {
    // One shared question, then each workstation asked its own second question (both seq 2).
    const records = [record('shared', 1, 'complete'), record('a2', 2, 'complete'), record('b2', 3, 'complete')];
    expect(summariseRecords(records)).toEqual({ turnCount: 3, sessionState: 'answered' });
    const shared = turn('shared', 'complete');
    const a2 = turn('a2', 'complete');
    const b2 = turn('b2', 'complete');
    const fork: StoredFork = { commonCount: 1, chosen: null, branches: [{ label: 'A', lastTurnId: 'a2', turns: [a2] }, { label: 'B', lastTurnId: 'b2', turns: [b2] }] };
    expect(summariseShown({ turns: [shared, b2], fork, lastSendFailed: false })).toEqual({ turnCount: 3, sessionState: 'answered' });
  });

  it('no question yet: no turns, no state', () => {
    expect(summariseRecords([])).toEqual({ turnCount: 0, sessionState: null });
  });
});
