import type { Page } from '@playwright/test';
import { expect, expectTurnsAnswered, fillFeverPatient, test } from './fixtures';

test.use({ viewport: { width: 1366, height: 800 } });

/** The seed's febrile 3-year-old (HR 185, RR 48, SpO2 88 %, 40.3 °C): every vital but the BP out of range for the age. */
async function fillFebrileToddler(page: Page): Promise<void> {
  await page.getByLabel('Age', { exact: true }).fill('3');
  await page.getByLabel('Sex').selectOption('female');
  await page.getByLabel('Chief complaint').fill('Fever and fast breathing since this morning');
  await page.getByLabel('Heart rate (beats/min)').fill('185');
  await page.getByLabel('Respiratory rate (breaths/min)').fill('48');
  await page.getByLabel('Temperature', { exact: true }).fill('40.3');
  await page.getByLabel('SpO2 (%)').fill('88');
}

test.describe('vitals are judged for the patient’s age', () => {
  test('the febrile 3-year-old: hints give the age’s ranges, the fields are marked, the send goes through unasked, and the summary and the model’s prompt carry the marks', async ({
    app,
    llm,
  }, testInfo) => {
    llm.queueReply('1. Assess for sepsis.');
    // Before an age is entered, the hint says whose range it shows.
    await expect(app.getByTestId('range-heartRate')).toHaveText('Usual adult range: 60–100 beats/min');

    await fillFebrileToddler(app);
    await expect(app.getByTestId('range-heartRate')).toHaveText('Usual at 3 years: 80–120 beats/min');
    await expect(app.getByTestId('range-respiratoryRate')).toHaveText('Usual at 3 years: 20–28 breaths/min');
    await expect(app.getByTestId('range-spo2')).toHaveText('Usual at 3 years: 95–100 %');
    await expect(app.getByTestId('range-temperature')).toHaveText('Usual at 3 years: 36.0–37.9 °C (96.8–100.2 °F)');

    const heartRate = app.getByLabel('Heart rate (beats/min)');
    await expect(heartRate).toHaveAccessibleDescription('High for age 3 years — usual 80–120 beats/min Usual at 3 years: 80–120 beats/min');
    await expect(app.getByTestId('note-respiratoryRate')).toHaveText('High for age 3 years — usual 20–28 breaths/min');
    await expect(app.getByTestId('note-spo2')).toHaveText('Low for age 3 years — usual 95–100 %');
    await expect(app.getByTestId('note-temperature')).toHaveText('High for age 3 years — usual 36.0–37.9 °C (96.8–100.2 °F)');
    // Merely outside the usual range is not an error.
    await expect(heartRate).toHaveAttribute('aria-invalid', 'false');

    await app.getByRole('button', { name: 'Get protocol' }).click();
    await expect(app.getByTestId('answer').first()).toHaveText('1. Assess for sepsis.');
    expect(llm.chatRequests()).toHaveLength(1);

    const summary = app.getByRole('region', { name: 'Patient summary' });
    await expect(summary).toContainText(
      'Vitals: HR 185/min (high for age; usual 80–120), RR 48/min (high for age; usual 20–28), T 40.3 °C (high for age; usual 36.0–37.9), SpO2 88 % (low for age; usual 95–100)',
    );
    // Highlighted, with the words: four marked values.
    await expect(summary.locator('mark')).toHaveText([
      'HR 185/min (high for age; usual 80–120)',
      'RR 48/min (high for age; usual 20–28)',
      'T 40.3 °C (high for age; usual 36.0–37.9)',
      'SpO2 88 % (low for age; usual 95–100)',
    ]);
    await summary.screenshot({ path: testInfo.outputPath('patient-summary-marks.png') });

    const system = (llm.chatRequests()[0]!.body as { messages: { role: string; content: string }[] }).messages[0]!;
    expect(system.role).toBe('system');
    expect(system.content).toContain('- Vitals: HR 185/min (high for age; usual 80–120), RR 48/min (high for age; usual 20–28)');
    expect(system.content).toContain('SpO2 88 % (low for age; usual 95–100)');
  });

  test('a follow-up that updates the vitals is judged for the session patient’s age', async ({ app, llm }) => {
    llm.queueReply('1. Fluid bolus.', '2. Reassess.');
    await fillFebrileToddler(app);
    await app.getByRole('button', { name: 'Get protocol' }).click();
    await expect(app.getByTestId('answer').first()).toHaveText('1. Fluid bolus.');
    const sessionId = (await app.getByTestId('session-id').textContent()) ?? '';

    // The follow-up carries new vitals only; the age stays the session's (3 years), so 135 is still high.
    const result = await app.evaluate(
      (id) => window.api.protocol.generate({ sessionId: id, message: 'After the bolus', patient: { vitals: { heartRate: 135, spo2: 96 } } }),
      sessionId,
    );
    expect(result).toMatchObject({ ok: true });
    const system = (llm.chatRequests()[1]!.body as { messages: { content: string }[] }).messages[0]!.content;
    expect(system).toContain('- Vitals: HR 135/min (high for age; usual 80–120), RR 48/min (high for age; usual 20–28)');
    expect(system).toContain('SpO2 96 %');
    expect(system).not.toContain('SpO2 96 % (');
  });

  test('an adult’s SpO2 94 % and HR 104 are marked in the form and the summary', async ({ app, llm }) => {
    llm.queueReply('1. Chest X-ray.');
    await fillFeverPatient(app);
    await expect(app.getByTestId('range-heartRate')).toHaveText('Usual at 60 years: 60–100 beats/min');
    await expect(app.getByTestId('note-heartRate')).toHaveText('High for age 60 years — usual 60–100 beats/min');
    await expect(app.getByTestId('note-spo2')).toHaveText('Low for age 60 years — usual 95–100 %');
    await expect(app.getByTestId('note-systolicBp')).toHaveCount(0);
    await app.getByRole('button', { name: 'Get protocol' }).click();
    const summary = app.getByRole('region', { name: 'Patient summary' });
    await expect(summary.locator('mark')).toContainText(['HR 104/min (high for age; usual 60–100)', 'SpO2 94 % (low for age; usual 95–100)']);
  });
});

test.describe('one send reports every problem at once, each on its field', () => {
  test('HR 900, "abc" in systolic and a value to confirm are all shown together, with a count at the send button and the focus on the first', async ({
    app,
    llm,
  }, testInfo) => {
    await fillFeverPatient(app);
    await app.getByLabel('Heart rate (beats/min)').fill('900');
    await app.getByLabel('Systolic BP (mmHg)').fill('abc');
    await app.getByLabel('Respiratory rate (breaths/min)').fill('70');
    await app.getByRole('button', { name: 'Get protocol' }).click();

    const heartRate = app.getByLabel('Heart rate (beats/min)');
    const systolic = app.getByLabel('Systolic BP (mmHg)');
    const breathing = app.getByLabel('Respiratory rate (breaths/min)');
    await expect(heartRate).toHaveAttribute('aria-invalid', 'true');
    await expect(heartRate).toHaveAccessibleDescription(/^Heart rate cannot be above 350 beats\/min/);
    await expect(systolic).toHaveAttribute('aria-invalid', 'true');
    await expect(systolic).toHaveAccessibleDescription(/^Systolic blood pressure must be a number/);
    // The value to confirm is on its own field, not an error, quoting the same range as the hint under it.
    await expect(breathing).toHaveAttribute('aria-invalid', 'false');
    await expect(breathing).toHaveAccessibleDescription(
      /^Check: Respiratory rate 70 breaths\/min is far above the usual 12–20 breaths\/min at 60 years — is it a typo\? Please confirm\..*Usual at 60 years: 12–20 breaths\/min$/,
    );
    // The soft mark of another field is there too.
    await expect(app.getByTestId('note-spo2')).toHaveText('Low for age 60 years — usual 95–100 %');

    await expect(app.getByTestId('intake-problems')).toHaveText('3 problems — first: Heart rate. Nothing was sent.');
    await expect(heartRate).toBeFocused();
    expect(llm.chatRequests()).toHaveLength(0);
    await app.getByRole('group', { name: 'Vital signs' }).screenshot({ path: testInfo.outputPath('one-round-validation.png') });

    // Fixing the errors leaves the value to confirm, which is then the only problem.
    await heartRate.fill('104');
    await systolic.fill('128');
    await app.getByRole('button', { name: 'Get protocol' }).click();
    await expect(app.getByTestId('intake-problems')).toHaveText('1 problem — first: Respiratory rate. Nothing was sent.');
    await expect(breathing).toBeFocused();
    await app.getByLabel('I confirm these values are correct').check();
    await app.getByRole('button', { name: 'Get protocol' }).click();
    await expectTurnsAnswered(app, 1);
    expect(llm.chatRequests()).toHaveLength(1);
  });
});

test.describe('a temperature in the wrong unit', () => {
  test('104.5 with °C is refused with a suggestion of °F, and its button switches the unit keeping the number', async ({ app, llm }) => {
    await fillFeverPatient(app);
    await app.getByLabel('Temperature unit').selectOption('°C');
    const temperature = app.getByLabel('Temperature', { exact: true });
    await temperature.fill('104.5');
    await app.getByRole('button', { name: 'Get protocol' }).click();

    await expect(temperature).toHaveAttribute('aria-invalid', 'true');
    await expect(temperature).toHaveAccessibleDescription(/^104\.5 °C is not possible — did you mean 104\.5 °F \(40\.3 °C\)\?/);
    expect(llm.chatRequests()).toHaveLength(0);

    await app.getByRole('button', { name: 'Switch to °F' }).click();
    await expect(app.getByLabel('Temperature unit')).toHaveValue('F');
    await expect(temperature).toHaveValue('104.5');
    await expect(temperature).toHaveAttribute('aria-invalid', 'false');
    await expect(temperature).toBeFocused();
    await expect(app.getByTestId('note-temperature')).toHaveText('High for age 60 years — usual 36.0–37.9 °C (96.8–100.2 °F)');

    await app.getByRole('button', { name: 'Get protocol' }).click();
    await expectTurnsAnswered(app, 1);
    const system = (llm.chatRequests()[0]!.body as { messages: { content: string }[] }).messages[0]!.content;
    expect(system).toContain('T 40.3 °C (high for age; usual 36.0–37.9)');
  });

  test('38.5 with °F suggests °C', async ({ app }) => {
    await fillFeverPatient(app);
    await app.getByLabel('Temperature', { exact: true }).fill('38.5');
    await app.getByRole('button', { name: 'Get protocol' }).click();
    await expect(app.getByText('38.5 °F is not possible — did you mean 38.5 °C (101.3 °F)?', { exact: true })).toBeVisible();
    await app.getByRole('button', { name: 'Switch to °C' }).click();
    await expect(app.getByLabel('Temperature unit')).toHaveValue('C');
    await expect(app.getByLabel('Temperature', { exact: true })).toHaveValue('38.5');
  });
});
