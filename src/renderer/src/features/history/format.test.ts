import { describe, expect, it } from 'vitest';
import { KEY_NOT_HERE_ROW, ROLLED_BACK_ROW, rolledBackText, sessionProblemLines, sessionProblemText } from './format';

describe('the sessions list’s wording for sessions that cannot be shown as they should', () => {
  it('puts a plain sentence under each such row', () => {
    expect(sessionProblemText('key-missing')).toBe(KEY_NOT_HERE_ROW);
    expect(KEY_NOT_HERE_ROW).toBe('Cannot be opened here: its key is not on this workstation.');
    expect(sessionProblemText('rolled-back')).toBe(ROLLED_BACK_ROW);
  });

  it('counts them under the list, saying nothing was deleted and that the key may come back', () => {
    expect(sessionProblemLines({ keyMissing: [], rolledBack: [] })).toEqual([]);
    expect(sessionProblemLines({ keyMissing: ['a'], rolledBack: [] })).toEqual([
      '1 session cannot be opened on this workstation: its key is not here. Nothing was deleted — the key may arrive later, or IT can restore it.',
    ]);
    const lines = sessionProblemLines({ keyMissing: ['a', 'b', 'c'], rolledBack: ['d', 'e'] });
    expect(lines[0]).toMatch(/^3 sessions cannot be opened on this workstation: their keys are not here\./);
    expect(lines[1]).toMatch(/^2 sessions have an integrity warning: part of the stored history is an older copy than the app last saved/);
  });

  it('warns over a shown session with rolled-back records', () => {
    expect(rolledBackText(1)).toMatch(/^Integrity warning: 1 record of this session is older than the app last saved/);
    expect(rolledBackText(2)).toMatch(/^Integrity warning: 2 records of this session are older/);
  });
});
