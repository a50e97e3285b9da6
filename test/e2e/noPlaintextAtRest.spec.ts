import { randomBytes } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from '@playwright/test';
import { CHROMIUM_ARGS } from '../../playwright.config';
import { startFakeLlmServer } from '../fakes/fakeLlmServer';
import { filesContaining } from '../support/canaryFiles';
import { defaultHarnessDirs, startHarness, type Harness } from '../harness/harnessServer';
import { CLINICIAN_PASSPHRASE, expect, expectTurnsAnswered, fillFeverPatient, signInAsNewClinician, test } from './fixtures';
import { readHistoryRows } from './historyRows';

const REPO_ROOT = join(import.meta.dirname, '..', '..');

test.describe('no plaintext at rest (check 20)', () => {
  test('a canary typed into a session appears in no file of the browser profile or main’s data, and the session reopens with the model server down', async () => {
    test.setTimeout(90_000);
    const canary = `Canary${randomBytes(6).toString('hex')}`;
    const profileDir = await mkdtemp(join(tmpdir(), 'cpa-chromium-'));
    const dataDir = await mkdtemp(join(tmpdir(), 'cpa-data-'));
    const llm = await startFakeLlmServer();
    // One fixed port for both runs: IndexedDB belongs to the page's origin, port included.
    let harness: Harness = await startHarness({ port: 0, llmUrl: llm.baseURL, dataDir, ...defaultHarnessDirs(REPO_ROOT) });
    const port = harness.port;

    let context = await chromium.launchPersistentContext(profileDir, {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: CHROMIUM_ARGS,
      headless: true,
    });
    let page = context.pages()[0] ?? (await context.newPage());
    await page.goto(harness.url);
    await signInAsNewClinician(page);
    llm.queueReply('First protocol for the patient.', `Second answer mentioning the finding.`);
    await fillFeverPatient(page);
    await page.getByLabel('Chief complaint').fill(`Fever and cough, ${canary} exposure`);
    await page.getByRole('button', { name: 'Get protocol' }).click();
    await expectTurnsAnswered(page, 1);
    await page.getByLabel('Follow-up').fill(`X-ray shows ${canary} pattern`);
    await page.getByRole('button', { name: 'Send follow-up' }).click();
    await expectTurnsAnswered(page, 2);
    const sessionId = (await page.getByTestId('session-id').textContent()) ?? '';
    // The model really received the canary: it is in the conversation, just never on disk in clear.
    expect(JSON.stringify(llm.chatRequests().at(-1)?.body)).toContain(canary);

    await context.close();
    await harness.close();
    await llm.close();

    expect(await filesContaining([profileDir, dataDir], canary)).toEqual([]);

    // Restart everything with the model server down: the history must open and read back intact.
    harness = await startHarness({ port, llmUrl: 'http://127.0.0.1:9/v1', dataDir, ...defaultHarnessDirs(REPO_ROOT) });
    context = await chromium.launchPersistentContext(profileDir, {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: CHROMIUM_ARGS,
      headless: true,
    });
    page = context.pages()[0] ?? (await context.newPage());
    await page.goto(harness.url);
    await page.getByLabel('Passphrase', { exact: true }).fill(CLINICIAN_PASSPHRASE);
    await page.getByRole('button', { name: 'Unlock' }).click();
    await expect(page.getByTestId('signed-in-as')).toHaveText('Dr Ada Test');
    const records = (await readHistoryRows(page)).filter((row) => row.sessionId === sessionId);
    const reopened = await page.evaluate((batch) => window.api.vault.open({ records: batch as never }), records);
    expect(reopened.ok).toBe(true);
    const payloads = reopened.ok ? reopened.data.results.map((result) => (result.ok ? JSON.stringify(result.payload) : `failed: ${result.reason}`)) : [];
    expect(payloads).toHaveLength(3);
    expect(payloads.join('\n')).toContain(`Fever and cough, ${canary} exposure`);
    expect(payloads.join('\n')).toContain(`X-ray shows ${canary} pattern`);
    expect(payloads.join('\n')).toContain('Second answer mentioning the finding.');
    await context.close();
    await harness.close();
  });
});
