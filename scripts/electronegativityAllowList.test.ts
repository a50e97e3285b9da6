import { describe, expect, it } from 'vitest';
import {
  compareWithAllowList,
  formatFinding,
  parseAllowList,
  type AllowListEntry,
  type ElectronegativityFinding,
} from './electronegativityAllowList';

const WINDOW: ElectronegativityFinding = {
  check: 'CONTEXT_ISOLATION_JS_CHECK',
  file: 'out/main/index.js',
  line: 1347,
  column: 16,
  severity: 'HIGH',
  confidence: 'FIRM',
  sample: 'const window = new BrowserWindow({',
};
const SANDBOX: ElectronegativityFinding = { ...WINDOW, check: 'SANDBOX_JS_CHECK', severity: 'MEDIUM' };
const NAVIGATION: ElectronegativityFinding = { check: 'LIMIT_NAVIGATION_GLOBAL_CHECK', file: 'N/A', line: 0, column: 0, severity: 'HIGH' };

describe('parseAllowList', () => {
  it('accepts entries with a check and a reason, normalising the id', () => {
    expect(parseAllowList([{ check: ' sandbox_js_check ', reason: ' checked manually: sandbox: true ' }])).toEqual({
      entries: [{ check: 'SANDBOX_JS_CHECK', reason: 'checked manually: sandbox: true' }],
      problems: [],
    });
  });

  it('keeps the optional sample and max', () => {
    const { entries, problems } = parseAllowList([{ check: 'SANDBOX_JS_CHECK', reason: 'r', sample: 'new BrowserWindow\\(', max: 1 }]);
    expect(problems).toEqual([]);
    expect(entries).toEqual([{ check: 'SANDBOX_JS_CHECK', reason: 'r', sample: 'new BrowserWindow\\(', max: 1 }]);
  });

  it.each([
    [{ check: 'SANDBOX_JS_CHECK', reason: '' }, /empty reason/],
    [{ check: 'SANDBOX_JS_CHECK', reason: '   ' }, /empty reason/],
    [{ check: 'SANDBOX_JS_CHECK' }, /empty reason/],
    [{ check: '', reason: 'r' }, /"check"/],
    [{ reason: 'r' }, /"check"/],
    [{ check: 'SANDBOX_JS_CHECK', reason: 'r', max: 0 }, /"max"/],
    [{ check: 'SANDBOX_JS_CHECK', reason: 'r', max: 1.5 }, /"max"/],
    [{ check: 'SANDBOX_JS_CHECK', reason: 'r', sample: '(' }, /"sample"/],
    [{ check: 'SANDBOX_JS_CHECK', reason: 'r', file: 'x' }, /unknown key/],
    ['SANDBOX_JS_CHECK', /not an object/],
  ])('reports %j', (entry, problem) => {
    const { problems } = parseAllowList([entry]);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(problem);
  });

  it('reports a duplicate check and a non-array file', () => {
    expect(parseAllowList([{ check: 'A', reason: 'r' }, { check: 'a', reason: 'r' }]).problems).toEqual(['entry 1 (A): duplicate check']);
    expect(parseAllowList({ check: 'A', reason: 'r' }).problems[0]).toMatch(/JSON array/);
  });
});

describe('compareWithAllowList', () => {
  const entries: AllowListEntry[] = [
    { check: 'CONTEXT_ISOLATION_JS_CHECK', reason: 'prefs come from secureWebPreferences()', sample: 'new BrowserWindow\\(\\{$', max: 1 },
    { check: 'SANDBOX_JS_CHECK', reason: 'prefs come from secureWebPreferences()' },
    { check: 'OPEN_EXTERNAL_JS_CHECK', reason: 'guarded' },
  ];

  it('accepts allow-listed findings and reports the rest with file and line', () => {
    const result = compareWithAllowList([WINDOW, SANDBOX, NAVIGATION], entries);
    expect(result.allowed).toEqual([
      { entry: entries[0], findings: [WINDOW] },
      { entry: entries[1], findings: [SANDBOX] },
    ]);
    expect(result.notAllowed).toEqual([{ finding: NAVIGATION }]);
    expect(result.overLimit).toEqual([]);
    expect(result.unused).toEqual([entries[2]]);
  });

  it('passes when every finding is allow-listed, and with no findings at all', () => {
    expect(compareWithAllowList([WINDOW, SANDBOX], entries).notAllowed).toEqual([]);
    expect(compareWithAllowList([], entries)).toEqual({ allowed: [], notAllowed: [], overLimit: [], unused: entries });
  });

  it('matches check ids case-insensitively', () => {
    expect(compareWithAllowList([{ ...SANDBOX, check: 'sandbox_js_check' }], entries).notAllowed).toEqual([]);
  });

  it('refuses a finding of an allow-listed check whose sample is not the reviewed one', () => {
    const realProblem = { ...WINDOW, line: 1360, sample: 'contextIsolation: false,' };
    const result = compareWithAllowList([realProblem], entries);
    expect(result.allowed).toEqual([]);
    expect(result.notAllowed).toEqual([{ finding: realProblem, note: expect.stringMatching(/only where the sample matches/) }]);
  });

  it('refuses all of a check when there are more findings than its max', () => {
    const second = { ...WINDOW, line: 1500 };
    const result = compareWithAllowList([WINDOW, second], entries);
    expect(result.overLimit).toEqual([{ entry: entries[0], findings: [WINDOW, second] }]);
    expect(result.allowed).toEqual([]);
  });
});

describe('formatFinding', () => {
  it('names the check, file, line and column', () => {
    expect(formatFinding(WINDOW)).toBe('CONTEXT_ISOLATION_JS_CHECK out/main/index.js:1347:16 (HIGH, FIRM)');
    expect(formatFinding({ ...NAVIGATION, description: 'Missing navigation limits' })).toBe(
      'LIMIT_NAVIGATION_GLOBAL_CHECK (global check) (HIGH) — Missing navigation limits',
    );
  });
});
