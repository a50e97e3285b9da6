import { existsSync } from 'node:fs';
import { cpus } from 'node:os';
import { chromium, defineConfig } from '@playwright/test';
import { SYSTEM_CHROMIUM, chooseChromium, type Browser } from './scripts/preflightRules.mjs';

/**
 * End-to-end specs (tier C): the built renderer in Chromium, through the browser harness, against the
 * OpenAI-compatible test server.
 */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

const found = (path: string): Browser => ({ path, state: existsSync(path) ? 'found' : 'missing' });
const named = process.env.CHROMIUM_PATH || undefined;

/**
 * The Chromium `npm run setup` installed, chosen as the preflight chose it: the one CHROMIUM_PATH names, else Debian's
 * /usr/bin/chromium, else Playwright's own download. A CHROMIUM_PATH that names nothing is kept, so the launch reports
 * that path rather than quietly using another browser.
 */
const CHROMIUM_PATH =
  chooseChromium({ chromiumPathEnv: named === undefined ? null : found(named), system: found(SYSTEM_CHROMIUM), playwright: found(chromium.executablePath()) })?.path ??
  named;

// Specs and the bench that launch Chromium themselves (persistent profiles, a killed browser) read CHROMIUM_PATH:
// set it here, where every worker loads the config, so they launch the same browser as the rest.
if (CHROMIUM_PATH !== undefined) process.env.CHROMIUM_PATH = CHROMIUM_PATH;

export default defineConfig({
  testDir: 'test/e2e',
  testMatch: '**/*.spec.ts',
  timeout: 30_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  // Each worker runs a browser, the harness's main services and a test server, all CPU-hungry. Measured on 2 shared
  // cores: two workers finished the suite in 8.5 min with a spec timed out, one worker in 9.4 min with none.
  workers: Math.max(1, Math.floor(cpus().length / 2)),
  forbidOnly: Boolean(process.env.CI),
  retries: 0,
  reporter: [['list']],
  use: {
    browserName: 'chromium',
    headless: true,
    launchOptions: { executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS },
    // A failed spec keeps the trace of its actions, console and network. DOM snapshots and screenshots at every
    // action are left out: they took about a third of the CPU time of the keyboard specs, measured on 2 cores.
    trace: { mode: 'retain-on-failure', snapshots: false, screenshots: false },
  },
});
