import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startFakeLlmServer } from '../fakes/fakeLlmServer';
import { defaultHarnessDirs, startHarness } from '../harness/harnessServer';
import { CLINICIAN_PASSPHRASE, expect, expectTurnsAnswered, fillFeverPatient, signInAsNewClinician, test } from './fixtures';

const REPO_ROOT = join(import.meta.dirname, '..', '..');

test.describe('offline review and continuing a past session', () => {
  test('with the model server down, a past session opens read-only from the sidebar; once it is back, it continues with its history', async ({ page }) => {
    test.setTimeout(60_000);
    const dataDir = await mkdtemp(join(tmpdir(), 'cpa-review-'));
    let llm = await startFakeLlmServer();
    let harness = await startHarness({ port: 0, llmUrl: llm.baseURL, dataDir, ...defaultHarnessDirs(REPO_ROOT) });
    const port = harness.port;
    const llmPort = llm.port;
    await page.goto(harness.url);
    await signInAsNewClinician(page);
    llm.queueReply('1. Chest X-ray. 2. CBC and CRP.');
    await fillFeverPatient(page);
    await page.getByRole('button', { name: 'Get protocol' }).click();
    await expectTurnsAnswered(page, 1);
    await harness.close();
    await llm.close();

    // Next morning: the model server is down. History is still there to read.
    harness = await startHarness({ port, llmUrl: `http://127.0.0.1:${llmPort}/v1`, dataDir, ...defaultHarnessDirs(REPO_ROOT) });
    await page.goto(harness.url);
    await page.reload();
    await page.getByLabel('Passphrase', { exact: true }).fill(CLINICIAN_PASSPHRASE);
    await page.getByRole('button', { name: 'Unlock' }).click();
    const sidebar = page.getByRole('complementary', { name: 'Sessions' });
    await sidebar.getByRole('button', { name: 'Fever and productive cough for 3 days' }).click();
    await expect(page.getByText('Session (read-only)')).toBeVisible();
    await expect(page.getByTestId('answer').first()).toHaveText('1. Chest X-ray. 2. CBC and CRP.');

    // The model server is back: continuing sends the whole conversation to it.
    llm = await startFakeLlmServer({ port: llmPort });
    llm.queueReply('Treat as community-acquired pneumonia.');
    await page.getByRole('button', { name: 'Continue this session' }).click();
    await page.getByLabel('Follow-up').fill('Chest X-ray shows bilateral infiltrates');
    await page.getByRole('button', { name: 'Send follow-up' }).click();
    await expect(page.getByTestId('answer').nth(1)).toHaveText('Treat as community-acquired pneumonia.');
    const messages = (llm.chatRequests().at(-1)?.body as { messages: { role: string; content: string }[] }).messages;
    expect(messages.map((message) => message.content).slice(2)).toEqual(['1. Chest X-ray. 2. CBC and CRP.', 'Chest X-ray shows bilateral infiltrates']);
    await harness.close();
    await llm.close();
  });
});
