/**
 * `tsx scripts/electronegativity.ts` — check 1, the Electronegativity part: scans the built app (`out/`: main,
 * preload, renderer) with @doyensec/electronegativity and fails on any finding whose check is not on the
 * reviewed allow-list security/electronegativity-allow.json (see scripts/electronegativityAllowList.ts).
 * Run it after `npm run build`.
 *
 * Electronegativity 1.10.3 cannot read our bundles as they are, and its CLI hides that (exit 0, no finding):
 *   - it only lists *.js/jsx/ts/tsx/html/htm, so `out/preload/index.cjs` would be skipped;
 *   - its scope analysis (escope) throws on ES2022 class private fields, so `out/main/index.js` would be
 *     dropped as "Unknown node type ClassPrivateProperty" and with it every window and navigation check.
 *     Parser plugins (`-p`) do not help: parsing succeeds, the scope analysis after it fails.
 * So it scans a temp copy where every JS file is lowered to ES2019 by esbuild (each `.cjs`/`.mjs` saved as
 * `.js`), maps reported lines back to the shipped file through esbuild's source map, and uses the JS API
 * (not the CSV) because only the API reports the files it could not parse — any such file fails this check.
 * The Electron-release check (AVAILABLE_SECURITY_FIXES_GLOBAL_CHECK) is excluded: it needs the network and a
 * package.json, which the built app does not have; Electron updates are reviewed with the dependencies.
 *
 * Usage: tsx scripts/electronegativity.ts [--input out] [--allow security/electronegativity-allow.json]
 *                                           [--electron <version>] [--keep-scan-dir]
 */
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { parseArgs } from 'node:util';
import { transform } from 'esbuild';
import {
  compareWithAllowList,
  formatFinding,
  parseAllowList,
  type ElectronegativityFinding,
} from './electronegativityAllowList';
import { decodeMappings, originalPosition } from './sourceMapPosition';

const ROOT = resolve(import.meta.dirname, '..');
const require = createRequire(import.meta.url);

/** Electronegativity's checks that must not run here, lower-case as its API expects. */
const EXCLUDED_CHECKS = ['availablesecurityfixesglobalcheck'];
/** What electronegativity parses; everything else in the input is left out of the scan copy. */
const SCANNED = /\.(?:js|cjs|mjs|jsx|ts|tsx|html|htm)$/i;
const LOWERED = /\.(?:js|cjs|mjs)$/i;

interface RunnerIssue {
  id: string;
  file: string;
  location: { line: number; column: number };
  severity?: { name?: string };
  confidence?: { name?: string };
  manualReview?: boolean;
  description?: string;
  sample?: string;
}
interface RunnerResult {
  errors: { file: string; message: string; tolerable: boolean }[];
  issues: RunnerIssue[];
  globalChecks: number;
  atomicChecks: number;
}
type Runner = (options: Record<string, unknown>, forCli?: boolean) => Promise<RunnerResult>;

interface ScannedFile {
  /** Path of the shipped file, relative to the project root. */
  readonly original: string;
  /** Source-map lines when the scanned copy was lowered, and the shipped file's lines for samples. */
  readonly mappings?: ReturnType<typeof decodeMappings>;
  readonly lines?: readonly string[];
}

class CheckFailed extends Error {}

function toPosix(path: string): string {
  return path.split(sep).join('/');
}

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : walk(path);
    return entry.isFile() ? [path] : [];
  });
}

/** Copies the scannable files of `input` into `scanDir`, lowering JS; returns scanned path → shipped file. */
async function prepareScanCopy(input: string, scanDir: string): Promise<Map<string, ScannedFile>> {
  const files = new Map<string, ScannedFile>();
  for (const path of walk(input)) {
    if (!SCANNED.test(path)) continue;
    const rel = toPosix(relative(input, path));
    const original = toPosix(relative(ROOT, path));
    const scannedRel = rel.replace(/\.(cjs|mjs)$/i, '.$1.js');
    const target = join(scanDir, scannedRel);
    mkdirSync(dirname(target), { recursive: true });
    if (!LOWERED.test(path)) {
      copyFileSync(path, target);
      files.set(scannedRel, { original });
      continue;
    }
    const code = readFileSync(path, 'utf8');
    const result = await transform(code, {
      loader: 'js',
      target: 'es2019',
      supported: { 'top-level-await': true },
      sourcemap: 'external',
      sourcefile: original,
      legalComments: 'inline',
      logLevel: 'silent',
    });
    writeFileSync(target, result.code);
    const map = JSON.parse(result.map) as { mappings: string };
    files.set(scannedRel, { original, mappings: decodeMappings(map.mappings), lines: code.split(/\r?\n/) });
  }
  return files;
}

function toFinding(issue: RunnerIssue, files: Map<string, ScannedFile>): ElectronegativityFinding {
  const scanned = files.get(toPosix(issue.file));
  let { line, column } = issue.location;
  let sample = issue.sample;
  if (scanned?.mappings && line > 0) {
    const position = originalPosition(scanned.mappings, line, column);
    if (position) {
      ({ line, column } = position);
      // The sample of the shipped line, not of the lowered copy.
      sample = scanned.lines?.[line - 1]?.trim() ?? sample;
    }
  }
  return {
    check: issue.id,
    file: scanned?.original ?? toPosix(issue.file),
    line,
    column,
    ...(issue.severity?.name ? { severity: issue.severity.name } : {}),
    ...(issue.confidence?.name ? { confidence: issue.confidence.name } : {}),
    manualReview: issue.manualReview === true,
    ...(issue.description ? { description: issue.description } : {}),
    ...(sample && sample !== 'N/A' ? { sample } : {}),
  };
}

function installedElectronVersion(): string {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'node_modules', 'electron', 'package.json'), 'utf8')) as { version?: string };
  if (!pkg.version) throw new CheckFailed('cannot read the Electron version from node_modules/electron/package.json');
  return pkg.version;
}

function readAllowList(path: string): ReturnType<typeof parseAllowList> {
  if (!existsSync(path)) throw new CheckFailed(`allow-list ${relative(ROOT, path)} not found`);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new CheckFailed(`allow-list ${relative(ROOT, path)} is not valid JSON: ${(error as Error).message}`);
  }
  return parseAllowList(raw);
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      input: { type: 'string', default: 'out' },
      allow: { type: 'string', default: 'security/electronegativity-allow.json' },
      electron: { type: 'string' },
      'keep-scan-dir': { type: 'boolean', default: false },
    },
    strict: true,
  });
  const input = resolve(ROOT, values.input);
  const allowPath = resolve(ROOT, values.allow);
  const electronVersion = values.electron ?? installedElectronVersion();

  if (!existsSync(input) || !statSync(input).isDirectory()) throw new CheckFailed(`${values.input} is not a directory: run \`npm run build\` first`);
  if (values.input === 'out') {
    const missing = ['main/index.js', 'preload/index.cjs', 'renderer/index.html'].filter((file) => !existsSync(join(input, file)));
    if (missing.length > 0) throw new CheckFailed(`out/ is incomplete (missing ${missing.join(', ')}): run \`npm run build\` first`);
  }

  const { entries, problems } = readAllowList(allowPath);

  const scanDir = mkdtempSync(join(tmpdir(), 'cpa-electronegativity-'));
  try {
    const files = await prepareScanCopy(input, scanDir);
    if (files.size === 0) throw new CheckFailed(`nothing to scan in ${values.input}`);
    console.log(`electronegativity: scanning ${files.size} file(s) of ${toPosix(relative(ROOT, input)) || '.'} (JS lowered to ES2019), Electron ${electronVersion}`);

    // Its i18n fetches translations for $LANG (1 s timeout, harmless offline); pin English descriptions.
    process.env.LANG = 'en-US';
    const run = require('@doyensec/electronegativity') as Runner;
    const result = await run({
      input: scanDir,
      isRelative: true,
      customScan: [],
      excludeFromScan: EXCLUDED_CHECKS,
      electronVersionOverride: electronVersion,
      parserPlugins: [],
    });

    const fatal = result.errors.filter((error) => !error.tolerable);
    for (const error of result.errors.filter((e) => e.tolerable)) {
      console.warn(`  warning: ${files.get(toPosix(relative(scanDir, error.file)))?.original ?? error.file}: ${error.message}`);
    }

    const findings = result.issues.map((issue) => toFinding(issue, files));
    const comparison = compareWithAllowList(findings, entries);
    console.log(`${result.globalChecks + result.atomicChecks} checks, ${findings.length} finding(s)`);

    for (const { entry, findings: accepted } of comparison.allowed) {
      console.log(`\nallow-listed ${entry.check} ×${accepted.length}${entry.max ? ` (max ${entry.max})` : ''}: ${entry.reason}`);
      for (const finding of accepted) console.log(`    ${formatFinding(finding)}`);
    }
    for (const entry of comparison.unused) {
      console.warn(`\nnote: allow-list entry ${entry.check} matched no finding; remove it if the code it covered is gone`);
    }

    let failed = false;
    if (problems.length > 0) {
      failed = true;
      console.error(`\n✗ ${relative(ROOT, allowPath)} is invalid:`);
      for (const problem of problems) console.error(`  ${problem}`);
    }
    if (fatal.length > 0) {
      failed = true;
      console.error('\n✗ electronegativity could not analyse these files, so they were not checked:');
      for (const error of fatal) console.error(`  ${files.get(toPosix(relative(scanDir, error.file)))?.original ?? error.file}: ${error.message}`);
    }
    if (comparison.overLimit.length > 0) {
      failed = true;
      for (const { entry, findings: group } of comparison.overLimit) {
        console.error(`\n✗ ${entry.check}: ${group.length} findings, the allow-list accepts at most ${entry.max}; review the new one(s):`);
        for (const finding of group) console.error(`  ${formatFinding(finding)}`);
      }
    }
    if (comparison.notAllowed.length > 0) {
      failed = true;
      console.error(`\n✗ ${comparison.notAllowed.length} finding(s) not on the allow-list:`);
      for (const { finding, note } of comparison.notAllowed) {
        console.error(`  ${formatFinding(finding)}`);
        if (finding.sample) console.error(`      sample: ${finding.sample.length > 200 ? `${finding.sample.slice(0, 200)}…` : finding.sample}`);
        if (note) console.error(`      ${note}`);
      }
    }
    if (failed) return 1;

    const acceptedCount = comparison.allowed.reduce((sum, group) => sum + group.findings.length, 0);
    console.log(`\n✓ electronegativity: ${acceptedCount} finding(s), all allow-listed with a reviewed reason`);
    return 0;
  } finally {
    if (values['keep-scan-dir']) console.log(`scan copy kept at ${scanDir}`);
    else rmSync(scanDir, { recursive: true, force: true });
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (!(error instanceof CheckFailed)) {
      console.error(error);
      process.exit(2);
    }
    console.error(`✗ electronegativity check failed: ${error.message}`);
    process.exit(1);
  },
);
