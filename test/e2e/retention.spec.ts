import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startFakeLlmServer } from '../fakes/fakeLlmServer';
import { defaultHarnessDirs, startHarness } from '../harness/harnessServer';
import { CLINICIAN_PASSPHRASE, expect, expectTurnsAnswered, fillFeverPatient, signInAsNewClinician, test } from './fixtures';
import { readHistoryRows } from './historyRows';

const REPO_ROOT = join(import.meta.dirname, '..', '..');
const DAY_MS = 86_400_000;

test.describe('retention (check 21)', () => {
  test('eight days after its last turn a session is unreadable at start-up, and the page deletes its rows', async ({ page }) => {
    test.setTimeout(60_000);
    const dataDir = await mkdtemp(join(tmpdir(), 'cpa-retention-'));
    const llm = await startFakeLlmServer();
    let harness = await startHarness({ port: 0, llmUrl: llm.baseURL, dataDir, ...defaultHarnessDirs(REPO_ROOT) });
    const port = harness.port;
    await page.goto(harness.url);
    await signInAsNewClinician(page);
    llm.queueReply('A protocol that will expire.');
    await fillFeverPatient(page);
    await page.getByRole('button', { name: 'Get protocol' }).click();
    await expectTurnsAnswered(page, 1);
    const sessionId = (await page.getByTestId('session-id').textContent()) ?? '';
    await expect(page.getByTestId('session-row')).toHaveCount(1);
    await harness.close();

    // The workstation starts again eight days later (retention: 7 days); nobody has unlocked yet.
    harness = await startHarness({ port, llmUrl: llm.baseURL, dataDir, clockOffsetMs: 8 * DAY_MS, ...defaultHarnessDirs(REPO_ROOT) });
    await page.goto(harness.url);
    await page.reload();
    await page.getByLabel('Passphrase', { exact: true }).fill(CLINICIAN_PASSPHRASE);
    await page.getByRole('button', { name: 'Unlock' }).click();
    await expect(page.getByTestId('signed-in-as')).toBeVisible();
    await expect(page.getByTestId('session-row')).toHaveCount(0);
    // An empty list can show before the page has finished deleting the rows whose key is gone: wait for the store.
    const rowsLeft = async () => {
      const rows = (await readHistoryRows(page)).filter((row) => row.sessionId === sessionId || row.id === sessionId);
      return {
        turns: rows.filter((row) => row.kind === 'turn').length,
        sessionPayloads: rows.filter((row) => row.id === sessionId && row.ct !== undefined).length,
      };
    };
    await expect.poll(rowsLeft, { timeout: 10_000 }).toEqual({ turns: 0, sessionPayloads: 0 });
    await harness.close();
    await llm.close();
  });
});
