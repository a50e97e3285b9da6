/**
 * How `bench/run.ts` takes the browser suite: the command-line switches and where its results go.
 *
 * - `npm run bench`: the engine suite, then the browser suite; writes every result to `bench/results.json`.
 * - `npm run bench -- --browser`: the browser suite alone (full workload); its results replace theirs in
 *   `bench/results.json`, the engine's entries already there are kept.
 * - `npm run bench -- --quick`: the browser suite alone, smoke workload (~40 s); prints, writes nothing.
 * - `npm run bench -- --no-browser`: the engine suite alone, as before the browser suite existed.
 */
import { readFile } from 'node:fs/promises';
import { writeResults, type BenchResult, type ReportedResult } from '../results';

export interface BenchOptions {
  readonly engine: boolean;
  readonly browser: boolean;
  readonly quick: boolean;
}

export function parseBenchOptions(argv: readonly string[]): BenchOptions {
  const flags = new Set(argv);
  const known = new Set(['--browser', '--quick', '--no-browser']);
  const unknown = [...flags].filter((flag) => !known.has(flag));
  if (unknown.length > 0) throw new Error(`bench: unknown option ${unknown.join(', ')} (known: ${[...known].join(', ')})`);
  const quick = flags.has('--quick');
  const browserOnly = flags.has('--browser') || quick;
  if (browserOnly && flags.has('--no-browser')) throw new Error('bench: --no-browser cannot be combined with --browser or --quick');
  return { engine: !browserOnly, browser: !flags.has('--no-browser'), quick };
}

/**
 * Merges `results` into what `path` holds (entries with the same id replaced, the others kept), so a suite that did
 * not run this time — `--browser` alone, or a browser suite that failed after the engine suite (its failure is in the
 * notes) — does not wipe the other suite's figures; not written at all for a `--quick` smoke run. A file that exists
 * but cannot be read as results is an error, never silently replaced. Returns what it did.
 */
export async function writeBenchResults(path: string, results: readonly ReportedResult[], options: BenchOptions): Promise<string> {
  if (options.quick) return 'Not written (--quick smoke run)';
  let previous: BenchResult[];
  try {
    previous = JSON.parse(await readFile(path, 'utf8')) as BenchResult[];
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    previous = [];
  }
  const replaced = new Set(results.map((result) => result.id));
  await writeResults(path, [...previous.filter((result) => !replaced.has(result.id)), ...results]);
  return `${options.engine ? 'Wrote' : 'Merged'} ${results.length} results into ${path}`;
}
