/**
 * Seeded randomness for the benchmark workload. `Math.random` is banned by lint (and would make runs
 * incomparable): every random choice here comes from a 32-bit seed, so two runs build byte-identical sessions.
 */

/** A source of numbers in [0, 1). */
export type Random = () => number;

/**
 * mulberry32: a tiny, fast 32-bit PRNG with good enough statistics for picking words and lengths. Not for
 * anything secret; the app's ids use crypto randomness.
 */
export function mulberry32(seed: number): Random {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/**
 * Derives an independent seed for item `index` of a stream, so each session's text can be regenerated on its
 * own (the memory measurement rebuilds the same texts for LangChain without keeping a copy alive).
 */
export function deriveSeed(seed: number, index: number): number {
  // One round of a 32-bit integer hash (from the "lowbias32" family) over the mixed pair.
  let x = (seed ^ Math.imul(index + 1, 0x9e3779b1)) >>> 0;
  x ^= x >>> 16;
  x = Math.imul(x, 0x7feb352d);
  x ^= x >>> 15;
  x = Math.imul(x, 0x846ca68b);
  x ^= x >>> 16;
  return x >>> 0;
}

/** An integer in [min, max], inclusive. */
export function intBetween(random: Random, min: number, max: number): number {
  return min + Math.floor(random() * (max - min + 1));
}

/** One element of a non-empty list. */
export function pick<T>(random: Random, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)] as T;
}
