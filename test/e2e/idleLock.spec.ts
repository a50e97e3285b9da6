import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { startFakeLlmServer } from '../fakes/fakeLlmServer';
import { defaultHarnessDirs, startHarness } from '../harness/harnessServer';
import { expect, fillFeverPatient, signInAsNewClinician, test } from './fixtures';

const REPO_ROOT = join(import.meta.dirname, '..', '..');

test.describe('automatic logoff (check 15)', () => {
  test('with nobody at the workstation the app locks itself and the page drops every patient datum', async ({ page }) => {
    const canary = `Canary${randomBytes(6).toString('hex')}`;
    const llm = await startFakeLlmServer();
    // 4 s instead of policy minutes, so the spec waits seconds; the page's own activity is the only signal here.
    const harness = await startHarness({
      port: 0,
      llmUrl: llm.baseURL,
      dataDir: await mkdtemp(join(tmpdir(), 'cpa-idle-')),
      idleLockMsForTests: 4_000,
      ...defaultHarnessDirs(REPO_ROOT),
    });
    try {
      await page.goto(harness.url);
      await signInAsNewClinician(page);
      llm.queueReply(`Protocol mentioning ${canary}.`);
      await fillFeverPatient(page);
      await page.getByRole('button', { name: 'Get protocol' }).click();
      await expect(page.getByTestId('answer').first()).toHaveText(`Protocol mentioning ${canary}.`);
      // Hands off the keyboard: the lock screen comes by itself, saying why.
      await expect(page.getByTestId('lock-reason')).toHaveText('Locked after a period without activity.', { timeout: 15_000 });
      expect(await page.content()).not.toContain(canary);
      expect(await page.evaluate(() => window.api.sessions.list())).toMatchObject({ ok: false, error: { code: 'LOCKED' } });
    } finally {
      await harness.close();
      await llm.close();
    }
  });
});
