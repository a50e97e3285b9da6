import { expectRegionAccessible } from './accessibilityChecks';
import { expect, expectTurnsAnswered, fillFeverPatient, test } from './fixtures';

/**
 * Issue 11 point 5: a "Do not keep" session is discarded for good when the clinician leaves it, so the page asks first
 * — whether they press New patient or open another session from the sidebar.
 */
test.describe('leaving a "Do not keep" session', () => {
  test.use({ viewport: { width: 1366, height: 800 } });

  test('asks first on New patient and on a sidebar click: Stay keeps it on screen, Discard goes on', async ({ app, llm }) => {
    llm.queueReply('Kept protocol: start antibiotics.', 'Unkept protocol: oxygen first.');
    // A kept session to click in the sidebar.
    await fillFeverPatient(app);
    await app.getByLabel('Chief complaint').fill('Pleuritic chest pain');
    await app.getByRole('button', { name: 'Get protocol' }).click();
    await expectTurnsAnswered(app, 1);
    await app.getByRole('button', { name: 'New patient' }).click();
    // Nothing to lose for a kept session: no question.
    await expect(app.getByLabel('Chief complaint')).toHaveValue('');
    await expect(app.getByRole('alertdialog')).toHaveCount(0);

    await fillFeverPatient(app);
    await app.getByLabel(/Do not keep this session/).check();
    await app.getByRole('button', { name: 'Get protocol' }).click();
    await expect(app.getByTestId('answer').first()).toHaveText('Unkept protocol: oxygen first.');

    const newPatient = app.getByRole('button', { name: 'New patient' });
    await newPatient.click();
    const dialog = app.getByRole('alertdialog', { name: 'Discard this session?' });
    await expect(dialog).toContainText('This session is not kept. Leaving it discards it for good — it cannot be reopened.');
    await expect(dialog.getByRole('button', { name: 'Stay' })).toBeFocused();
    await expectRegionAccessible(dialog, 'discard an unkept session dialog');
    // The keyboard stays inside the dialog.
    await app.keyboard.press('Tab');
    await expect(dialog.getByRole('button', { name: 'Discard and continue' })).toBeFocused();
    await app.keyboard.press('Tab');
    await expect(dialog.getByRole('button', { name: 'Stay' })).toBeFocused();
    // Escape = Stay: the session is still on screen, the focus back on New patient.
    await app.keyboard.press('Escape');
    await expect(dialog).toHaveCount(0);
    await expect(app.getByTestId('answer').first()).toHaveText('Unkept protocol: oxygen first.');
    await expect(newPatient).toBeFocused();

    // A click on another session asks too; Stay keeps the unkept one.
    const sidebar = app.getByRole('complementary', { name: 'Sessions' });
    await sidebar.getByRole('button', { name: 'Pleuritic chest pain' }).click();
    await expect(dialog).toBeVisible();
    await dialog.getByRole('button', { name: 'Stay' }).click();
    await expect(app.getByTestId('answer').first()).toHaveText('Unkept protocol: oxygen first.');
    await expect(app.getByTestId('not-kept-badge')).toHaveText('Not kept');

    // Discard and continue opens the clicked session.
    await sidebar.getByRole('button', { name: 'Pleuritic chest pain' }).click();
    await dialog.getByRole('button', { name: 'Discard and continue' }).click();
    await expect(dialog).toHaveCount(0);
    await expect(app.getByTestId('answer').first()).toHaveText('Kept protocol: start antibiotics.');
    await expect(app.getByTestId('not-kept-badge')).toHaveCount(0);
  });

  test('Discard and continue on New patient empties the form', async ({ app, llm }) => {
    llm.queueReply('Unkept protocol: oxygen first.');
    await fillFeverPatient(app);
    await app.getByLabel(/Do not keep this session/).check();
    await app.getByRole('button', { name: 'Get protocol' }).click();
    await expect(app.getByTestId('answer').first()).toHaveText('Unkept protocol: oxygen first.');
    await app.getByRole('button', { name: 'New patient' }).click();
    await app.getByRole('alertdialog').getByRole('button', { name: 'Discard and continue' }).click();
    await expect(app.getByLabel('Chief complaint')).toHaveValue('');
    await expect(app.getByTestId('answer')).toHaveCount(0);
  });
});
