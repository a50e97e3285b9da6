#!/usr/bin/env node
/**
 * `npm run setup`: installs exactly what package-lock.json pins, then tries to fetch Electron's binary (which
 * npm's install-script policy skips). Where that download is impossible (no internet), the app still runs in
 * the browser harness and every test still runs; this script says so instead of failing.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 20 || (major === 20 && minor < 19)) {
  console.error(`Node ${process.versions.node} is too old: Node 20.19 or newer is needed.`);
  process.exit(1);
}

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

const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
if (!existsSync(chromium)) {
  console.log(`The end-to-end tests need Chromium at ${chromium}: on Debian/Ubuntu, \`sudo apt-get install chromium\`, or set CHROMIUM_PATH.`);
}

console.log('Building (electron-vite build)…');
if (!run(process.execPath, ['node_modules/electron-vite/bin/electron-vite.js', 'build'])) process.exit(1);
console.log('Ready. Start the app with `npm start`; run the tests with `npm test`.');
