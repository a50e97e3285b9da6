import { describe, expect, it } from 'vitest';
import { UnlockThrottle, unlockFailureDelayMs } from './unlockThrottle';

describe('unlock failure delay', () => {
  it('doubles from 250 ms and stops at 30 s', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8, 9, 1_000].map(unlockFailureDelayMs)).toEqual([250, 500, 1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000, 30_000]);
  });

  it('counts per profile and forgets on reset', () => {
    const throttle = new UnlockThrottle();
    throttle.recordFailure('a');
    expect(throttle.recordFailure('a')).toEqual({ failures: 2, delayMs: 500 });
    expect(throttle.recordFailure('b')).toEqual({ failures: 1, delayMs: 250 });
    throttle.reset('a');
    expect(throttle.recordFailure('a')).toEqual({ failures: 1, delayMs: 250 });
  });
});
