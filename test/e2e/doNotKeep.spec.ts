import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from '@playwright/test';
import { CHROMIUM_ARGS } from '../../playwright.config';
import { startFakeLlmServer } from '../fakes/fakeLlmServer';
import { filesContaining } from '../support/canaryFiles';
import { defaultHarnessDirs, startHarness } from '../harness/harnessServer';
import { expect, expectTurnsAnswered, fillFeverPatient, signInAsNewClinician, test } from './fixtures';
import { readHistoryRows } from './historyRows';

const REPO_ROOT = join(import.meta.dirname, '..', '..');

test.describe('a session the patient declined storage for', () => {
  test('is answered, shown "Not kept", never listed, and leaves nothing in IndexedDB or on disk', async () => {
    test.setTimeout(90_000);
    const canary = `Canary${randomBytes(6).toString('hex')}`;
    const profileDir = await mkdtemp(join(tmpdir(), 'cpa-chromium-'));
    const dataDir = await mkdtemp(join(tmpdir(), 'cpa-data-'));
    const llm = await startFakeLlmServer();
    const harness = await startHarness({ port: 0, llmUrl: llm.baseURL, dataDir, ...defaultHarnessDirs(REPO_ROOT) });
    const context = await chromium.launchPersistentContext(profileDir, {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: CHROMIUM_ARGS,
      headless: true,
    });
    const page = context.pages()[0] ?? (await context.newPage());
    await page.goto(harness.url);
    await signInAsNewClinician(page);

    llm.queueReply(`Protocol for ${canary}.`, `Follow-up answer for ${canary}.`);
    await fillFeverPatient(page);
    await page.getByLabel('Chief complaint').fill(`Fever, ${canary} exposure`);
    await page.getByLabel(/Do not keep this session/).check();
    await page.getByRole('button', { name: 'Get protocol' }).click();
    await expectTurnsAnswered(page, 1);
    await expect(page.getByTestId('not-kept-badge')).toHaveText('Not kept');
    await page.getByLabel('Follow-up').fill(`X-ray shows ${canary} pattern`);
    await page.getByRole('button', { name: 'Send follow-up' }).click();
    await expectTurnsAnswered(page, 2);
    const sessionId = (await page.getByTestId('session-id').textContent()) ?? '';
    // The model was asked, with the whole conversation.
    expect(JSON.stringify(llm.chatRequests().at(-1)?.body)).toContain(canary);

    expect(await readHistoryRows(page)).toEqual([]);
    expect(await page.evaluate(() => window.api.sessions.list())).toEqual({ ok: true, data: { count: 0, sessions: [] } });
    await expect(page.getByRole('complementary', { name: 'Sessions' }).getByRole('button', { name: /exposure/ })).toHaveCount(0);

    await context.close();
    await harness.close();
    await llm.close();
    // Nothing the clinician typed anywhere, and the session itself nowhere but in the audit log, which says — by id
    // only — that it existed (every session is audited, kept or not).
    expect(await filesContaining([profileDir, dataDir], canary)).toEqual([]);
    expect(await filesContaining([profileDir, dataDir], sessionId)).toEqual([join(dataDir, 'audit.log')]);
    const audit = (await readFile(join(dataDir, 'audit.log'), 'utf8')).split('\n').filter((line) => line.includes(sessionId));
    expect(audit.map((line) => (JSON.parse(line) as { action: string }).action)).toEqual(['session.created_unkept']);
  });
});
