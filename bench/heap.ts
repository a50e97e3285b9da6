/**
 * Heap measurement: the growth of `heapUsed` across building something, with full collections before and after
 * so only what the built thing keeps alive is counted. Needs `node --expose-gc` (the `bench` script passes it).
 */

/** Runs two full collections (the second finalises what the first freed) and returns the heap in use. */
export function heapUsedAfterGc(): number {
  const gc = globalThis.gc;
  if (!gc) throw new Error('The memory benchmarks need `node --expose-gc` (use `npm run bench`).');
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

/** Collects garbage when the flag allows it; a no-op otherwise (used only to separate phases). */
export function collectGarbage(): void {
  globalThis.gc?.();
}

/**
 * Builds something and reports how many heap bytes it keeps alive. The caller must keep the returned value
 * reachable (it is returned for that reason), or the second measurement would not see it.
 */
export async function measureHeapGrowth<T>(build: () => Promise<T>): Promise<{ value: T; bytes: number }> {
  const before = heapUsedAfterGc();
  const value = await build();
  const after = heapUsedAfterGc();
  return { value, bytes: after - before };
}
