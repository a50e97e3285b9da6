import { expect, test } from './fixtures';

test.describe('intake: units and usual ranges shown with each vital sign', () => {
  test('each vital sign names its unit and, before an age is entered, the usual adult range, read with the field by assistive technology', async ({ app }) => {
    const expected: [string, string, string][] = [
      ['Heart rate (beats/min)', 'heartRate', '60–100 beats/min'],
      ['Systolic BP (mmHg)', 'systolicBp', '90–139 mmHg'],
      ['Diastolic BP (mmHg)', 'diastolicBp', '60–89 mmHg'],
      ['Respiratory rate (breaths/min)', 'respiratoryRate', '12–20 breaths/min'],
      ['SpO2 (%)', 'spo2', '95–100 %'],
    ];
    for (const [label, field, range] of expected) {
      const input = app.getByLabel(label);
      await expect(app.getByTestId(`range-${field}`)).toHaveText(`Usual adult range: ${range}`);
      await expect(input).toHaveAccessibleDescription(`Usual adult range: ${range}`);
    }
    // Fever is 38.0 °C and hypothermia below 36.0 °C at every age past the neonatal period.
    await expect(app.getByTestId('range-temperature')).toHaveText('Usual adult range: 36.0–37.9 °C (96.8–100.2 °F)');
  });

  test('the ranges follow the age as it is typed, in any unit', async ({ app }) => {
    const age = app.getByLabel('Age', { exact: true });
    await age.fill('3');
    await expect(app.getByLabel('Heart rate (beats/min)')).toHaveAccessibleDescription('Usual at 3 years: 80–120 beats/min');
    await app.getByLabel('Age unit').selectOption('days');
    await age.fill('10');
    await expect(app.getByTestId('range-heartRate')).toHaveText('Usual at 10 days: 100–205 beats/min');
    await expect(app.getByTestId('range-temperature')).toHaveText('Usual at 10 days: 36.5–37.9 °C (97.7–100.2 °F)');
    await app.getByLabel('Age unit').selectOption('months');
    await age.fill('12');
    await expect(app.getByTestId('range-heartRate')).toHaveText('Usual at 12 months: 98–140 beats/min');
    await app.getByLabel('Age unit').selectOption('years');
    await age.fill('16');
    await expect(app.getByTestId('range-systolicBp')).toHaveText('Usual at 16 years: 90–139 mmHg');
  });

  test('an error on the field is read before the range', async ({ app }) => {
    await app.getByLabel('SpO2 (%)').fill('140');
    await app.getByRole('button', { name: 'Get protocol' }).click();
    await expect(app.getByLabel('SpO2 (%)')).toHaveAccessibleDescription(/^SpO2 cannot be above 100 %.*Usual adult range: 95–100 %$/);
    await expect(app.getByLabel('SpO2 (%)')).toHaveAttribute('aria-invalid', 'true');
  });
});
