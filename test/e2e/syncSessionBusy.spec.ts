import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSyncServerForTests, type SyncServerForTests } from '../support/syncServerForTests';
import { CLINICIAN_PASSPHRASE, expect, fillFeverPatient, signInAsNewClinician, test } from './fixtures';
import { clinicSignIn, expectSynced, openWorkstation, sessionRows } from './syncWorkstations';

const COMPLAINT = 'Fever and productive cough for 3 days';

let folder = '';
let syncServer: SyncServerForTests;

test.describe('one turn at a time across workstations', () => {
  test.beforeAll(async () => {
    // The real server with its embedded PostgreSQL; its first start runs initdb, hence the time.
    test.setTimeout(60_000);
    folder = await mkdtemp(join(tmpdir(), 'cpa-e2e-sync-busy-'));
    syncServer = await startSyncServerForTests(folder);
  });

  test.afterAll(async () => {
    await syncServer?.stop();
    if (folder) await rm(folder, { recursive: true, force: true });
  });

  test('B sending while A is answering the same session is told "open on <A>", keeps its text, and continues after the turn of A', async ({ browser, llm }) => {
    test.setTimeout(60_000);
    const name = 'Dr Cleo Busy';
    const a = await openWorkstation(browser, llm, syncServer.url, { label: 'Triage 2' });
    const b = await openWorkstation(browser, llm, syncServer.url, { label: 'Exam room 5' });
    try {
      await signInAsNewClinician(a.page, name);
      await expectSynced(a.page);
      llm.queueReply('1. Chest X-ray. 2. CBC and CRP.');
      await fillFeverPatient(a.page);
      await a.page.getByRole('button', { name: 'Get protocol' }).click();
      await expect(a.page.getByTestId('answer').first()).toHaveText('1. Chest X-ray. 2. CBC and CRP.');

      await clinicSignIn(b.page, name, CLINICIAN_PASSPHRASE);
      await expect(b.page.getByTestId('signed-in-as')).toHaveText(name);
      await sessionRows(b.page, COMPLAINT).click();
      await b.page.getByRole('button', { name: 'Continue this session' }).click();
      await expect(b.page.getByLabel('Follow-up')).toBeEditable();

      // A's follow-up: the model holds its answer back, so A's turn — and A's lease on the session — is running.
      llm.failNext({ kind: 'delay', ms: 4_000 });
      llm.queueReply('Start empirical antibiotics.');
      await a.page.getByLabel('Follow-up').fill('CRP 180 mg/L');
      await a.page.getByRole('button', { name: 'Send follow-up' }).click();
      // The lease is taken before the model is asked: once the model has A's request, A holds the session.
      await expect.poll(() => llm.chatRequests().length).toBe(2);

      const bQuestion = 'Procalcitonin 4.1 ng/mL';
      await b.page.getByLabel('Follow-up').fill(bQuestion);
      await b.page.getByRole('button', { name: 'Send follow-up' }).click();
      await expect(b.page.getByRole('alert')).toContainText('This session is open on Triage 2.');
      // Refused before the model was asked (no waiting on it), and the clinician's text is back in the box to resend.
      expect(llm.chatRequests()).toHaveLength(2);
      await expect(b.page.getByLabel('Follow-up')).toHaveValue(bQuestion);
      await expect(b.page.getByText(bQuestion)).toHaveCount(1);

      await expect(a.page.getByTestId('answer').nth(1)).toHaveText('Start empirical antibiotics.');
      // A's finished turn reaches B by the live feed, and B continues only once its store has A's answer. Known gap
      // (issue 10, not asserted here): A releases the lease before its answer is pushed and B does not pull after
      // taking it, so a resend at once can build B's prompt from A's question with "(no answer was given)". And the
      // sidebar says "2 turns · Answered" a moment before A's answer is in B's store (the reopened session shows the
      // turn with an empty answer meanwhile), so B reopens the session until the answer shows.
      await expect(sessionRows(b.page, COMPLAINT)).toHaveAccessibleDescription(/2 turns.*Answered/);
      await expect(async () => {
        await b.page.getByRole('button', { name: 'New patient' }).click();
        await sessionRows(b.page, COMPLAINT).click();
        await expect(b.page.getByTestId('answer')).toHaveText(['1. Chest X-ray. 2. CBC and CRP.', 'Start empirical antibiotics.'], { timeout: 1_000 });
      }).toPass({ intervals: [500], timeout: 20_000 });
      llm.queueReply('Continue antibiotics; review in 48 hours.');
      await b.page.getByRole('button', { name: 'Continue this session' }).click();
      await b.page.getByLabel('Follow-up').fill(bQuestion);
      await b.page.getByRole('button', { name: 'Send follow-up' }).click();
      await expect(b.page.getByTestId('answer')).toHaveText(['1. Chest X-ray. 2. CBC and CRP.', 'Start empirical antibiotics.', 'Continue antibiotics; review in 48 hours.']);
      // The model was asked with A's whole turn in the history: B continued after it, not beside it.
      const bPrompt = JSON.stringify(llm.chatRequests().at(-1)?.body);
      expect(bPrompt).toContain('CRP 180 mg/L');
      expect(bPrompt).toContain('Start empirical antibiotics.');
      await expect(sessionRows(b.page, COMPLAINT)).toHaveCount(1);
      await expect(sessionRows(b.page, COMPLAINT)).toHaveAccessibleDescription(/3 turns/);
      await expect(sessionRows(a.page, COMPLAINT)).toHaveAccessibleDescription(/3 turns/);
      await expect(sessionRows(a.page, COMPLAINT)).toHaveCount(1);

      expect(a.problems, 'A logged no errors').toEqual([]);
      expect(b.problems, 'B logged no errors').toEqual([]);
    } finally {
      await a.close();
      await b.close();
    }
  });
});
