import { expect, fillFeverPatient, test } from './fixtures';

test.describe('search (vault.search)', () => {
  test('finds a session by words of its answer, not only its title', async ({ app, llm }) => {
    llm.queueReply('Consider pulmonary embolism; arrange CT angiography.', 'Start oxygen and antibiotics.');
    await fillFeverPatient(app);
    await app.getByLabel('Chief complaint').fill('Pleuritic chest pain');
    await app.getByRole('button', { name: 'Get protocol' }).click();
    await expect(app.getByTestId('turn-count')).toHaveText('1');
    await app.getByRole('button', { name: 'New patient' }).click();
    await fillFeverPatient(app);
    await app.getByRole('button', { name: 'Get protocol' }).click();
    await expect(app.getByTestId('answer').first()).toHaveText('Start oxygen and antibiotics.');

    const sidebar = app.getByRole('complementary', { name: 'Sessions' });
    await expect(sidebar.getByTestId('session-row')).toHaveCount(2);
    await sidebar.getByLabel('Search sessions').fill('angiography');
    await expect(sidebar.getByTestId('session-row')).toHaveCount(1);
    await expect(sidebar.getByTestId('session-row')).toContainText('Pleuritic chest pain');
  });
});
