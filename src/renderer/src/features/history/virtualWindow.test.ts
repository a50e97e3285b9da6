import { describe, expect, it } from 'vitest';
import { nearEnd, scrollTopToReveal, visibleRange } from './virtualWindow';

const ROW = 64;

describe('visibleRange', () => {
  it('renders only the rows in view plus the overscan, however long the list', () => {
    const range = visibleRange({ scrollTop: 0, viewportHeight: 640, rowHeight: ROW, count: 10_000, overscan: 6 });
    expect(range).toEqual({ start: 0, end: 16 });
    const deep = visibleRange({ scrollTop: 5_000 * ROW + 10, viewportHeight: 640, rowHeight: ROW, count: 10_000, overscan: 6 });
    expect(deep).toEqual({ start: 4_994, end: 5_017 });
    expect(deep.end - deep.start).toBeLessThan(30);
  });

  it('stops at the end of the list, and copes with an empty or overscrolled one', () => {
    expect(visibleRange({ scrollTop: 9_990 * ROW, viewportHeight: 640, rowHeight: ROW, count: 10_000, overscan: 6 })).toEqual({ start: 9_984, end: 10_000 });
    expect(visibleRange({ scrollTop: 0, viewportHeight: 640, rowHeight: ROW, count: 0, overscan: 6 })).toEqual({ start: 0, end: 0 });
    expect(visibleRange({ scrollTop: 1e9, viewportHeight: 640, rowHeight: ROW, count: 3, overscan: 6 })).toEqual({ start: 3, end: 3 });
    expect(visibleRange({ scrollTop: -50, viewportHeight: 640, rowHeight: ROW, count: 3, overscan: 6 })).toEqual({ start: 0, end: 3 });
  });
});

describe('scrollTopToReveal', () => {
  it('moves as little as needed to bring a row fully into view', () => {
    expect(scrollTopToReveal(5, ROW, 0, 640)).toBe(0);
    expect(scrollTopToReveal(10, ROW, 0, 640)).toBe(11 * ROW - 640);
    expect(scrollTopToReveal(2, ROW, 10 * ROW, 640)).toBe(2 * ROW);
  });
});

describe('nearEnd', () => {
  it('is true once the rendered rows reach the last few', () => {
    expect(nearEnd({ start: 0, end: 16 }, 50, 6)).toBe(false);
    expect(nearEnd({ start: 30, end: 44 }, 50, 6)).toBe(true);
    expect(nearEnd({ start: 0, end: 0 }, 0, 6)).toBe(true);
  });
});
