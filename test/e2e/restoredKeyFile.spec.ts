import { copyFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startFakeLlmServer } from '../fakes/fakeLlmServer';
import { defaultHarnessDirs, startHarness } from '../harness/harnessServer';
import { CLINICIAN_PASSPHRASE, expect, expectTurnsAnswered, fillFeverPatient, signInAsNewClinician, test } from './fixtures';
import { readHistoryRows } from './historyRows';

const REPO_ROOT = join(import.meta.dirname, '..', '..');
const KEY_FILES = ['session-keys.json', 'session-keys.journal'];

test.describe('a key that is simply not here is never taken for a deleted session', () => {
  test('after IT restores an older key store, a session whose key is missing keeps every row and says why it cannot open', async ({ page }) => {
    test.setTimeout(90_000);
    const dataDir = await mkdtemp(join(tmpdir(), 'cpa-restore-'));
    const backupDir = await mkdtemp(join(tmpdir(), 'cpa-backup-'));
    const llm = await startFakeLlmServer();
    let harness = await startHarness({ port: 0, llmUrl: llm.baseURL, dataDir, ...defaultHarnessDirs(REPO_ROOT) });
    const port = harness.port;
    await page.goto(harness.url);
    await signInAsNewClinician(page);
    // The backup IT will restore: taken before this session existed.
    for (const file of KEY_FILES) await copyFile(join(dataDir, file), join(backupDir, file)).catch(() => undefined);

    llm.queueReply('A protocol kept on this workstation.');
    await fillFeverPatient(page);
    await page.getByRole('button', { name: 'Get protocol' }).click();
    await expectTurnsAnswered(page, 1);
    const sessionId = (await page.getByTestId('session-id').textContent()) ?? '';
    const rowsOfSession = async () => (await readHistoryRows(page)).filter((row) => row.sessionId === sessionId || row.id === sessionId).length;
    const storedRows = await rowsOfSession();
    expect(storedRows).toBeGreaterThan(1);
    await harness.close();

    // Restore the backup as it was: a file it did not have (the journal, before any session) is not there either.
    for (const file of KEY_FILES) {
      await rm(join(dataDir, file), { force: true });
      await copyFile(join(backupDir, file), join(dataDir, file)).catch(() => undefined);
    }
    harness = await startHarness({ port, llmUrl: llm.baseURL, dataDir, ...defaultHarnessDirs(REPO_ROOT) });
    await page.goto(harness.url);
    await page.reload();
    await page.getByLabel('Passphrase', { exact: true }).fill(CLINICIAN_PASSPHRASE);
    await page.getByRole('button', { name: 'Unlock' }).click();
    await expect(page.getByTestId('signed-in-as')).toBeVisible();
    await expect(page.getByTestId('session-row')).toHaveCount(1);
    await expect(page.getByTestId('session-row')).toContainText('Cannot be opened here: its key is not on this workstation.');
    // The background indexing pass (started at unlock) reads the whole history too; once the analytics screen no longer
    // says the history is still being read, it is done — and still nothing was deleted.
    await page.getByRole('button', { name: 'Analytics', exact: true }).click();
    await expect(page.getByTestId('analytics-view')).toBeVisible();
    await expect(page.getByTestId('analytics-view')).not.toContainText('still being read', { timeout: 15_000 });
    await expect(page.getByTestId('analytics-sessions')).toHaveText('0');
    expect(await rowsOfSession()).toBe(storedRows);
    await harness.close();
    await llm.close();
  });
});
