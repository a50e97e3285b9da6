import { expect, test, twoAnsweredSessions } from './fixtures';

test.describe('search (vault.search)', () => {
  test('finds a session by words of its answer, not only its title', async ({ app, llm }) => {
    await twoAnsweredSessions(app, llm);

    const sidebar = app.getByRole('complementary', { name: 'Sessions' });
    await expect(sidebar.getByTestId('session-row')).toHaveCount(2);
    await sidebar.getByLabel('Search sessions').fill('angiography');
    await expect(sidebar.getByTestId('session-row')).toHaveCount(1);
    await expect(sidebar.getByTestId('session-row')).toContainText('Pleuritic chest pain');
  });
});
