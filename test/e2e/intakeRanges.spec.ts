import { expect, test } from './fixtures';

test.describe('intake: units and usual ranges shown with each vital sign', () => {
  test('each vital sign names its unit and shows its usual adult range, read with the field by assistive technology', async ({ app }) => {
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
    await expect(app.getByTestId('range-temperature')).toContainText('36.1–37.8 °C');
  });

  test('an error on the field is read before the range', async ({ app }) => {
    await app.getByLabel('SpO2 (%)').fill('140');
    await app.getByRole('button', { name: 'Get protocol' }).click();
    await expect(app.getByLabel('SpO2 (%)')).toHaveAccessibleDescription(/^SpO2 cannot be above 100 %.*Usual adult range: 95–100 %$/);
  });
});
