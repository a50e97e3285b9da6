import { expect, test, twoAnsweredSessions } from './fixtures';

test.describe('sessions date filter', () => {
  test('today, a past range and all, combined with the search', async ({ app, llm }) => {
    await twoAnsweredSessions(app, llm);

    const sidebar = app.getByRole('complementary', { name: 'Sessions' });
    const rows = sidebar.getByTestId('session-row');
    await expect(rows).toHaveCount(2);
    await sidebar.getByRole('button', { name: 'Today' }).click();
    await expect(sidebar.getByRole('button', { name: 'Today' })).toHaveAttribute('aria-pressed', 'true');
    await expect(rows).toHaveCount(2);

    await sidebar.getByRole('button', { name: 'Dates…' }).click();
    await sidebar.getByLabel('From').fill('2020-01-01');
    await sidebar.getByLabel('To').fill('2020-01-31');
    await expect(rows).toHaveCount(0);
    await expect(sidebar.getByTestId('sessions-summary')).toHaveText('No sessions in these dates.');

    await sidebar.getByRole('button', { name: 'Last 7 days' }).click();
    await expect(rows).toHaveCount(2);
    await sidebar.getByLabel('Search sessions').fill('angiography');
    await expect(rows).toHaveCount(1);
    await expect(rows).toContainText('Pleuritic chest pain');

    // A past range holds the search to it too.
    await sidebar.getByRole('button', { name: 'Dates…' }).click();
    await sidebar.getByLabel('To').fill('2020-01-31');
    await expect(rows).toHaveCount(0);
    await sidebar.getByRole('button', { name: 'All' }).click();
    await expect(rows).toHaveCount(1);
  });
});
