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
    // The charts are titled, and their figures are in tables too, folded away until asked for.
    await expect(app.getByRole('img', { name: 'Turns per session' })).toBeVisible();
    await expect(app.getByRole('table', { name: 'Turns per session' })).toBeHidden();
    await app.getByText('Show the figures as a table: Turns per session').click();
    await expect(app.getByRole('table', { name: 'Turns per session' }).getByRole('row', { name: /^1 turn 1$/ })).toBeVisible();
    await expect(app.getByRole('table', { name: 'Turns per session' }).getByRole('row', { name: /^2 turns 1$/ })).toBeVisible();
  });

  test.describe('at 1366×800', () => {
    test.use({ viewport: { width: 1366, height: 800 } });

    test('one day of sessions is one bar among two weeks of days, titles above the charts, axis labels inside them, tables folded', async ({ app, llm }) => {
      llm.queueReply('First answer.');
      await fillFeverPatient(app);
      await app.getByRole('button', { name: 'Get protocol' }).click();
      await expect(app.getByTestId('answer').first()).toHaveText('First answer.');
      await openAnalytics(app);
      await expect(app.getByTestId('analytics-sessions')).toHaveText('1');

      const perDay = app.getByRole('img', { name: 'Sessions per day' });
      const chartBox = await perDay.boundingBox();
      if (chartBox === null) throw new Error('no chart');
      // Fourteen days, today the last; one bar drawn (the other days are zero) and it is narrow, not the chart's width.
      await expect(perDay.locator('rect')).toHaveCount(14);
      const drawn = perDay.locator('rect[height]:not([height="0"])');
      await expect(drawn).toHaveCount(1);
      const barBox = await drawn.boundingBox();
      expect(barBox?.width ?? chartBox.width).toBeLessThan(chartBox.width / 10);
      const today = await app.evaluate(() => new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short' }).format(new Date()));
      await expect(perDay.locator('text').last()).toHaveText(today);
      expect(await perDay.locator('text').count()).toBeGreaterThan(5);

      for (const name of ['Sessions per day', 'Turns per session', 'Messages by hour of day']) {
        const chart = app.getByRole('img', { name });
        const heading = app.getByRole('heading', { name, exact: true });
        const [headingBox, svgBox] = [await heading.boundingBox(), await chart.boundingBox()];
        // The title sits right above its chart.
        expect(headingBox && svgBox && headingBox.y + headingBox.height <= svgBox.y + 1).toBe(true);
        expect(headingBox && svgBox && svgBox.y - (headingBox.y + headingBox.height) < 40).toBe(true);
        // Every label is drawn inside the chart's own box (nothing cut at its edges, 00:00 included).
        const outside = await chart.evaluate((svg: SVGSVGElement) => {
          const box = svg.viewBox.baseVal;
          return [...svg.querySelectorAll('text')]
            .map((text) => ({ text: text.textContent, bbox: text.getBBox() }))
            .filter(({ bbox }) => bbox.x < box.x || bbox.y < box.y || bbox.x + bbox.width > box.x + box.width || bbox.y + bbox.height > box.y + box.height)
            .map(({ text }) => text);
        });
        expect(outside).toEqual([]);
        await expect(app.getByRole('table', { name })).toBeHidden();
      }
      await expect(app.getByRole('img', { name: 'Messages by hour of day' }).locator('text', { hasText: '00:00' })).toHaveCount(1);

      // The table opens from the keyboard, and lists every day charted.
      const summary = app.getByText('Show the figures as a table: Sessions per day');
      await summary.focus();
      await app.keyboard.press('Enter');
      const table = app.getByRole('table', { name: 'Sessions per day' });
      await expect(table).toBeVisible();
      await expect(table.getByRole('row')).toHaveCount(15);
      await expect(table.getByRole('row').last()).toHaveText(/1$/);
    });
  });
});
