import { describe, expect, it } from 'vitest';
import { TestClock } from '../../../test/support/testClock';
import { AppError } from '../../shared/errors';
import { ModelRequestLimiter } from './modelRequestLimiter';
import { TurnQueue } from './turnQueue';

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('TurnQueue (check 13)', () => {
  it('runs turns one at a time, in arrival order', async () => {
    const queue = new TurnQueue(new TestClock());
    const order: string[] = [];
    const run = async (name: string): Promise<void> => {
      const release = await queue.acquire(10_000);
      order.push(`${name} start`);
      await tick();
      order.push(`${name} end`);
      release();
    };
    await Promise.all([run('a'), run('b'), run('c')]);
    expect(order).toEqual(['a start', 'a end', 'b start', 'b end', 'c start', 'c end']);
    expect(queue.busy).toBe(false);
  });

  it('answers SESSION_BUSY to a waiter past its bound, and the next waiter still gets the lock', async () => {
    const clock = new TestClock();
    const queue = new TurnQueue(clock);
    const release = await queue.acquire(0);
    const impatient = queue.acquire(1_000);
    const patient = queue.acquire(5_000);
    clock.advance(1_000);
    await expect(impatient).rejects.toMatchObject({ code: 'SESSION_BUSY' });
    expect(queue.waiting).toBe(1);
    release();
    const next = await patient;
    expect(queue.busy).toBe(true);
    next();
    expect(queue.busy).toBe(false);
  });

  it('ignores a second release', async () => {
    const queue = new TurnQueue(new TestClock());
    const release = await queue.acquire(0);
    const waiting = queue.acquire(1_000);
    release();
    release();
    const second = await waiting;
    expect(queue.busy).toBe(true);
    second();
  });
});

describe('ModelRequestLimiter (check 13)', () => {
  it('lets `limit` requests run and queues the rest first come, first served', async () => {
    const limiter = new ModelRequestLimiter(2);
    const a = await limiter.acquire();
    const b = await limiter.acquire();
    const granted: string[] = [];
    const c = limiter.acquire().then((release) => (granted.push('c'), release));
    const d = limiter.acquire().then((release) => (granted.push('d'), release));
    await tick();
    expect(granted).toEqual([]);
    expect(limiter.queued).toBe(2);
    a();
    (await c)();
    b();
    (await d)();
    expect(granted).toEqual(['c', 'd']);
    expect(limiter.inFlight).toBe(0);
  });

  it('drops a waiter whose turn was stopped, without losing a slot', async () => {
    const limiter = new ModelRequestLimiter(1);
    const held = await limiter.acquire();
    const stop = new AbortController();
    const waiting = limiter.acquire(stop.signal);
    stop.abort(new AppError('INTERNAL', 'stopped'));
    await expect(waiting).rejects.toMatchObject({ message: 'stopped' });
    expect(limiter.queued).toBe(0);
    held();
    const again = await limiter.acquire();
    expect(limiter.inFlight).toBe(1);
    again();
  });
});
