import { afterEach, describe, expect, it, vi } from 'vitest';
import { channelOf } from '../../src/shared/channels';
import type { SealedRecord } from '../../src/shared/vault';
import { DeliveryClock } from './deliveryClock';

const RECORD = channelOf('vault.record');

/** Only what the clock reads of a record: its id and version counter. */
const record = (id: string, rv: number) => ({ id, v: 2, rv }) as unknown as SealedRecord;

afterEach(() => vi.useRealTimers());

describe('DeliveryClock (when the page was handed a record version)', () => {
  it('answers when the awaited version — not an older one — reached the page', async () => {
    const clock = new DeliveryClock();
    let resolvedAt: number | null = null;
    const waiting = clock.until('turn-1', 2, 10_000).then((at) => (resolvedAt = at));
    clock.sendTo('1', RECORD, { records: [record('turn-1', 1)] });
    await Promise.resolve();
    expect(resolvedAt).toBeNull();
    const before = performance.now();
    clock.sendTo('1', RECORD, { records: [record('other', 1), record('turn-1', 2)] });
    await waiting;
    expect(resolvedAt).toBeGreaterThanOrEqual(before);
    expect(clock.delivered.get('turn-1')?.version).toBe(2);
  });

  it('answers at once, with the first delivery time, for a version already delivered (or a newer one)', async () => {
    const clock = new DeliveryClock();
    clock.sendTo('1', RECORD, { records: [record('turn-1', 3)] });
    const first = clock.delivered.get('turn-1')?.at;
    clock.sendTo('1', RECORD, { records: [record('turn-1', 3)] });
    expect(await clock.until('turn-1', 2, 10_000)).toBe(first);
  });

  it('keeps deliveries only when asked, and never the transport log of records', () => {
    const clock = new DeliveryClock();
    clock.sendTo('1', RECORD, { records: [record('a', 1)] });
    clock.kept = [];
    clock.sendTo('1', RECORD, { records: [record('b', 1), record('c', 1)] });
    expect(clock.kept.map((records) => records.map((one) => one.id))).toEqual([['b', 'c']]);
    expect(clock.sent).toEqual([]);
  });

  it('fails a wait that outlives its timeout, so a lost record stops the benchmark instead of hanging it', async () => {
    vi.useFakeTimers();
    const clock = new DeliveryClock();
    const waiting = clock.until('never', 1, 5_000);
    vi.advanceTimersByTime(5_000);
    await expect(waiting).rejects.toThrow('not delivered within 5000 ms');
  });
});
