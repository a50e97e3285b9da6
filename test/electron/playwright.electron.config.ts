import { defineConfig } from '@playwright/test';
import { ELECTRON_SKIPPED, electronBinaryPath } from './support';

/**
 * Tier E: the built desktop app in the real Electron (Playwright `_electron`), against the OpenAI-compatible test
 * server. `npm run test:electron`, after `npm run build`; on Linux without a display, under `xvfb-run -a`.
 *
 * Without Electron's binary (ELECTRON_SKIP_BINARY_DOWNLOAD, or no internet at install) this prints one line and every
 * spec is skipped with that line as its reason: the run passes, and says plainly that nothing ran.
 */
if (electronBinaryPath() === null && process.env.TEST_WORKER_INDEX === undefined && !process.env.CPA_ELECTRON_SKIP_PRINTED) {
  // Workers and any helper process load this file too; they inherit the marker and stay quiet.
  process.env.CPA_ELECTRON_SKIP_PRINTED = '1';
  console.log(ELECTRON_SKIPPED);
}

export default defineConfig({
  testDir: '.',
  testMatch: '**/*.spec.ts',
  // Each test starts Electron (twice for check 20) and derives a passphrase key (PBKDF2, 600k iterations).
  timeout: 120_000,
  expect: { timeout: 15_000 },
  fullyParallel: false,
  workers: 1,
  forbidOnly: Boolean(process.env.CI),
  retries: 0,
  reporter: [['list']],
  outputDir: '../../test-results/electron',
});
