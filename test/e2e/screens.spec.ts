import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page, TestInfo } from '@playwright/test';
import { expect, fillFeverPatient, test } from './fixtures';

/**
 * Screenshots of the main screens at a common clinic workstation size (1366×800), light and dark, for a reviewer to
 * look at: they are attached to the test's report and written to `test-results/screens-1366x800/`, which CI keeps
 * with the e2e run's artifacts. The checks here are only that each screen is the one named; what the clinician must
 * see on each is asserted by the specs of each feature.
 */
const SIZE = { width: 1366, height: 800 };
const FOLDER = join('test-results', 'screens-1366x800');

const PROTOCOL = [
  '## Assessment',
  'Febrile toddler with **tachycardia**, tachypnoea and hypoxaemia: treat as possible sepsis until shown otherwise.',
  '',
  '## Immediate actions',
  '1. Oxygen to keep SpO2 at or above 94 %.',
  '2. IV or IO access; blood cultures, glucose, lactate.',
  '   - Fluid bolus 10–20 mL/kg isotonic crystalloid, reassess after each.',
  '   - Watch for hepatomegaly and crackles.',
  '3. Antipyretic: paracetamol 15 mg/kg.',
  '4. Empirical antibiotics within one hour of recognition.',
  '',
  '## Monitoring',
  '- Heart rate, respiratory rate and SpO2 continuously.',
  '- Capillary refill and urine output hourly.',
  '',
  '## Escalate if',
  '- No improvement after 40–60 mL/kg of fluid.',
  '- Decreasing level of consciousness.',
].join('\n');

/** Saves one screenshot under its name, in the shared folder and in the test's report. */
async function shoot(page: Page, testInfo: TestInfo, name: string): Promise<void> {
  await mkdir(FOLDER, { recursive: true });
  const path = join(FOLDER, `${name}.png`);
  await page.screenshot({ path });
  await testInfo.attach(name, { path, contentType: 'image/png' });
}

/** The intake form filled for the seed's febrile 3-year-old (HR 185, RR 48, SpO2 88 %, 40.3 °C). */
async function fillFebrileToddler(page: Page): Promise<void> {
  await page.getByLabel('Age', { exact: true }).fill('3');
  await page.getByLabel('Sex').selectOption('female');
  await page.getByLabel('Chief complaint').fill('Fever and fast breathing since this morning');
  await page.getByLabel('Weight (kg)').fill('14');
  await page.getByLabel('Heart rate (beats/min)').fill('185');
  await page.getByLabel('Respiratory rate (breaths/min)').fill('48');
  await page.getByLabel('Temperature', { exact: true }).fill('40.3');
  await page.getByLabel('SpO2 (%)').fill('88');
  await page.getByLabel('Allergies').fill('None known');
}

test.describe('screens at 1366×800, for review', () => {
  test.use({ viewport: SIZE });

  // Light throughout, then the conversation and the intake form again in dark (the axe specs check both themes; one
  // run of the journey keeps CI's time down).
  test('the main screens, light, and the main two in dark', async ({ app, llm }, testInfo) => {
    test.setTimeout(90_000);
    await app.emulateMedia({ colorScheme: 'light' });
    const shot = (name: string) => shoot(app, testInfo, `light-${name}`);

    // An earlier patient, so the sidebar has more than one case.
    llm.queueReply('1. Chest X-ray.\n2. CBC and CRP.\n3. Start antibiotics if consolidation.');
    await fillFeverPatient(app);
    await app.getByRole('button', { name: 'Get protocol' }).click();
    await expect(app.getByTestId('answer').first()).toContainText('Chest X-ray');
    await app.getByRole('button', { name: 'New patient' }).click();

    await expect(app.getByLabel('Chief complaint')).toBeVisible();
    await shot('01-intake-empty');
    await fillFebrileToddler(app);
    await shot('02-intake-febrile-toddler');

    // The answer while it streams.
    llm.setChunkDelay(30);
    llm.queueReply(PROTOCOL);
    await app.getByRole('button', { name: 'Get protocol' }).click();
    const confirm = app.getByRole('button', { name: /send anyway|confirm/i });
    if (await confirm.isVisible().catch(() => false)) await confirm.click();
    await expect(app.getByTestId('answer').first()).toContainText('Immediate actions', { timeout: 20_000 });
    await shot('03-answer-streaming');
    await expect(app.getByTestId('answer').first()).toContainText('Decreasing level of consciousness', { timeout: 30_000 });
    llm.setChunkDelay(2);
    await shot('04-answer-done');

    // A longer session: two follow-ups.
    llm.queueReply('Reassess after the first bolus: heart rate, capillary refill, liver edge.', 'Consider a second bolus; prepare for inotropes if no response.');
    for (const question of ['SpO2 92 % on oxygen, capillary refill 4 s', 'Still tachycardic after 20 mL/kg']) {
      await app.getByLabel('Follow-up').fill(question);
      await app.getByRole('button', { name: 'Send follow-up' }).click();
      await expect(app.getByText(question)).toBeVisible();
    }
    await expect(app.getByTestId('answer').last()).toContainText('inotropes');
    await shot('05-long-session');

    await app.getByRole('searchbox', { name: 'Search sessions' }).fill('penicillin');
    await shot('06-sidebar-search');
    await app.getByRole('searchbox', { name: 'Search sessions' }).fill('');

    await app.getByRole('button', { name: 'Settings', exact: true }).click();
    await expect(app.getByRole('heading', { name: 'Settings' }).first()).toBeVisible();
    await shot('07-settings');
    await app.getByRole('button', { name: 'Analytics', exact: true }).click();
    await expect(app.getByTestId('analytics-view')).toBeVisible();
    await shot('08-analytics');

    await app.emulateMedia({ colorScheme: 'dark' });
    await app.getByRole('navigation', { name: 'Screens' }).getByRole('button', { name: 'Patients' }).click();
    await expect(app.getByTestId('answer').last()).toContainText('inotropes');
    await shoot(app, testInfo, 'dark-05-long-session');
    await app.getByRole('button', { name: 'New patient' }).click();
    await expect(app.getByLabel('Chief complaint')).toBeVisible();
    await shoot(app, testInfo, 'dark-01-intake-empty');
    await app.emulateMedia({ colorScheme: 'light' });

    await app.getByRole('button', { name: 'Lock' }).click();
    await expect(app.getByLabel('Passphrase', { exact: true })).toBeVisible();
    await shot('09-lock');
  });
});
