import { describe, expect, it } from 'vitest';
import { incompleteNote } from './format';

describe('incompleteNote', () => {
  it('says why an answer ended early, in words when the app locked mid-answer', () => {
    expect(incompleteNote('locked')).toBe('(stopped: the app locked)');
    expect(incompleteNote('cancelled')).toBe('(incomplete: cancelled)');
    expect(incompleteNote('stream_cut')).toBe('(incomplete: stream_cut)');
    expect(incompleteNote(null)).toBe('(incomplete)');
  });
});
