#!/usr/bin/env node
// @ts-check
/**
 * The first step of `npm test`: in a second or two, checks that what the tests need is on this machine (Node.js, the
 * installed dependencies, a Chromium that starts) and otherwise stops with one line saying what to install, instead
 * of failing dozens of end-to-end specs minutes later. `--quiet` prints nothing when all is well.
 * The decisions are in preflightRules.mjs; this file only gathers the facts.
 */
import { spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SYSTEM_CHROMIUM, chooseChromium, preflightProblem } from './preflightRules.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/**
 * Whether `command` is an executable file on PATH.
 *
 * @param {string} command
 */
export function onPath(command) {
  return (process.env.PATH ?? '').split(delimiter).some((folder) => folder !== '' && isExecutable(join(folder, command)));
}

/** @param {string} path */
function isExecutable(path) {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * A browser binary as found here. With `tryStart`, one that exists is also started with `--version`: a binary whose
 * libraries are missing (Playwright's download on a bare machine) fails there, not in every spec.
 *
 * @param {string} path
 * @param {boolean} tryStart
 * @returns {import('./preflightRules.d.mts').Browser}
 */
function browserAt(path, tryStart) {
  if (!existsSync(path)) return { path, state: 'missing' };
  if (!tryStart) return { path, state: 'found' };
  const started = spawnSync(path, ['--version'], { stdio: 'ignore', timeout: 30_000 });
  return { path, state: started.status === 0 ? 'found' : 'fails to start' };
}

/**
 * Where Playwright would keep its own Chromium, or null when Playwright is not installed yet.
 *
 * @returns {Promise<string | null>}
 */
async function playwrightChromiumPath() {
  try {
    const { chromium } = await import('@playwright/test');
    return chromium.executablePath();
  } catch {
    return null;
  }
}

/**
 * The Chromium binaries this machine has.
 *
 * @param {{ tryStart: boolean }} options
 * @returns {Promise<import('./preflightRules.d.mts').Browsers>}
 */
export async function findBrowsers({ tryStart }) {
  const named = process.env.CHROMIUM_PATH;
  const playwright = await playwrightChromiumPath();
  return {
    chromiumPathEnv: named === undefined || named === '' ? null : browserAt(named, tryStart),
    system: browserAt(SYSTEM_CHROMIUM, tryStart),
    playwright: playwright === null ? null : browserAt(playwright, tryStart),
  };
}

/**
 * Everything the preflight decides on.
 *
 * @returns {Promise<import('./preflightRules.d.mts').MachineFacts>}
 */
export async function gatherFacts() {
  return {
    nodeVersion: process.versions.node,
    // npm writes its record of the installed tree when an install completes.
    dependenciesInstalled: existsSync(join(ROOT, 'node_modules', '.package-lock.json')),
    browsers: await findBrowsers({ tryStart: true }),
    hasApt: onPath('apt-get'),
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const facts = await gatherFacts();
  const problem = preflightProblem(facts);
  if (problem !== null) {
    console.error(problem);
    process.exit(1);
  }
  const chosen = chooseChromium(facts.browsers);
  if (!process.argv.includes('--quiet') && chosen !== null) console.log(`Preflight: ready; the end-to-end tests use ${chosen.path} (${chosen.source}).`);
}
