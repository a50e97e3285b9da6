/**
 * How `bench/run.ts` is asked what to run: the command-line switches, and where its results go.
 *
 * - `npm run bench`: the engine suite, then the browser suite, each on its default workload (the browser suite's
 *   store smaller than the full one; every result id is still reported, and the notes say what was measured);
 *   writes every result to `bench/results.json`.
 * - `npm run bench -- --full`: the same on the full workload (10,000 sealed sessions × 10 turns in the browser
 *   suite, every repetition).
 * - `npm run bench -- --browser`: the browser suite alone; its results replace theirs in `bench/results.json`, the
 *   engine's entries already there are kept. With `--full`, on the full workload.
 * - `npm run bench -- --no-browser`: the engine suite alone. With `--full`, on the full workload.
 * - `npm run bench -- --quick`: the browser suite alone, smoke workload; prints, writes nothing.
 * - `npm run bench -- --sync-only`: the sync section alone (bench/sync), merged into `bench/results.json` like
 *   `--browser`; with `--full`, on the full workload. For re-measuring sync work without the engine's ten minutes.
 */
import { readFile } from 'node:fs/promises';
import { writeResults, type BenchResult, type ReportedResult } from '../results';

/**
 * How much work a run does: `quick` is a smoke run (figures not comparable), `default` keeps the run short with
 * smaller populations and fewer repetitions where they dominate the time, `full` is the whole workload.
 */
export type BenchWorkload = 'quick' | 'default' | 'full';

/** What one `npm run bench` invocation runs. */
export interface BenchOptions {
  readonly engine: boolean;
  /** The sync section (bench/sync): runs with the engine suite, or alone with `--sync-only`. */
  readonly sync: boolean;
  readonly browser: boolean;
  readonly workload: BenchWorkload;
}

const KNOWN_FLAGS = ['--browser', '--no-browser', '--full', '--quick', '--sync-only'] as const;

/** Reads the switches; an unknown switch or a contradictory pair is an error (a typo must not run 20 minutes). */
export function parseBenchOptions(argv: readonly string[]): BenchOptions {
  const flags = new Set(argv);
  const known = new Set<string>(KNOWN_FLAGS);
  const unknown = [...flags].filter((flag) => !known.has(flag));
  if (unknown.length > 0) throw new Error(`bench: unknown option ${unknown.join(', ')} (known: ${KNOWN_FLAGS.join(', ')})`);
  const quick = flags.has('--quick');
  if (quick && flags.has('--full')) throw new Error('bench: --quick cannot be combined with --full');
  if (flags.has('--sync-only')) {
    if (flags.size > (flags.has('--full') ? 2 : 1)) throw new Error('bench: --sync-only can only be combined with --full');
    return { engine: false, sync: true, browser: false, workload: flags.has('--full') ? 'full' : 'default' };
  }
  const browserOnly = flags.has('--browser') || quick;
  if (browserOnly && flags.has('--no-browser')) throw new Error('bench: --no-browser cannot be combined with --browser or --quick');
  const workload: BenchWorkload = quick ? 'quick' : flags.has('--full') ? 'full' : 'default';
  return { engine: !browserOnly, sync: !browserOnly, browser: !flags.has('--no-browser'), workload };
}

/**
 * Merges `results` into what `path` holds (entries with the same id replaced, the others kept), so a suite that did
 * not run this time — `--browser` alone, or a browser suite that failed after the engine suite (its failure is in the
 * notes) — does not wipe the other suite's figures; not written at all for a `--quick` smoke run. A file that exists
 * but cannot be read as results is an error, never silently replaced. Returns what it did.
 */
export async function writeBenchResults(path: string, results: readonly ReportedResult[], options: BenchOptions): Promise<string> {
  if (options.workload === 'quick') return 'Not written (--quick smoke run)';
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
