import { describe, expect, it } from 'vitest';
import { browserPlanFor, fullStoreCaveat, scaledDownLines } from './browserPlans';

describe('browser suite workloads', () => {
  it('--full is the workload the goals were written for: 10,000 sessions × 10 turns, the indexing pass timed 5× after a warm-up', () => {
    const { store, ui } = browserPlanFor('full');
    expect(store).toMatchObject({ sessions: 10_000, turnsPerSession: 10, searchIndexRepetitions: 5, searchIndexWarmup: 1, retentionKeys: 10_000 });
    expect(ui).toMatchObject({ firstPaintRepetitions: 10, streams: 3 });
    expect(scaledDownLines('full')).toEqual([]);
    expect(fullStoreCaveat('full', 10_000)).toBe('');
  });

  it('the default run keeps every step on a smaller store, times one indexing pass, and lists each cut against --full', () => {
    const { store, ui } = browserPlanFor('default');
    expect(store.sessions).toBeGreaterThanOrEqual(1_000);
    expect(store.sessions).toBeLessThan(browserPlanFor('full').store.sessions);
    expect(store.searchIndexRepetitions + store.searchIndexWarmup).toBeLessThanOrEqual(2);
    // Every step still measures something: no count cut to zero but the indexing pass's own warm-up.
    const { searchIndexWarmup, ...counts } = store;
    expect(searchIndexWarmup).toBe(0);
    for (const value of [...Object.values(counts), ...Object.values(ui)]) expect(value).toBeGreaterThan(0);
    const lines = scaledDownLines('default');
    expect(lines).toContain(`sessions in the store ${store.sessions.toLocaleString('en-US')} (--full: 10,000)`);
    expect(lines.some((line) => line.startsWith("timed indexing passes (the app's, over the whole store) 1 (--full: 5)"))).toBe(true);
  });

  it('a figure whose goal is defined on 10,000 sessions says what the run measured and that --full measures 10,000', () => {
    expect(fullStoreCaveat('default', 1_000)).toBe(
      ' The goal is defined on 10,000 sessions (100,000 turns): this default run measured 1,000; `npm run bench -- --full` measures 10,000.',
    );
    expect(fullStoreCaveat('quick', 500)).toMatch(/this --quick smoke run measured 500;/);
  });

  it('--quick is a smoke run on a smaller store than the default, and still takes the warm-up pass --full takes', () => {
    const quick = browserPlanFor('quick').store;
    expect(quick.sessions).toBeLessThan(browserPlanFor('default').store.sessions);
    expect(quick.searchIndexWarmup).toBeGreaterThan(0);
    expect(quick.searchIndexRepetitions + quick.searchIndexWarmup).toBeLessThanOrEqual(2);
  });
});
