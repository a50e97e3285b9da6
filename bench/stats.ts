/**
 * Order statistics for latency samples. Percentiles use the nearest-rank definition on a sorted copy: the value
 * reported is always one that was actually measured, never an interpolation between two runs of different cost.
 */

/**
 * The `p`-th percentile (0 < p ≤ 100) of `samples` by nearest rank: the smallest sample such that at least p % of
 * the samples are ≤ it. Throws on an empty list or a p outside (0, 100], since either would be a bug in the bench.
 */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) throw new RangeError('percentile: no samples.');
  if (!(p > 0 && p <= 100)) throw new RangeError(`percentile: p must be in (0, 100], got ${p}.`);
  const sorted = Float64Array.from(samples).sort();
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[rank - 1] as number;
}

/** Arithmetic mean; NaN for no samples, so an empty series shows up in the table rather than as 0. */
export function mean(samples: readonly number[]): number {
  if (samples.length === 0) return Number.NaN;
  let sum = 0;
  for (const sample of samples) sum += sample;
  return sum / samples.length;
}

/** The smallest sample: the least-disturbed repetition of a deterministic operation. */
export function best(samples: readonly number[]): number {
  if (samples.length === 0) throw new RangeError('best: no samples.');
  let smallest = Number.POSITIVE_INFINITY;
  for (const sample of samples) if (sample < smallest) smallest = sample;
  return smallest;
}
