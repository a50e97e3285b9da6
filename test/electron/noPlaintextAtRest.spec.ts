import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { AUDIT_LOG_FILE } from '../../src/main/audit/auditFiles';
import { PROFILES_FILE } from '../../src/main/profiles/profileFile';
import { SESSION_KEYS_FILE, journalPathOf } from '../../src/main/vault/sessionKeyFile';
import { CLINICIAN_PASSPHRASE, fillFeverPatient, signInAsNewClinician } from '../e2e/fixtures';
import { startFakeLlmServer } from '../fakes/fakeLlmServer';
import {
  ELECTRON_SKIPPED,
  electronBinaryPath,
  filesContaining,
  filesUnder,
  launchApp,
  makeAppDirs,
  removeAppDirs,
  writePolicy,
} from './support';

test.skip(electronBinaryPath() === null, ELECTRON_SKIPPED);

test.describe('no plaintext at rest in the desktop app (check 20)', () => {
  test('a canary typed into a session is in no file the app wrote, in UTF-8 or UTF-16; after a restart the session is listed and readable', async () => {
    test.setTimeout(240_000);
    const canary = `Canary${randomBytes(8).toString('hex')}`;
    const complaint = `Fever and cough, ${canary} exposure`;
    const followUpText = `X-ray shows ${canary} pattern`;
    const firstAnswer = 'First protocol for the patient.';
    const secondAnswer = 'Second answer mentioning the finding.';
    const dirs = await makeAppDirs();
    const llm = await startFakeLlmServer({ chunkDelayMs: 2 });
    await writePolicy(dirs, llm.baseURL);

    const first = await launchApp(dirs);
    let sessionId = '';
    try {
      const { page } = first;
      await signInAsNewClinician(page);
      llm.queueReply(firstAnswer, secondAnswer);
      await fillFeverPatient(page);
      await page.getByLabel('Chief complaint').fill(complaint);
      await page.getByRole('button', { name: 'Get protocol' }).click();
      await expect(page.getByTestId('turn-count')).toHaveText('1');
      // A question counts from the moment it is sent: wait for its answer to finish too.
      await expect(page.locator('[data-testid="answer"][aria-busy="true"]')).toHaveCount(0);
      await page.getByLabel('Follow-up').fill(followUpText);
      await page.getByRole('button', { name: 'Send follow-up' }).click();
      await expect(page.getByTestId('turn-count')).toHaveText('2');
      // A question counts from the moment it is sent: wait for its answer to finish too.
      await expect(page.locator('[data-testid="answer"][aria-busy="true"]')).toHaveCount(0);
      await expect(page.getByTestId('answer').nth(1)).toHaveText(secondAnswer);
      sessionId = (await page.getByTestId('session-id').textContent()) ?? '';
      // The canary really went through the app to the model: it is in the conversation, only never on disk in clear.
      expect(JSON.stringify(llm.chatRequests().at(-1)?.body)).toContain(followUpText);
      expect(JSON.stringify(llm.chatRequests().at(-1)?.body)).toContain(complaint);
      expect(first.pageProblems, 'the page logged no errors').toEqual([]);
    } finally {
      // Quit as a clinician would: main seals and flushes, Chromium closes IndexedDB, the process exits.
      await first.close();
      await llm.close();
    }

    await test.step('every file under the temp root (userData = main’s data folder, session data, TMPDIR, XDG dirs) is free of the canary', async () => {
      const files = await filesUnder(dirs.root);
      // Not a vacuous search: the page's history (IndexedDB) and main's own files are among them.
      expect(files.some((file) => file.startsWith(join(dirs.userData, 'IndexedDB')))).toBe(true);
      for (const name of [PROFILES_FILE, journalPathOf(SESSION_KEYS_FILE), AUDIT_LOG_FILE]) expect(files).toContain(join(dirs.userData, name));
      expect(await filesContaining([dirs.root], canary)).toEqual([]);
    });

    await test.step('relaunched with the model server gone, the clinician unlocks and reads the session back', async () => {
      const second = await launchApp(dirs);
      try {
        const { page } = second;
        await page.getByLabel('Passphrase', { exact: true }).fill(CLINICIAN_PASSPHRASE);
        await page.getByRole('button', { name: 'Unlock' }).click();
        await expect(page.getByTestId('signed-in-as')).toHaveText('Dr Ada Test');
        const sidebar = page.getByRole('complementary', { name: 'Sessions' });
        await sidebar.getByRole('button', { name: complaint }).click();
        await expect(page.getByText('Session (read-only)')).toBeVisible();
        await expect(page.getByTestId('session-id')).toHaveText(sessionId);
        await expect(page.getByText(followUpText)).toBeVisible();
        await expect(page.getByTestId('answer').nth(0)).toHaveText(firstAnswer);
        await expect(page.getByTestId('answer').nth(1)).toHaveText(secondAnswer);
      } finally {
        await second.close();
      }
    });

    await removeAppDirs(dirs);
  });
});
