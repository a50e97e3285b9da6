import type { Page } from '@playwright/test';
import { expect, expectTurnsAnswered, fillFeverPatient, test } from './fixtures';

/** Opens the analytics screen from the app's navigation (mounted by App.tsx). */
async function openAnalytics(app: Page): Promise<void> {
  await app.getByRole('button', { name: 'Analytics', exact: true }).or(app.getByRole('link', { name: 'Analytics', exact: true })).first().click();
  await expect(app.getByTestId('analytics-view')).toBeVisible();
}

test.describe('local analytics', () => {
  test('after a few turns, the analytics screen shows the right counts', async ({ app, llm }) => {
    llm.queueReply('First answer.', 'Second answer.', 'Third answer.');
    // Session 1: two turns.
    await fillFeverPatient(app);
    await app.getByRole('button', { name: 'Get protocol' }).click();
    await expectTurnsAnswered(app, 1);
    await app.getByLabel('Follow-up').fill('SpO2 88%');
    await app.getByRole('button', { name: 'Send follow-up' }).click();
    await expectTurnsAnswered(app, 2);
    // Session 2: one turn (abandoned after the first answer).
    await app.getByRole('button', { name: 'New patient' }).click();
    await fillFeverPatient(app);
    await app.getByRole('button', { name: 'Get protocol' }).click();
    await expect(app.getByTestId('answer').first()).toHaveText('Third answer.');

    await openAnalytics(app);
    await expect(app.getByTestId('analytics-sessions')).toHaveText('2');
    await expect(app.getByTestId('analytics-turns')).toHaveText('3');
    await expect(app.getByTestId('analytics-mean-turns')).toHaveText('1.5');
    await expect(app.getByTestId('analytics-one-turn')).toHaveText('1 (50%)');
    await expect(app.getByTestId('analytics-regenerations')).toHaveText('0');
    await expect(app.getByTestId('analytics-trimmed')).toHaveText('0 of 3 (0%)');
    await expect(app.getByTestId('analytics-inference')).toHaveText(/^\d+\.\d s \/ \d+\.\d s$/);
    // The charts are titled, and their figures are in tables too.
    await expect(app.getByRole('img', { name: 'Turns per session' })).toBeVisible();
    await expect(app.getByRole('table', { name: 'Turns per session' }).getByRole('row', { name: /^1 turn 1$/ })).toBeVisible();
    await expect(app.getByRole('table', { name: 'Turns per session' }).getByRole('row', { name: /^2 turns 1$/ })).toBeVisible();
  });
});
