import { describe, expect, it } from 'vitest';
import { inRange } from './inRange';

describe('inRange', () => {
  it('includes since, excludes until, and is open where a bound is missing', () => {
    const range = { since: '2026-01-01T00:00:00.000Z', until: '2026-01-02T00:00:00.000Z' };
    expect(inRange('2026-01-01T00:00:00.000Z', range)).toBe(true);
    expect(inRange('2026-01-02T00:00:00.000Z', range)).toBe(false);
    expect(inRange('2025-12-31T23:59:59.999Z', range)).toBe(false);
    expect(inRange('1999-01-01T00:00:00.000Z', {})).toBe(true);
  });
});
