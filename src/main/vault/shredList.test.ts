import { describe, expect, it } from 'vitest';
import { SHRED_LIST_KEEP_DAYS, ShredList, utcDay } from './shredList';

const S1 = '0a1b2c3d-4e5f-4a6b-8c7d-000000000001';
const S2 = '0a1b2c3d-4e5f-4a6b-8c7d-000000000002';

describe('shred list', () => {
  it('records the UTC day of a destruction, whatever the local time zone said', () => {
    expect(utcDay(new Date('2026-11-25T23:30:00-05:00'))).toBe('2026-11-26');
    expect(utcDay(new Date('2026-11-26T00:30:00+02:00'))).toBe('2026-11-25');
    expect(() => utcDay(new Date(Number.NaN))).toThrow(TypeError);
    expect(() => utcDay(new Date('+010000-01-01T00:00:00Z'))).toThrow(TypeError);
  });

  it(`keeps an entry through its ${SHRED_LIST_KEEP_DAYS}th day and prunes it the day after`, () => {
    const list = ShredList.of([{ sessionId: S1, ownerId: 'alice', day: '2026-01-01' }]);
    const lastDay = new Date(Date.parse('2026-01-01T23:59:59.999Z') + SHRED_LIST_KEEP_DAYS * 86_400_000);
    expect(list.prunedAt(lastDay).has(S1)).toBe(true);
    expect(list.prunedAt(new Date(lastDay.getTime() + 1)).has(S1)).toBe(false);
    // A day still ahead (the clock was wrong when it was written) is kept.
    expect(list.prunedAt(new Date('2025-06-01T00:00:00Z')).has(S1)).toBe(true);
  });

  it('keeps the later day of a session listed twice, and never changes the list it was built from', () => {
    const list = ShredList.of([
      { sessionId: S1, ownerId: 'alice', day: '2026-03-01' },
      { sessionId: S1, ownerId: 'alice', day: '2026-01-01' },
    ]);
    expect(list.entries()).toEqual([{ sessionId: S1, ownerId: 'alice', day: '2026-03-01' }]);
    const more = list.with([{ sessionId: S2, ownerId: 'bob', day: '2026-03-02' }]);
    expect(more.size).toBe(2);
    expect(list.has(S2)).toBe(false);
  });
});
