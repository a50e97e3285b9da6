#!/usr/bin/env node
// @ts-check
/**
 * `npm run setup`: installs exactly what package-lock.json pins, tries to fetch Electron's binary (which npm's
 * install-script policy skips), installs what the tests need where it can — a Chromium (Playwright's download when
 * the internet is reachable, else Debian's `chromium` through apt) and `7za` (Debian's `p7zip-full`) — and builds.
 * apt runs only as root or through password-less sudo: setup never asks for a password. It ends by saying whether
 * `npm test` can run here, with the same one line `npm test`'s preflight would stop on.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { findBrowsers, gatherFacts, onPath } from './preflight.mjs';
import { aptCommand, chooseChromium, debianPackagesToInstall, preflightProblem } from './preflightRules.mjs';

const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
if (major < 20 || (major === 20 && minor < 19)) {
  console.error(`Node ${process.versions.node} is too old: Node 20.19 or newer is needed.`);
  process.exit(1);
}

/**
 * Runs a command with its output shown; says whether it succeeded.
 *
 * @param {string} command
 * @param {string[]} args
 * @param {import('node:child_process').SpawnSyncOptions} [options]
 */
function run(command, args, options = {}) {
  const result = spawnSync(command, args, { stdio: 'inherit', ...options });
  return result.status === 0;
}

console.log('Installing dependencies (npm ci)…');
if (!run('npm', ['ci', '--no-audit', '--no-fund'], { env: { ...process.env, ELECTRON_SKIP_BINARY_DOWNLOAD: '1' } })) {
  process.exit(1);
}

console.log('Fetching the Electron binary…');
const fetched = run(process.execPath, ['node_modules/electron/install.js'], { timeout: 180_000, stdio: ['ignore', 'ignore', 'ignore'] });
if (fetched && existsSync('node_modules/electron/path.txt')) {
  console.log('Electron is installed: `npm start` opens the desktop app.');
} else {
  console.log('Electron\'s binary could not be downloaded (no internet access?). `npm start` will run the browser harness instead.');
}

let browsers = await findBrowsers({ tryStart: true });
if (browsers.chromiumPathEnv === null && chooseChromium(browsers) === null) {
  // Without internet this fails within seconds (the name lookup fails); the timeout only bounds a stalled download.
  console.log('No Chromium for the end-to-end tests: trying Playwright\'s download (needs the internet)…');
  const downloaded = run(process.execPath, ['node_modules/@playwright/test/cli.js', 'install', 'chromium'], { timeout: 300_000 });
  if (!downloaded) console.log('Playwright\'s Chromium could not be downloaded.');
  browsers = await findBrowsers({ tryStart: true });
}

const packages = debianPackagesToInstall({ browsers, sevenZipFound: onPath('7za') });
if (packages.length > 0) {
  const sudoAsksNothing = onPath('sudo') && spawnSync('sudo', ['-n', 'true'], { stdio: 'ignore' }).status === 0;
  const apt = aptCommand({ hasApt: onPath('apt-get'), isRoot: process.getuid?.() === 0, passwordlessSudo: sudoAsksNothing });
  if (apt === null) {
    console.log(`Not installed (needs apt-get as root or password-less sudo): ${packages.join(', ')}.`);
  } else {
    const [program = 'apt-get', ...programArgs] = apt;
    console.log(`Installing ${packages.join(', ')} (apt-get)…`);
    const installed = run(program, [...programArgs, 'update', '-qq']) && run(program, [...programArgs, 'install', '-y', '-qq', ...packages]);
    if (!installed) console.log(`apt-get could not install ${packages.join(', ')}.`);
  }
}

console.log('Building (electron-vite build)…');
if (!run(process.execPath, ['node_modules/electron-vite/bin/electron-vite.js', 'build'])) process.exit(1);

const facts = await gatherFacts();
const problem = preflightProblem(facts);
const chosen = chooseChromium(facts.browsers);
if (problem === null && chosen !== null) {
  console.log(`Ready. Start the app with \`npm start\`; run the tests with \`npm test\` (they use ${chosen.path}, ${chosen.source}).`);
} else {
  // The app runs without Chromium (`npm start`), so setup succeeds; `npm test` stops on this same line.
  console.log(`Ready to start the app with \`npm start\`. Before \`npm test\`: ${problem}`);
}
