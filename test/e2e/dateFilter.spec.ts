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

test.describe('the From/To inputs at 1366×800', () => {
  test.use({ viewport: { width: 1366, height: 800 } });

  test('line up: both inputs start at the same x and are as wide; each label sits level with its input', async ({ app }) => {
    const sidebar = app.getByRole('complementary', { name: 'Sessions' });
    await sidebar.getByRole('button', { name: 'Dates…' }).click();
    const box = async (locator: ReturnType<typeof sidebar.getByLabel>) => (await locator.boundingBox())!;
    const from = await box(sidebar.getByLabel('From'));
    const to = await box(sidebar.getByLabel('To'));
    expect(Math.abs(from.x - to.x)).toBeLessThanOrEqual(1);
    expect(Math.abs(from.width - to.width)).toBeLessThanOrEqual(1);
    // One under the other, not side by side.
    expect(to.y).toBeGreaterThan(from.y + from.height - 1);
    for (const [name, input] of [['From', from], ['To', to]] as const) {
      const label = await box(sidebar.locator('.date-filter-range label', { hasText: name }));
      // Level with its input (centred within 2 px), and to its left.
      expect(Math.abs(label.y + label.height / 2 - (input.y + input.height / 2))).toBeLessThanOrEqual(2);
      expect(label.x + label.width).toBeLessThanOrEqual(input.x);
    }
  });
});
