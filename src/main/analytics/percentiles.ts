/** The median of `sorted` (ascending, non-empty): the middle value, or the mean of the two middle ones. */
export function median(sorted: readonly number[]): number {
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] as number) : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

/**
 * The `p`-th percentile of `sorted` (ascending, non-empty) by the nearest-rank method: a value that was actually
 * observed, so "p95 inference time" is the time of a real turn, never an interpolation between two.
 */
export function nearestRank(sorted: readonly number[], p: number): number {
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1] as number;
}
