import { describe, expect, it } from 'vitest';
import { TestClock } from '../../../test/support/testClock';
import { silentLogger } from '../core/logger';
import { RetentionScheduler, type RetentionKeys } from './retention';

const DAY = 86_400_000;

/** Keys with their last-turn times; destroy removes them (a failing destroy can be switched on). */
function keyStore(lastTurnAt: Record<string, number>) {
  const keys = new Map(Object.entries(lastTurnAt));
  const store: RetentionKeys & { failNext: boolean; destroyCalls: number } = {
    failNext: false,
    destroyCalls: 0,
    expiredBefore: (cutoff) => [...keys].filter(([, at]) => at <= cutoff).map(([id]) => id),
    oldestLastTurnAt: () => (keys.size ? Math.min(...keys.values()) : null),
    destroy: async (ids) => {
      store.destroyCalls += 1;
      if (store.failNext) {
        store.failNext = false;
        throw new Error('disk error');
      }
      for (const id of ids) keys.delete(id);
    },
  };
  return { store, keys };
}

function setup(lastTurnAt: Record<string, number>, clock = new TestClock(), retentionMs = 7 * DAY) {
  const { store, keys } = keyStore(lastTurnAt);
  const reports: string[] = [];
  const scheduler = new RetentionScheduler(
    store,
    clock,
    { shredded: (count) => reports.push(`shredded ${count}`), clockJump: () => reports.push('clock jump') },
    silentLogger,
    { retentionMs, batchSize: 2, retryMs: 60_000 },
  );
  return { clock, store, keys, reports, scheduler };
}

const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('retention (check 21)', () => {
  it('destroys, at start-up, the keys of sessions whose last turn is past retention, in batches, counting only', async () => {
    const clock = new TestClock();
    const now = clock.now().getTime();
    const { keys, reports, scheduler } = setup({ a: now - 8 * DAY, b: now - 9 * DAY, c: now - 10 * DAY, d: now - 1 * DAY }, clock);
    await scheduler.start();
    expect([...keys.keys()]).toEqual(['d']);
    expect(reports).toEqual(['shredded 2', 'shredded 1']);
  });

  it('keeps one timer aimed at the next expiry and acts exactly then', async () => {
    const clock = new TestClock();
    const now = clock.now().getTime();
    const { keys, scheduler } = setup({ d: now - 1 * DAY }, clock);
    await scheduler.start();
    expect(clock.pendingTimers).toBe(1);
    clock.advance(6 * DAY - 1);
    await settle();
    expect(keys.has('d')).toBe(true);
    clock.advance(1);
    await settle();
    expect(keys.has('d')).toBe(false);
  });

  it('clamps a far expiry to the longest timer Node allows', async () => {
    const clock = new TestClock();
    const { scheduler } = setup({ d: clock.now().getTime() }, clock, 90 * DAY);
    await scheduler.start();
    expect(clock.requestedDelays.at(-1)).toBe(2 ** 31 - 1);
  });

  it('retries after an error', async () => {
    const clock = new TestClock();
    const now = clock.now().getTime();
    const { store, keys, scheduler } = setup({ a: now - 8 * DAY }, clock);
    store.failNext = true;
    await scheduler.start();
    expect(keys.has('a')).toBe(true);
    clock.advance(60_000);
    await settle();
    expect(keys.has('a')).toBe(false);
  });

  it('holds back on a large forward jump of the wall clock, reports it, and acts once the clock is accepted', async () => {
    const clock = new TestClock();
    const now = clock.now().getTime();
    const { keys, reports, scheduler } = setup({ d: now - 1 * DAY }, clock);
    await scheduler.start();
    clock.jumpWallClock(30 * DAY);
    await scheduler.runPass();
    expect(keys.has('d')).toBe(true);
    expect(reports).toEqual(['clock jump']);
    scheduler.acceptClock();
    await scheduler.runPass();
    expect(keys.has('d')).toBe(false);
  });

  it('a real jump (10 h) is reported once and retention carries on for weeks, on the trusted time', async () => {
    const clock = new TestClock();
    const now = clock.now().getTime();
    // A session every day for three weeks, so every day brings one expiry.
    const sessions = Object.fromEntries(Array.from({ length: 21 }, (_, day) => [`s${day}`, now - 6 * DAY + day * DAY]));
    const { keys, reports, scheduler } = setup(sessions, clock);
    await scheduler.start();
    clock.jumpWallClock(10 * 3_600_000);
    // 14 days of the app running after the jump, its timers firing as they come.
    for (let hour = 0; hour < 14 * 24; hour += 1) {
      clock.advance(3_600_000);
      await settle();
    }
    expect(reports.filter((report) => report === 'clock jump')).toHaveLength(1);
    // Everything whose last turn is more than 7 days before the trusted time (the wall clock less the jump) is gone,
    // nothing younger.
    const trustedCutoff = clock.now().getTime() - 10 * 3_600_000 - 7 * DAY;
    expect([...keys.entries()].filter(([, at]) => at <= trustedCutoff)).toEqual([]);
    expect([...keys.entries()].every(([, at]) => at > trustedCutoff)).toBe(true);
    expect(keys.size).toBe(7);
  });

  it('a wall clock set 30 days ahead shreds nothing early, however long it stays wrong', async () => {
    const clock = new TestClock();
    const now = clock.now().getTime();
    const { keys, reports, scheduler } = setup({ yesterday: now - 1 * DAY }, clock);
    await scheduler.start();
    clock.jumpWallClock(30 * DAY);
    for (let minute = 0; minute < 24 * 60; minute += 6) {
      clock.advance(6 * 60_000);
      await scheduler.runPass();
    }
    expect(keys.has('yesterday')).toBe(true);
    expect(reports).toEqual(['clock jump']);
  });

  it('a jump put right again destroys nothing and is reported once', async () => {
    const clock = new TestClock();
    const now = clock.now().getTime();
    const { keys, reports, scheduler } = setup({ d: now - 1 * DAY }, clock);
    await scheduler.start();
    clock.jumpWallClock(30 * DAY);
    await scheduler.runPass();
    clock.jumpWallClock(-30 * DAY);
    clock.advance(60_000);
    await scheduler.runPass();
    expect(keys.has('d')).toBe(true);
    expect(reports).toEqual(['clock jump']);
  });

  it('waking from sleep is not a clock jump: nothing reported, expired keys shredded at once', async () => {
    const clock = new TestClock();
    const now = clock.now().getTime();
    const { keys, reports, scheduler } = setup({ d: now - 6 * DAY }, clock);
    await scheduler.start();
    // Asleep for three days: the wall clock moves on, the monotonic clock does not.
    clock.jumpWallClock(3 * DAY);
    scheduler.systemResumed();
    await settle();
    expect(keys.has('d')).toBe(false);
    expect(reports).toEqual(['shredded 1']);
  });

  it('waking with the wall clock behind the trusted time does not take it: nothing is kept longer by it', async () => {
    const clock = new TestClock();
    const now = clock.now().getTime();
    const { keys, scheduler } = setup({ d: now - 6 * DAY - 23 * 3_600_000 }, clock);
    await scheduler.start();
    clock.jumpWallClock(-5 * DAY);
    scheduler.systemResumed();
    clock.advance(3_600_000);
    await settle();
    expect(keys.has('d')).toBe(false);
  });

  it('stops its timer on dispose', async () => {
    const clock = new TestClock();
    const { scheduler } = setup({ d: clock.now().getTime() }, clock);
    await scheduler.start();
    scheduler.dispose();
    expect(clock.pendingTimers).toBe(0);
  });
});
