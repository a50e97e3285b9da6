import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test as base, expect, type Page } from '@playwright/test';
import { startFakeLlmServer, type FakeLlmServer } from '../fakes/fakeLlmServer';
import { defaultHarnessDirs, startHarness, type Harness } from '../harness/harnessServer';

const REPO_ROOT = join(import.meta.dirname, '..', '..');

/** Each test gets its own test server and harness, on free ports, and a page opened on the app. */
export const test = base.extend<{ llm: FakeLlmServer; harness: Harness; app: Page }>({
  // eslint-disable-next-line no-empty-pattern -- Playwright reads fixture dependencies from the destructuring pattern.
  llm: async ({}, use) => {
    const server = await startFakeLlmServer({ chunkDelayMs: 2 });
    await use(server);
    await server.close();
  },
  harness: async ({ llm }, use) => {
    const harness = await startHarness({
      port: 0,
      llmUrl: llm.baseURL,
      dataDir: await mkdtemp(join(tmpdir(), 'cpa-e2e-')),
      ...defaultHarnessDirs(REPO_ROOT),
    });
    await use(harness);
    await harness.close();
  },
  app: async ({ page, harness }, use) => {
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(`console error: ${message.text()}`);
    });
    await page.goto(harness.url);
    await signInAsNewClinician(page);
    await use(page);
    expect(problems, 'the page logged no errors').toEqual([]);
  },
});

export { expect };

/**
 * Requests that did not come from main's own model client (the OpenAI SDK: turns, status probes): anything a
 * page managed to send to the model server directly. Must always be empty.
 */
export function requestsNotFromMain(llm: FakeLlmServer): FakeLlmServer['requests'] {
  return llm.requests.filter((request) => !String(request.headers['user-agent']).startsWith('OpenAI/JS'));
}

/** Passphrase of the clinician the fixture creates. */
export const CLINICIAN_PASSPHRASE = 'a long passphrase for the ward';

/** On first run the lock screen offers to create a profile: the clinician does, and lands on the intake form. */
export async function signInAsNewClinician(page: Page, name = 'Dr Ada Test'): Promise<void> {
  await page.getByLabel('Name').fill(name);
  await page.getByLabel('Passphrase', { exact: true }).fill(CLINICIAN_PASSPHRASE);
  await page.getByLabel('Confirm passphrase').fill(CLINICIAN_PASSPHRASE);
  await page.getByRole('button', { name: 'Create profile' }).click();
  await expect(page.getByTestId('signed-in-as')).toHaveText(name);
}

/**
 * The header counts `count` turns and no answer is still streaming. (A question counts from the moment it is sent, so
 * the count alone no longer says its answer has arrived.)
 */
export async function expectTurnsAnswered(page: Page, count: number): Promise<void> {
  await expect(page.getByTestId('turn-count')).toHaveText(String(count));
  await expect(page.locator('[data-testid="answer"][aria-busy="true"]')).toHaveCount(0);
}

/** Fills the intake form as a clinician would, for seed scenario 1. */
export async function fillFeverPatient(page: Page): Promise<void> {
  await page.getByLabel('Age', { exact: true }).fill('60');
  await page.getByLabel('Sex').selectOption('male');
  await page.getByLabel('Chief complaint').fill('Fever and productive cough for 3 days');
  await page.getByLabel('Weight (kg)').fill('82');
  await page.getByLabel('Heart rate (beats/min)').fill('104');
  await page.getByLabel('Systolic BP (mmHg)').fill('128');
  await page.getByLabel('Diastolic BP (mmHg)').fill('76');
  await page.getByLabel('Respiratory rate (breaths/min)').fill('22');
  await page.getByLabel('Temperature unit').selectOption('°F');
  await page.getByLabel('Temperature', { exact: true }).fill('101.8');
  await page.getByLabel('SpO2 (%)').fill('94');
  await page.getByLabel('Allergies').fill('Penicillin (rash)');
}

/**
 * Two finished sessions, the newest last: "Pleuritic chest pain" answered with a pulmonary embolism work-up, then
 * the fever patient answered "Start oxygen and antibiotics." — the history that the search and filter specs look in.
 */
export async function twoAnsweredSessions(page: Page, llm: FakeLlmServer): Promise<void> {
  llm.queueReply('Consider pulmonary embolism; arrange CT angiography.', 'Start oxygen and antibiotics.');
  await fillFeverPatient(page);
  await page.getByLabel('Chief complaint').fill('Pleuritic chest pain');
  await page.getByRole('button', { name: 'Get protocol' }).click();
  await expectTurnsAnswered(page, 1);
  await page.getByRole('button', { name: 'New patient' }).click();
  await fillFeverPatient(page);
  await page.getByRole('button', { name: 'Get protocol' }).click();
  await expect(page.getByTestId('answer').first()).toHaveText('Start oxygen and antibiotics.');
}
