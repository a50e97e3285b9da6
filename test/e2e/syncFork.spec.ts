import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import type { FakeLlmServer } from '../fakes/fakeLlmServer';
import { startSyncServerForTests, type SyncServerForTests } from '../support/syncServerForTests';
import { expectRegionAccessible } from './accessibilityChecks';
import { clinicSignIn, openWorkstation } from './syncWorkstations';
import { CLINICIAN_PASSPHRASE, expect, fillFeverPatient, signInAsNewClinician, test } from './fixtures';

const COMPLAINT = 'Fever and productive cough for 3 days';
const FIRST_ANSWER = '1. Chest X-ray. 2. CBC and CRP.';
const ON_A = { question: 'Chest X-ray shows a right lower lobe consolidation', answer: 'Start amoxicillin for community-acquired pneumonia.' };
const ON_B = { question: 'CRP is 180 mg/L and the patient is hypotensive', answer: 'Treat as sepsis: blood cultures and IV antibiotics.' };
const AFTER = { question: 'Blood cultures are taken; what next?', answer: 'Reassess lactate within two hours.' };

const rowOf = (page: Page) => page.getByRole('complementary', { name: 'Sessions' }).getByRole('button', { name: COMPLAINT });

/** Asks `question` as a follow-up of the open (live) session and waits for the fake model's `answer`. */
async function askFollowUp(page: Page, llm: FakeLlmServer, question: string, answer: string): Promise<void> {
  llm.queueReply(answer);
  await page.getByLabel('Follow-up').fill(question);
  await page.getByRole('button', { name: 'Send follow-up' }).click();
  await expect(page.getByText(answer)).toBeVisible();
}

/**
 * The fork view as a clinician reads it: the shared first turn once, then "Continued on two workstations" with one
 * branch per workstation, each holding its own follow-up and answer.
 */
async function expectForkShown(page: Page): Promise<void> {
  const fork = page.getByTestId('fork');
  await expect(fork.getByRole('heading', { name: 'Continued on two workstations' })).toBeVisible();
  await expect(page.getByText(FIRST_ANSWER)).toHaveCount(1);
  const branches = fork.getByTestId('fork-branch');
  await expect(branches).toHaveCount(2);
  for (const [label, turn] of [
    ['Triage 1', ON_A],
    ['Exam 2', ON_B],
  ] as const) {
    const branch = branches.filter({ has: page.getByRole('heading', { name: label }) });
    await expect(branch).toHaveCount(1);
    await expect(branch.getByText(turn.question)).toBeVisible();
    await expect(branch.getByText(turn.answer)).toBeVisible();
  }
  // Side by side at 1366 px: one row, two columns.
  const [left, right] = [await branches.nth(0).boundingBox(), await branches.nth(1).boundingBox()];
  expect(left && right && Math.abs(left.y - right.y) < 1 && left.x + left.width <= right.x).toBe(true);
}

/** The chat messages of the fake model's last request, as text. */
function lastPromptText(llm: FakeLlmServer): string {
  const body = llm.chatRequests().at(-1)?.body as { messages: { content: string }[] } | undefined;
  return (body?.messages ?? []).map((message) => message.content).join('\n');
}

let folder = '';
let syncServer: SyncServerForTests;

test.describe('a session continued on two workstations while neither reached the sync server', () => {
  test.beforeAll(async () => {
    // The real server with its embedded PostgreSQL, as IT starts it; first start runs initdb, hence the time.
    test.setTimeout(60_000);
    folder = await mkdtemp(join(tmpdir(), 'cpa-e2e-sync-fork-server-'));
    syncServer = await startSyncServerForTests(folder);
  });

  test.afterAll(async () => {
    await syncServer?.stop();
    if (folder) await rm(folder, { recursive: true, force: true });
  });

  test('both continuations come back side by side on both; going on from one sends the model only that one', async ({ browser, llm }, testInfo) => {
    test.setTimeout(180_000);
    const name = 'Dr Ada Fork';
    const a = await openWorkstation(browser, llm, syncServer.url, { label: 'Triage 1', viewport: { width: 1366, height: 800 } });
    const b = await openWorkstation(browser, llm, syncServer.url, { label: 'Exam 2', viewport: { width: 1366, height: 800 } });
    try {
      await signInAsNewClinician(a.page, name);
      await expect(a.page.getByTestId('sync-status')).toHaveText('Synced');
      llm.queueReply(FIRST_ANSWER);
      await fillFeverPatient(a.page);
      await a.page.getByRole('button', { name: 'Get protocol' }).click();
      await expect(a.page.getByTestId('answer').first()).toHaveText(FIRST_ANSWER);

      await clinicSignIn(b.page, name, CLINICIAN_PASSPHRASE);
      await expect(b.page.getByTestId('signed-in-as')).toHaveText(name);
      await expect(rowOf(b.page)).toHaveAccessibleDescription(/1 turn/);
      await rowOf(b.page).click();
      await expect(b.page.getByTestId('answer').first()).toHaveText(FIRST_ANSWER);
      await b.page.getByRole('button', { name: 'Continue this session' }).click();
      await expect(b.page.getByLabel('Follow-up')).toBeVisible();

      // The outage: each workstation goes on with its own follow-up, neither can tell the other.
      await syncServer.stop();
      try {
        await askFollowUp(a.page, llm, ON_A.question, ON_A.answer);
        await askFollowUp(b.page, llm, ON_B.question, ON_B.answer);
      } finally {
        await syncServer.restart();
      }
      await a.page.getByRole('button', { name: 'Sync now' }).click();
      await b.page.getByRole('button', { name: 'Sync now' }).click();
      // One of the two pushes is refused as stale and merged at the next cycle: a second "Sync now" on each brings it.
      await expect(async () => {
        await a.page.getByRole('button', { name: 'Sync now' }).click({ timeout: 5_000 });
        await b.page.getByRole('button', { name: 'Sync now' }).click({ timeout: 5_000 });
        await expect(a.page.getByTestId('fork')).toBeVisible({ timeout: 2_000 });
        await expect(b.page.getByTestId('fork')).toBeVisible({ timeout: 2_000 });
      }).toPass({ timeout: 60_000 });

      // Each live page stays on the line its main goes on along (its own follow-up), the other's kept beside it.
      for (const [page, own, other] of [
        [a.page, 'Triage 1', 'Exam 2'],
        [b.page, 'Exam 2', 'Triage 1'],
      ] as const) {
        await expect(page.getByTestId('fork').getByRole('heading', { name: `${own} — going on here` })).toBeVisible();
        await expect(page.getByTestId('fork')).toContainText(`The next follow-up goes on from ${own}, used last. To go on from another, use its “Go on from here”.`);
        await expect(page.getByTestId('fork').getByRole('button', { name: `Also continued on ${other} — show` })).toBeVisible();
      }
      // Opened again from the sidebar, the session shows both continuations side by side, on A and on B.
      for (const page of [a.page, b.page]) {
        await page.getByRole('button', { name: 'New patient' }).click();
        await rowOf(page).click();
        await expectForkShown(page);
      }
      await expect(a.page.getByTestId('sync-status')).toHaveText('Synced');
      await expect(b.page.getByTestId('sync-status')).toHaveText('Synced');

      const fork = a.page.getByTestId('fork');
      await fork.evaluate((element) => element.scrollIntoView({ block: 'start' }));
      // For reviewers: the fork view as a clinician first sees it, at a common laptop size (kept in the test's output).
      const screenshot = testInfo.outputPath('fork-view-1366x800.png');
      await a.page.screenshot({ path: screenshot });
      await testInfo.attach('fork view at 1366x800', { path: screenshot, contentType: 'image/png' });
      await expectRegionAccessible(fork, 'the fork view');

      // A goes on from B's branch: the next prompt holds the shared part and B's follow-up, none of A's.
      const examBranch = fork.getByTestId('fork-branch').filter({ has: a.page.getByRole('heading', { name: 'Exam 2' }) });
      await examBranch.getByRole('button', { name: 'Go on from here' }).click();
      await expect(fork.getByRole('heading', { name: 'Exam 2 — going on here' })).toBeVisible();
      await askFollowUp(a.page, llm, AFTER.question, AFTER.answer);
      const prompt = lastPromptText(llm);
      expect(prompt).toContain(AFTER.question);
      expect(prompt).toContain(ON_B.question);
      expect(prompt).toContain(ON_B.answer);
      expect(prompt).not.toContain(ON_A.question);
      expect(prompt).not.toContain(ON_A.answer);

      // A's own branch is kept, collapsed, and can be shown again.
      const show = fork.getByRole('button', { name: 'Also continued on Triage 1 — show' });
      await expect(show).toHaveAttribute('aria-expanded', 'false');
      await show.click();
      await expect(fork.getByRole('button', { name: 'Hide the continuation on Triage 1' })).toHaveAttribute('aria-expanded', 'true');
      await expect(fork.getByText(ON_A.question)).toBeVisible();
      await expect(fork.getByText(ON_A.answer)).toBeVisible();
      await expectRegionAccessible(fork, 'the fork view, gone on from one branch');

      expect(a.problems, 'A logged no errors').toEqual([]);
      expect(b.problems, 'B logged no errors').toEqual([]);
    } finally {
      await a.close();
      await b.close();
    }
  });
});
