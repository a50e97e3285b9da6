import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseBenchOptions, writeBenchResults } from './benchOptions';
import type { ReportedResult } from '../results';

const result = (id: string, value: number): ReportedResult => ({ id, value, unit: 'ms', goal: 10, better: 'lower' });

describe('bench options', () => {
  it('runs both suites by default, the browser suite alone with --browser or --quick, the engine alone with --no-browser', () => {
    expect(parseBenchOptions([])).toEqual({ engine: true, sync: true, browser: true, workload: 'default' });
    expect(parseBenchOptions(['--browser'])).toEqual({ engine: false, sync: false, browser: true, workload: 'default' });
    expect(parseBenchOptions(['--quick'])).toEqual({ engine: false, sync: false, browser: true, workload: 'quick' });
    expect(parseBenchOptions(['--no-browser'])).toEqual({ engine: true, sync: true, browser: false, workload: 'default' });
    expect(() => parseBenchOptions(['--fast'])).toThrow(/unknown option/);
    expect(() => parseBenchOptions(['--quick', '--no-browser'])).toThrow(/cannot be combined/);
  });

  it('runs the full workload with --full, alone or with either suite, and refuses --full with --quick', () => {
    expect(parseBenchOptions(['--full'])).toEqual({ engine: true, sync: true, browser: true, workload: 'full' });
    expect(parseBenchOptions(['--browser', '--full'])).toEqual({ engine: false, sync: false, browser: true, workload: 'full' });
    expect(parseBenchOptions(['--no-browser', '--full'])).toEqual({ engine: true, sync: true, browser: false, workload: 'full' });
    expect(() => parseBenchOptions(['--full', '--quick'])).toThrow(/--quick cannot be combined with --full/);
    expect(parseBenchOptions(['--sync-only'])).toEqual({ engine: false, sync: true, browser: false, workload: 'default' });
    expect(parseBenchOptions(['--sync-only', '--full'])).toEqual({ engine: false, sync: true, browser: false, workload: 'full' });
    expect(() => parseBenchOptions(['--sync-only', '--browser'])).toThrow(/--sync-only can only be combined with --full/);
  });

  it('merges a browser-only run into results.json, keeps the engine entries, and writes nothing for --quick', async () => {
    const path = join(await mkdtemp(join(tmpdir(), 'bench-options-')), 'results.json');
    await writeFile(path, JSON.stringify([result('engine.a', 1), result('store.b', 2)]));
    await writeBenchResults(path, [result('store.b', 3), result('store.c', 4)], parseBenchOptions(['--browser']));
    const merged = JSON.parse(await readFile(path, 'utf8')) as ReportedResult[];
    expect(merged.map((entry) => [entry.id, entry.value])).toEqual([
      ['engine.a', 1],
      ['store.b', 3],
      ['store.c', 4],
    ]);
    expect(await writeBenchResults(path, [result('store.b', 9)], parseBenchOptions(['--quick']))).toMatch(/Not written/);
    expect(JSON.parse(await readFile(path, 'utf8'))).toEqual(merged);
  });

  it("keeps the browser figures when a full run's browser suite failed, and refuses to replace a damaged file", async () => {
    const path = join(await mkdtemp(join(tmpdir(), 'bench-options-')), 'results.json');
    await writeFile(path, JSON.stringify([result('engine.a', 1), result('store.b', 2)]));
    await writeBenchResults(path, [result('engine.a', 5)], parseBenchOptions([]));
    expect((JSON.parse(await readFile(path, 'utf8')) as ReportedResult[]).map((entry) => [entry.id, entry.value])).toEqual([
      ['store.b', 2],
      ['engine.a', 5],
    ]);
    await writeFile(path, '{ not json');
    await expect(writeBenchResults(path, [result('engine.a', 6)], parseBenchOptions([]))).rejects.toThrow();
  });
});
