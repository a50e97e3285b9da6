/**
 * `npm run package:check` — check 10 (asar contents) on a real electron-builder `dir` build.
 *
 *   1. electron-vite build (skip with --no-build);
 *   2. a stand-in Electron directory in a temp folder (no Electron binary on these machines; see
 *      docs ENVIRONMENT.md, "electron-builder") — never committed, never set in electron-builder.yml;
 *   3. electron-builder --linux dir against it, with the project's electron-builder.yml and
 *      CPA_ELECTRON_STAND_IN=1, so its afterPack step (build/afterPack.mjs) skips the fuses — a stand-in has no
 *      fuse wire — and says so; the check fails unless that line appears (the hook is wired and ran);
 *   4. the asar's file list against scripts/asarRules.ts: nothing forbidden, everything required, and every
 *      package main imports at run time present (a sandboxed preload must import none);
 *   5. --linux tar.gz too when 7za is on PATH (Debian: p7zip-full), else a notice;
 *   6. a summary. Exit 0 on success, 1 on any failure.
 *
 * Only `dir` and `tar.gz`: AppImage, deb, dmg, NSIS and MSI download their tooling (and a real Electron would be
 * needed for fuses); `npm run dist` builds those where the internet is reachable.
 */
import { spawnSync } from 'node:child_process';
import { accessSync, chmodSync, constants, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join, relative, resolve } from 'node:path';
import { extractFile, listPackage, statFile } from '@electron/asar';
import { externalPackagesOf, findForbiddenAsarEntries, missingRequiredAsarEntries, normalizeAsarPath } from './asarRules';
import { STAND_IN_ENV, STAND_IN_SKIP_MESSAGE } from './fuses';

const ROOT = resolve(import.meta.dirname, '..');
const DIST = join(ROOT, 'dist');
const UNPACKED = join(DIST, 'linux-unpacked');
const ASAR = join(UNPACKED, 'resources', 'app.asar');

class CheckFailed extends Error {}

function step(message: string): void {
  console.log(`\n▶ ${message}`);
}

/** Runs a command in the project root with inherited output; throws when it fails. */
function run(command: string, args: readonly string[], env: NodeJS.ProcessEnv = process.env): void {
  const result = spawnSync(command, args, { cwd: ROOT, stdio: 'inherit', env });
  if (result.error) throw new CheckFailed(`${command} ${args.join(' ')} could not start: ${result.error.message}`);
  if (result.status !== 0) throw new CheckFailed(`${command} ${args.join(' ')} exited with ${result.status ?? result.signal}`);
}

function installedElectronVersion(): string {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'node_modules', 'electron', 'package.json'), 'utf8')) as { version?: unknown };
  if (typeof pkg.version !== 'string' || pkg.version === '') throw new CheckFailed('node_modules/electron/package.json has no version');
  return pkg.version;
}

/**
 * What electron-builder needs from an unpacked Electron to lay out a `dir` build: an executable, `version`,
 * the licences, `resources/` and `locales/`. No `default_app.asar` (an empty one breaks the copy).
 */
function createElectronStandIn(version: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'cpa-electron-standin-'));
  mkdirSync(join(dir, 'resources'));
  mkdirSync(join(dir, 'locales'));
  const executable = join(dir, 'electron');
  writeFileSync(executable, '#!/bin/sh\necho "stand-in Electron from scripts/packageCheck.ts: this build cannot run" >&2\nexit 1\n');
  chmodSync(executable, 0o755);
  writeFileSync(join(dir, 'version'), version);
  writeFileSync(join(dir, 'LICENSE'), '');
  writeFileSync(join(dir, 'LICENSES.chromium.html'), '');
  return dir;
}

/**
 * electron-builder against the stand-in: `CPA_ELECTRON_STAND_IN=1` for the fuse step (and never CPA_TEST_BUILD).
 * Its output is kept (and shown when it ends) to check that the fuse step ran and skipped.
 */
function electronBuilder(args: readonly string[], env: NodeJS.ProcessEnv = process.env): void {
  const cli = join(ROOT, 'node_modules', 'electron-builder', 'cli.js');
  const fullArgs = [cli, ...args, '--config', 'electron-builder.yml', '--publish', 'never'];
  const childEnv: NodeJS.ProcessEnv = { ...env, [STAND_IN_ENV]: '1' };
  delete childEnv.CPA_TEST_BUILD;
  const result = spawnSync(process.execPath, fullArgs, { cwd: ROOT, stdio: ['inherit', 'pipe', 'inherit'], env: childEnv, maxBuffer: 64 * 1024 * 1024 });
  const output = result.stdout?.toString('utf8') ?? '';
  process.stdout.write(output);
  const command = `electron-builder ${args.join(' ')}`;
  if (result.error) throw new CheckFailed(`${command} could not start: ${result.error.message}`);
  if (result.status !== 0) throw new CheckFailed(`${command} exited with ${result.status ?? result.signal}`);
  if (!output.includes(STAND_IN_SKIP_MESSAGE)) {
    throw new CheckFailed(`${command}: the afterPack fuse step did not report "${STAND_IN_SKIP_MESSAGE}" (is afterPack set in electron-builder.yml?)`);
  }
}

/** The first executable `name` on PATH, or null. */
function findOnPath(name: string): string | null {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return null;
}

function isFile(archive: string, path: string): boolean {
  return !('files' in statFile(archive, path));
}

function formatBytes(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / (1024 * 1024)).toFixed(1)} MiB` : `${(bytes / 1024).toFixed(1)} KiB`;
}

/** Check 10 on the asar. Returns the problems found (empty = pass) and the listing. */
function inspectAsar(archive: string): { problems: string[]; paths: string[] } {
  const paths = listPackage(archive, { isPack: false }).map(normalizeAsarPath).filter((p) => p !== '');
  const problems: string[] = [];

  const forbidden = findForbiddenAsarEntries(paths);
  for (const { path, reason } of forbidden) problems.push(`forbidden: ${path} (${reason})`);

  const missing = missingRequiredAsarEntries(paths);
  for (const path of missing) problems.push(`missing: ${path}`);

  const present = new Set(paths);
  if (present.has('out/main/index.js')) {
    const imports = externalPackagesOf(extractFile(archive, 'out/main/index.js').toString('utf8'));
    for (const name of imports) {
      if (!present.has(`node_modules/${name}/package.json`)) {
        problems.push(`missing: node_modules/${name} (out/main/index.js imports it at run time; make it a production dependency or bundle it)`);
      }
    }
  }
  if (present.has('out/preload/index.cjs')) {
    const imports = externalPackagesOf(extractFile(archive, 'out/preload/index.cjs').toString('utf8'));
    for (const name of imports) {
      problems.push(`preload requires ${name}: a sandboxed preload can only require electron; bundle it (externalizeDeps: false)`);
    }
  }
  if (!paths.some((p) => p.startsWith('out/renderer/assets/') && p.endsWith('.js'))) {
    problems.push('missing: out/renderer/assets/*.js (the renderer bundle)');
  }
  return { problems, paths };
}

function summarize(archive: string, paths: readonly string[]): void {
  const files = paths.filter((p) => isFile(archive, p));
  const packages = [...new Set(paths.map((p) => /^node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(p)?.[1]).filter((n): n is string => !!n))].sort();
  const appFiles = files.filter((p) => !p.startsWith('node_modules/'));
  console.log('\nasar summary');
  console.log(`  ${relative(ROOT, archive)}: ${formatBytes(statSync(archive).size)}, ${files.length} files (${paths.length} entries)`);
  console.log(`  app files (${appFiles.length}): ${appFiles.join(', ')}`);
  console.log(`  node_modules packages (${packages.length}): ${packages.join(', ')}`);
  for (const name of packages) {
    const count = files.filter((p) => p.startsWith(`node_modules/${name}/`)).length;
    console.log(`    ${name}: ${count} files`);
  }
}

function buildTarGz(standIn: string): string | null {
  const sevenZip = findOnPath('7za');
  if (!sevenZip) {
    console.log('skipping tar.gz: 7za not found (install p7zip-full)');
    return null;
  }
  for (const name of existsSync(DIST) ? readdirSync(DIST) : []) if (name.endsWith('.tar.gz')) rmSync(join(DIST, name), { force: true });
  electronBuilder(['--linux', 'tar.gz', `-c.electronDist=${standIn}`], { ...process.env, ELECTRON_BUILDER_7ZIP_PATH: sevenZip });
  const tarballs = readdirSync(DIST).filter((name) => name.endsWith('.tar.gz'));
  const tarball = tarballs[0];
  if (!tarball) throw new CheckFailed('electron-builder --linux tar.gz produced no .tar.gz in dist/');
  const path = join(DIST, tarball);
  if (statSync(path).size === 0) throw new CheckFailed(`${relative(ROOT, path)} is empty`);
  const listing = spawnSync('tar', ['-tzf', path], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (listing.status === 0 && !/(^|\/)resources\/app\.asar$/m.test(listing.stdout)) {
    throw new CheckFailed(`${relative(ROOT, path)} holds no resources/app.asar`);
  }
  return path;
}

function main(): number {
  const args = new Set(process.argv.slice(2));
  const unknown = [...args].filter((a) => a !== '--no-build');
  if (unknown.length > 0) {
    console.error(`unknown argument(s): ${unknown.join(' ')}\nusage: tsx scripts/packageCheck.ts [--no-build]`);
    return 2;
  }

  if (args.has('--no-build')) {
    console.log('skipping electron-vite build (--no-build): packaging the existing out/');
  } else {
    step('electron-vite build');
    run(process.execPath, [join(ROOT, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'build']);
  }

  const version = installedElectronVersion();
  const standIn = createElectronStandIn(version);
  try {
    step(`electron-builder --linux dir (stand-in Electron ${version} at ${standIn})`);
    rmSync(UNPACKED, { recursive: true, force: true });
    electronBuilder(['--linux', 'dir', `-c.electronDist=${standIn}`]);
    if (!existsSync(ASAR)) throw new CheckFailed(`${relative(ROOT, ASAR)} was not produced`);

    step(`check 10: contents of ${relative(ROOT, ASAR)}`);
    const { problems, paths } = inspectAsar(ASAR);
    if (problems.length > 0) {
      console.error(`\n✗ ${relative(ROOT, ASAR)} fails check 10 (${problems.length} problem(s)):`);
      for (const problem of problems) console.error(`  ${problem}`);
      return 1;
    }
    console.log('✓ nothing forbidden; entry files, renderer bundle, openai and zod present');

    step('electron-builder --linux tar.gz');
    const tarball = buildTarGz(standIn);
    if (tarball) console.log(`✓ ${relative(ROOT, tarball)} (${formatBytes(statSync(tarball).size)})`);

    summarize(ASAR, paths);
    console.log('  fuses: not flipped (stand-in Electron); check 9 needs a real Electron build (npm run dist)');
    console.log('\n✓ package check passed');
    return 0;
  } finally {
    rmSync(standIn, { recursive: true, force: true });
  }
}

try {
  process.exitCode = main();
} catch (error) {
  if (!(error instanceof CheckFailed)) throw error;
  console.error(`\n✗ package check failed: ${error.message}`);
  process.exitCode = 1;
}
