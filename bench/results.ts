/**
 * The benchmark's output: one entry per metric, printed as a table and written to `bench/results.json` as
 * `[{ id, value, unit, goal, better }]` — the only fields the consumer reads. A goal missed is reported, never
 * fatal: the run exits 0 so a slow machine still produces its numbers.
 */
import { writeFile } from 'node:fs/promises';

/** What results.json holds for one metric. `goal` is always a number (the consumer refuses null). */
export interface BenchResult {
  readonly id: string;
  readonly value: number;
  readonly unit: string;
  readonly goal: number;
  readonly better: 'lower' | 'higher';
}

/** A result as the table shows it: informative entries are there for comparison, not as targets of their own. */
export interface ReportedResult extends BenchResult {
  readonly informative?: boolean;
  /** Measured with scaled-down iteration counts (listed under the table). */
  readonly scaled?: boolean;
}

/** Whether a result meets its goal (a value equal to the goal passes). */
export function meetsGoal(result: BenchResult): boolean {
  return result.better === 'lower' ? result.value <= result.goal : result.value >= result.goal;
}

/** A number for people: integers with separators, small values with a few significant digits. */
function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (Math.abs(value) >= 1_000) return Math.round(value).toLocaleString('en-US');
  if (Math.abs(value) >= 10) return value.toFixed(1);
  return value.toFixed(3);
}

/**
 * The table: one row per metric with PASS/MISS. Informative rows are marked "(info)" so a MISS there reads as
 * expected; rows measured with scaled-down counts are marked "*".
 */
export function formatTable(results: readonly ReportedResult[]): string {
  const rows = results.map((result) => [
    result.id,
    formatNumber(result.value),
    result.unit,
    formatNumber(result.goal),
    result.better,
    `${meetsGoal(result) ? 'PASS' : 'MISS'}${result.informative ? ' (info)' : ''}${result.scaled ? ' *' : ''}`,
  ]);
  const header = ['metric', 'value', 'unit', 'goal', 'better', 'status'];
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => (row[column] as string).length)));
  // Numbers right-aligned, text left-aligned.
  const numeric = new Set([1, 3]);
  const line = (cells: readonly string[]): string =>
    cells.map((cell, column) => (numeric.has(column) ? cell.padStart(widths[column] as number) : cell.padEnd(widths[column] as number))).join('  ');
  return [line(header), widths.map((width) => '-'.repeat(width)).join('  '), ...rows.map(line)].join('\n');
}

/** Writes the consumer's file: the five fields of each result, values rounded to 4 decimals. */
export async function writeResults(path: string, results: readonly BenchResult[]): Promise<void> {
  const plain = results.map(({ id, value, unit, goal, better }) => ({
    id,
    value: Math.round(value * 10_000) / 10_000,
    unit,
    goal: Math.round(goal * 10_000) / 10_000,
    better,
  }));
  await writeFile(path, `${JSON.stringify(plain, null, 2)}\n`);
}
