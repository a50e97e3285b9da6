import { spawn, type ChildProcess } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { chromium, type Browser } from '@playwright/test';
import { CHROMIUM_ARGS } from '../../playwright.config';
import { startFakeLlmServer } from '../fakes/fakeLlmServer';
import { defaultHarnessDirs, startHarness } from '../harness/harnessServer';
import { expect, signInAsNewClinician, test } from './fixtures';
import { readHistoryRows } from './historyRows';

const REPO_ROOT = join(import.meta.dirname, '..', '..');

/** Starts Debian's Chromium ourselves on a profile folder, so the test can kill it like a power cut (SIGKILL). */
async function launchKillableChromium(profileDir: string): Promise<{ browser: Browser; process: ChildProcess }> {
  const child = spawn(
    process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    [...CHROMIUM_ARGS, '--headless=new', '--remote-debugging-port=0', `--user-data-dir=${profileDir}`, 'about:blank'],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  const endpoint = await new Promise<string>((resolve, reject) => {
    const lines = createInterface({ input: child.stderr! });
    lines.on('line', (line) => {
      const match = /DevTools listening on (ws:\/\/\S+)/.exec(line);
      if (match?.[1]) resolve(match[1]);
    });
    child.once('exit', () => reject(new Error('chromium exited before it listened')));
  });
  return { browser: await chromium.connectOverCDP(endpoint), process: child };
}

test.describe('crash atomicity (check 22)', () => {
  test('killing the browser while turns are being written leaves a database that opens and records that all decrypt', async () => {
    test.setTimeout(120_000);
    const profileDir = await mkdtemp(join(tmpdir(), 'cpa-crash-'));
    const llm = await startFakeLlmServer({ chunkDelayMs: 1 });
    const harness = await startHarness({ port: 0, llmUrl: llm.baseURL, dataDir: await mkdtemp(join(tmpdir(), 'cpa-data-')), ...defaultHarnessDirs(REPO_ROOT) });
    try {
      for (let round = 0; round < 3; round += 1) {
        const { browser, process: chromiumProcess } = await launchKillableChromium(profileDir);
        const page = browser.contexts()[0]!.pages()[0] ?? (await browser.contexts()[0]!.newPage());
        await page.goto(harness.url);
        if (round === 0) await signInAsNewClinician(page);
        else await expect(page.getByTestId('signed-in-as')).toBeVisible();

        // Turns back to back, each writing several records, until the power is cut at a random moment.
        void page.evaluate(async () => {
          for (let turn = 0; turn < 200; turn += 1) {
            await window.api.protocol.generate({ patient: { age: 50, sex: 'female', chiefComplaint: `Crash round complaint ${turn}` } });
          }
        }).catch(() => undefined);
        await new Promise((resolve) => setTimeout(resolve, 300 + randomInt(900)));
        chromiumProcess.kill('SIGKILL');
        await new Promise((resolve) => chromiumProcess.once('exit', resolve));

        const reopened = await launchKillableChromium(profileDir);
        const check = reopened.browser.contexts()[0]!.pages()[0] ?? (await reopened.browser.contexts()[0]!.newPage());
        await check.goto(harness.url);
        await expect(check.getByTestId('signed-in-as')).toBeVisible();
        const records = await readHistoryRows(check);
        expect(records.length).toBeGreaterThan(0);
        for (let start = 0; start < records.length; start += 500) {
          const opened = await check.evaluate((batch) => window.api.vault.open({ records: batch as never }), records.slice(start, start + 500));
          expect(opened.ok).toBe(true);
          const failures = opened.ok ? opened.data.results.filter((result) => !result.ok) : [];
          expect(failures).toEqual([]);
        }
        await reopened.browser.close().catch(() => undefined);
        reopened.process.kill('SIGKILL');
        await new Promise((resolve) => reopened.process.once('exit', resolve));
      }
    } finally {
      await harness.close();
      await llm.close();
    }
  });
});
