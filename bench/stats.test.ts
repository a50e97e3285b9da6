import { describe, expect, it } from 'vitest';
import { best, mean, percentile } from './stats';

describe('percentile', () => {
  it('uses the nearest rank, so it always returns a measured sample', () => {
    const samples = [15, 20, 35, 40, 50];
    expect(percentile(samples, 5)).toBe(15);
    expect(percentile(samples, 30)).toBe(20);
    expect(percentile(samples, 40)).toBe(20);
    expect(percentile(samples, 50)).toBe(35);
    expect(percentile(samples, 100)).toBe(50);
  });

  it('sorts numerically and leaves the input untouched', () => {
    const samples = [10, 9, 100, 1];
    expect(percentile(samples, 50)).toBe(9);
    expect(percentile(samples, 99)).toBe(100);
    expect(samples).toEqual([10, 9, 100, 1]);
  });

  it('picks the 99th of 100 samples and handles one sample', () => {
    const hundred = Array.from({ length: 100 }, (_, index) => 100 - index);
    expect(percentile(hundred, 99)).toBe(99);
    expect(percentile(hundred, 50)).toBe(50);
    expect(percentile([7], 1)).toBe(7);
  });

  it('refuses an empty series and a p outside (0, 100]', () => {
    expect(() => percentile([], 50)).toThrow(RangeError);
    expect(() => percentile([1], 0)).toThrow(RangeError);
    expect(() => percentile([1], 101)).toThrow(RangeError);
  });
});

describe('mean and best', () => {
  it('average and minimum', () => {
    expect(mean([1, 2, 3, 6])).toBe(3);
    expect(Number.isNaN(mean([]))).toBe(true);
    expect(best([3, 1, 2])).toBe(1);
  });
});
