import { describe, expect, it } from 'vitest';
import { TestClock } from '../../../test/support/testClock';
import { parseRetryAfterMs } from './llmErrors';
import { cryptoRandom, DEFAULT_RETRY_POLICY, retryDelayMs } from './retryPolicy';
import { clockSleep, sleepUnlessAborted } from './retrySleep';

describe('retryDelayMs', () => {
  it('doubles from 500 ms with equal jitter: always between half the step and the step', () => {
    expect([0, 1, 2, 3].map((attempt) => retryDelayMs(attempt, null, () => 0))).toEqual([250, 500, 1_000, 2_000]);
    expect([0, 1, 2, 3].map((attempt) => retryDelayMs(attempt, null, () => 0.5))).toEqual([375, 750, 1_500, 3_000]);
    expect(retryDelayMs(0, null, () => 0.999_999)).toBe(500);
  });

  it('grows from one retry to the next whatever the jitter', () => {
    for (const first of [0, 0.3, 0.99]) {
      for (const second of [0, 0.3, 0.99]) {
        expect(retryDelayMs(1, null, () => second)).toBeGreaterThanOrEqual(retryDelayMs(0, null, () => first) ?? Infinity);
      }
    }
  });

  it('is capped at 8 s', () => {
    expect(retryDelayMs(10, null, () => 0.999_999)).toBe(DEFAULT_RETRY_POLICY.maxDelayMs);
    expect(retryDelayMs(60, null, () => 0)).toBe(DEFAULT_RETRY_POLICY.maxDelayMs / 2);
  });

  it('uses Retry-After as given, up to 30 s, and gives up beyond it', () => {
    expect(retryDelayMs(0, 2_000, () => 0.5)).toBe(2_000);
    expect(retryDelayMs(3, 0, () => 0.5)).toBe(0);
    expect(retryDelayMs(0, 30_000, () => 0.5)).toBe(30_000);
    expect(retryDelayMs(0, 30_001, () => 0.5)).toBeNull();
  });

  it('crypto randomness stays in [0, 1)', () => {
    for (let index = 0; index < 1_000; index += 1) {
      const value = cryptoRandom();
      expect(value).toBeGreaterThanOrEqual(0);
      expect(value).toBeLessThan(1);
    }
  });
});

describe('parseRetryAfterMs', () => {
  const now = (): number => Date.parse('2026-11-25T09:00:00.000Z');

  it('reads seconds, an HTTP date, and retry-after-ms (preferred)', () => {
    expect(parseRetryAfterMs(new Headers({ 'retry-after': '2' }), now)).toBe(2_000);
    expect(parseRetryAfterMs(new Headers({ 'retry-after': '0.5' }), now)).toBe(500);
    expect(parseRetryAfterMs(new Headers({ 'retry-after': 'Wed, 25 Nov 2026 09:00:07 GMT' }), now)).toBe(7_000);
    expect(parseRetryAfterMs(new Headers({ 'retry-after': '2', 'retry-after-ms': '1250' }), now)).toBe(1_250);
  });

  it('is null when absent or unreadable, and never negative', () => {
    expect(parseRetryAfterMs(undefined, now)).toBeNull();
    expect(parseRetryAfterMs(new Headers(), now)).toBeNull();
    expect(parseRetryAfterMs(new Headers({ 'retry-after': 'soon' }), now)).toBeNull();
    expect(parseRetryAfterMs(new Headers({ 'retry-after': 'Wed, 25 Nov 2026 08:59:00 GMT' }), now)).toBe(0);
    expect(parseRetryAfterMs(new Headers({ 'retry-after': '-3' }), now)).toBe(0);
    expect(parseRetryAfterMs(new Headers({ 'retry-after-ms': 'x', 'retry-after': '1' }), now)).toBe(1_000);
  });
});

describe('sleepUnlessAborted', () => {
  it('waits on the clock and says the wait ran its course', async () => {
    const clock = new TestClock();
    const waiting = sleepUnlessAborted(clockSleep(clock), 1_000, new AbortController().signal);
    expect(clock.requestedDelays).toEqual([1_000]);
    clock.advance(1_000);
    expect(await waiting).toBe(true);
  });

  it('ends at once on abort, and frees the clock timer', async () => {
    const clock = new TestClock();
    const abort = new AbortController();
    const waiting = sleepUnlessAborted(clockSleep(clock), 1_000, abort.signal);
    abort.abort();
    expect(await waiting).toBe(false);
    expect(clock.pendingTimers).toBe(0);
    expect(await sleepUnlessAborted(clockSleep(clock), 1_000, abort.signal)).toBe(false);
  });
});
