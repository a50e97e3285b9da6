import { describe, expect, it } from 'vitest';
import type { HistoryEntry } from './historyEntry';
import { noFailures, type OpenFailureVerdict } from './openFailures';
import { markEntries, nextProblems } from './sessionProblems';

const verdict = (change: Partial<OpenFailureVerdict>): OpenFailureVerdict => ({ ...noFailures(), ...change });
const entry = (sessionId: string): HistoryEntry => ({
  sessionId,
  createdAt: '2026-01-01T08:00:00.000Z',
  updatedAt: '2026-01-01T08:00:00.000Z',
  status: 'complete',
  title: null,
  turnCount: 1,
  sessionState: 'answered',
  patientLine: null,
  problem: null,
});

describe('nextProblems', () => {
  it('adds sessions as main refuses them, drops shredded ones, and forgets a missing key once a record opens', () => {
    let problems = nextProblems({ keyMissing: [], rolledBack: [] }, verdict({ keyMissing: new Set(['a', 'b']), rolledBack: new Set(['c']) }));
    expect(problems).toEqual({ keyMissing: ['a', 'b'], rolledBack: ['c'] });
    problems = nextProblems(problems, verdict({ shredded: new Set(['b']) }), { opened: ['a'] });
    expect(problems).toEqual({ keyMissing: [], rolledBack: ['c'] });
    // Opening a record proves the key, not the history: the rollback mark stays until the session is read whole.
    problems = nextProblems(problems, noFailures(), { opened: ['c'] });
    expect(problems.rolledBack).toEqual(['c']);
    expect(nextProblems(problems, noFailures(), { intact: ['c'] }).rolledBack).toEqual([]);
  });
});

describe('markEntries', () => {
  it('marks each entry with its problem (a missing key first) and leaves shredded sessions out', () => {
    const marked = markEntries([entry('a'), entry('b'), entry('c'), entry('d')], { keyMissing: ['a', 'c'], rolledBack: ['b', 'c'] }, new Set(['d']));
    expect(marked.map((each) => [each.sessionId, each.problem])).toEqual([
      ['a', 'key-missing'],
      ['b', 'rolled-back'],
      ['c', 'key-missing'],
    ]);
  });
});
