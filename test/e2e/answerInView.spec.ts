import type { Locator, Page } from '@playwright/test';
import { expect, expectTurnsAnswered, fillFeverPatient, test } from './fixtures';

/**
 * Issue 11, points 3, 4 and 7, on a common clinic workstation screen (1366×800): the answer is the main thing on the
 * screen — a one-row app header and a compact session header, the view following a streaming answer unless the
 * clinician scrolled away, the header's actions and the safety notice always on screen, and a shell that fills the
 * window with the sidebar and the main column scrolling on their own.
 */
const SCREEN = { width: 1366, height: 800 };

/** A long numbered protocol: many more lines than the screen holds. */
const LONG_ANSWER = Array.from({ length: 60 }, (_unused, index) => `${index + 1}. Reassess the patient, step ${index + 1}.`).join('\n');

/** The main column's scroll area. */
const mainArea = (page: Page): Locator => page.getByRole('main');

/** Top and bottom of an element on screen, in CSS pixels. */
async function edges(locator: Locator): Promise<{ top: number; bottom: number }> {
  const box = await locator.boundingBox();
  if (box === null) throw new Error('not rendered');
  return { top: box.y, bottom: box.y + box.height };
}

/** The part of the main column that is not under its sticky session header: where a line can be read. */
async function readableBand(page: Page): Promise<{ top: number; bottom: number }> {
  const main = await edges(mainArea(page));
  const header = await edges(page.getByTestId('session-header'));
  return { top: header.bottom, bottom: main.bottom };
}

async function mainScrollTop(page: Page): Promise<number> {
  return mainArea(page).evaluate((element) => element.scrollTop);
}

/** Sends the fever patient with a long answer streamed slowly, and waits until it fills more than the screen. */
async function streamLongAnswer(page: Page, llm: Parameters<Parameters<typeof test>[2]>[0]['llm']): Promise<void> {
  llm.setChunkDelay(25);
  llm.queueReply(LONG_ANSWER);
  await fillFeverPatient(page);
  await page.getByRole('button', { name: 'Get protocol' }).click();
  await expect(page.getByTestId('answer').first()).toContainText('step 30.', { timeout: 20_000 });
}

test.describe('the answer in view at 1366×800', () => {
  test.use({ viewport: SCREEN });

  test('the first answer starts high on the screen, under a one-row app header and a compact session header', async ({ app, llm }) => {
    llm.queueReply('## Assessment\nCommunity-acquired pneumonia, CURB-65 of 1.\n\n1. Chest X-ray.\n2. Start amoxicillin.');
    await fillFeverPatient(app);
    await app.getByRole('button', { name: 'Get protocol' }).click();
    const answer = app.getByTestId('answer').first();
    await expect(answer).toContainText('Start amoxicillin');

    // The answer's first line, not a card further down: above y=360 (it was at y≈640).
    expect((await edges(answer)).top).toBeLessThan(360);
    // One row of app header: title, status, screens and the account all on it.
    const appHeader = await edges(app.getByRole('banner').first());
    expect(appHeader.bottom - appHeader.top).toBeLessThan(64);
    const lock = await edges(app.getByRole('button', { name: 'Lock' }));
    const title = await edges(app.getByRole('heading', { name: 'Clinic Protocol Assistant' }));
    expect(Math.abs(lock.top + lock.bottom - (title.top + title.bottom)) / 2).toBeLessThan(8);

    // The key facts and the actions are on one row with the session's title.
    const header = app.getByTestId('session-header');
    const sessionTitle = await edges(header.getByRole('heading', { name: 'Session', exact: true }));
    for (const onTheRow of [
      header.getByTestId('turn-count'),
      header.getByTestId('session-model'),
      header.getByRole('button', { name: 'New patient' }),
      header.getByRole('button', { name: 'Export', exact: true }),
      header.getByRole('button', { name: 'Delete session' }),
      header.getByRole('button', { name: 'Details' }),
    ]) {
      const box = await edges(onTheRow);
      expect(Math.abs((box.top + box.bottom) / 2 - (sessionTitle.top + sessionTitle.bottom) / 2)).toBeLessThan(12);
    }
    await expect(header.getByTestId('turn-count')).toHaveText('1');
    // The patient is still in view, in the header.
    await expect(header.getByRole('region', { name: 'Patient summary' })).toContainText('Penicillin (rash)');
    await expect(header.getByRole('region', { name: 'Patient summary' })).toBeInViewport();

    // The rest is on demand, from the keyboard too.
    await expect(header.getByTestId('session-endpoint')).toBeHidden();
    await expect(header.getByTestId('session-endpoint')).toHaveText(llm.baseURL);
    const details = header.getByRole('button', { name: 'Details' });
    await expect(details).toHaveAttribute('aria-expanded', 'false');
    await details.focus();
    await app.keyboard.press('Enter');
    await expect(details).toHaveAttribute('aria-expanded', 'true');
    await expect(header.getByTestId('session-id')).toBeVisible();
    await expect(header.getByTestId('session-endpoint')).toBeVisible();
    await expect(header.getByText('Inference time')).toBeVisible();
  });

  test('Export is a compact menu in the header row, its formats a labelled group with space between them', async ({ app, llm }) => {
    llm.queueReply('Start oxygen and antibiotics.');
    await fillFeverPatient(app);
    await app.getByRole('button', { name: 'Get protocol' }).click();
    const toggle = app.getByRole('button', { name: 'Export', exact: true });
    await expect(toggle).toHaveAttribute('aria-expanded', 'false');
    await expect(app.getByRole('button', { name: 'Markdown' })).toBeHidden();
    await toggle.focus();
    await app.keyboard.press('Enter');
    await expect(toggle).toHaveAttribute('aria-expanded', 'true');
    const group = app.getByRole('group', { name: 'Export this session' });
    const boxes = [];
    for (const name of ['Markdown', 'JSON', 'PDF']) boxes.push(await group.getByRole('button', { name }).boundingBox());
    for (let index = 1; index < boxes.length; index += 1) {
      expect(boxes[index]!.x - (boxes[index - 1]!.x + boxes[index - 1]!.width)).toBeGreaterThanOrEqual(4);
    }
  });

  test('the view follows a streaming answer until the clinician scrolls up, then stays put and offers "Jump to latest"', async ({ app, llm }) => {
    await streamLongAnswer(app, llm);
    const answer = app.getByTestId('answer').first();
    const jump = app.getByRole('button', { name: 'Jump to latest' });

    // Following: the newest line stays in the readable part of the view as the answer grows past the screen.
    for (const step of ['step 36.', 'step 42.']) {
      await expect(answer).toContainText(step);
      const band = await readableBand(app);
      const end = await edges(answer);
      expect(end.bottom).toBeGreaterThan(band.top);
      expect(end.bottom).toBeLessThanOrEqual(band.bottom);
    }
    await expect(jump).toBeHidden();

    // The clinician scrolls up to re-read: the view stays where they put it while the answer keeps growing.
    const band = await readableBand(app);
    await app.mouse.move(900, (band.top + band.bottom) / 2);
    await app.mouse.wheel(0, -400);
    await expect(jump).toBeVisible();
    const parked = await mainScrollTop(app);
    const lengthThen = ((await answer.textContent()) ?? '').length;
    await expect.poll(async () => ((await answer.textContent()) ?? '').length).toBeGreaterThan(lengthThen + 40);
    expect(await mainScrollTop(app)).toBe(parked);
    expect((await edges(answer)).bottom).toBeGreaterThan(SCREEN.height);

    // "Jump to latest" brings the newest line back and follows again (focus goes to Stop, not lost).
    await jump.click();
    await expect(jump).toBeHidden();
    await expect(app.getByRole('button', { name: 'Stop' })).toBeFocused();
    await expect(answer).toContainText('step 55.', { timeout: 20_000 });
    const end = await edges(answer);
    expect(end.bottom).toBeLessThanOrEqual((await readableBand(app)).bottom);
    llm.setChunkDelay(2);
  });

  test('scrolling back to the end during a stream follows again', async ({ app, llm }) => {
    await app.emulateMedia({ reducedMotion: 'reduce' });
    await streamLongAnswer(app, llm);
    const jump = app.getByRole('button', { name: 'Jump to latest' });
    const band = await readableBand(app);
    await app.mouse.move(900, (band.top + band.bottom) / 2);
    await app.mouse.wheel(0, -300);
    await expect(jump).toBeVisible();
    await mainArea(app).evaluate((element) => element.scrollTo({ top: element.scrollHeight }));
    await expect(jump).toBeHidden();
    const before = await mainScrollTop(app);
    await expect.poll(() => mainScrollTop(app)).toBeGreaterThan(before);
  });

  test('the safety notice is on screen on the intake form, while an answer streams and after a long session', async ({ app, llm }) => {
    const notice = app.getByTestId('safety-notice');
    await expect(app.getByLabel('Chief complaint')).toBeVisible();
    await expect(notice).toBeInViewport({ ratio: 1 });
    await expect(notice).toContainText('not orders');

    await streamLongAnswer(app, llm);
    await expect(notice).toBeInViewport({ ratio: 1 });
    // With the answer too: a short reminder under it, which the view keeps in sight as it follows the stream.
    await expect(app.getByTestId('answer-notice').first()).toHaveText('Decision support only — check against local protocols and your clinical judgement.');
    await expect(app.getByTestId('answer-notice').first()).toBeInViewport();
    llm.setChunkDelay(2);
    await expect(app.getByTestId('answer').first()).toContainText('step 60.', { timeout: 20_000 });

    llm.queueReply('Reassess after the first bolus.', 'Consider a second bolus.');
    for (const question of ['SpO2 92 % on oxygen', 'Still tachycardic']) {
      await app.getByLabel('Follow-up').fill(question);
      await app.getByRole('button', { name: 'Send follow-up' }).click();
      await expect(app.getByText(question)).toBeVisible();
    }
    await expectTurnsAnswered(app, 3);
    await expect(notice).toBeInViewport({ ratio: 1 });
    await expect(app.getByTestId('answer-notice')).toHaveCount(3);
  });

  test('in a long session the header with New patient, Export and Lock stays on screen wherever the clinician scrolls', async ({ app, llm }) => {
    llm.queueReply(LONG_ANSWER);
    await fillFeverPatient(app);
    await app.getByRole('button', { name: 'Get protocol' }).click();
    await expect(app.getByTestId('answer').first()).toContainText('step 60.');
    for (const top of [0, 600, 100_000]) {
      await mainArea(app).evaluate((element, y) => element.scrollTo({ top: y }), top);
      for (const control of [
        app.getByRole('button', { name: 'New patient' }),
        app.getByRole('button', { name: 'Export', exact: true }),
        app.getByRole('button', { name: 'Lock' }),
        app.getByRole('heading', { name: 'Session', exact: true }),
      ]) {
        await expect(control).toBeInViewport({ ratio: 1 });
      }
    }
    expect(await mainScrollTop(app)).toBeGreaterThan(600);

    // Another screen opens at its top, not where the conversation was left.
    await app.getByRole('navigation', { name: 'Screens' }).getByRole('button', { name: 'Settings' }).click();
    await expect(app.getByRole('heading', { name: 'Settings' }).first()).toBeInViewport();
    expect(await mainScrollTop(app)).toBe(0);
  });
});

test.describe('the shell fills the window at 1366×800', () => {
  test.use({ viewport: SCREEN });

  test('the page never scrolls, the sidebar ends on screen, and the wheel over the list moves only the list', async ({ app, llm }) => {
    test.setTimeout(120_000);
    // Enough past sessions to overflow the sidebar's list.
    const complaints = Array.from({ length: 11 }, (_unused, index) => `Cough and fever, case ${index + 1}`);
    // Only the last two, which the test opens again, need a long answer: the others only fill the list (and time).
    const answerOf = (index: number): string => (index >= complaints.length - 2 ? LONG_ANSWER : 'Chest X-ray.');
    llm.queueReply(...complaints.map((_complaint, index) => answerOf(index)));
    for (const [index, complaint] of complaints.entries()) {
      await fillFeverPatient(app);
      await app.getByLabel('Chief complaint').fill(complaint);
      await app.getByRole('button', { name: 'Get protocol' }).click();
      await expect(app.getByTestId('answer').first()).toContainText(index >= complaints.length - 2 ? 'step 60.' : 'Chest X-ray.');
      await app.getByRole('button', { name: 'New patient' }).click();
    }
    const sidebar = app.getByRole('complementary', { name: 'Sessions' });
    await expect(sidebar.getByTestId('sessions-summary')).toHaveText('11 sessions');
    // Back to a long session, so the main column has something to scroll too; another one opens at its top.
    await sidebar.getByRole('button', { name: /case 10/ }).click();
    await expect(app.getByTestId('answer').first()).toContainText('step 60.');
    await mainArea(app).evaluate((element) => element.scrollTo({ top: element.scrollHeight }));
    await sidebar.getByRole('button', { name: /case 11/ }).click();
    await expect(app.getByRole('main')).toContainText('case 11');
    await expect.poll(() => mainScrollTop(app)).toBe(0);
    await expect(app.getByTestId('answer').first()).toContainText('step 60.');

    const page = await app.evaluate(() => ({
      scrollHeight: document.documentElement.scrollHeight,
      clientHeight: document.documentElement.clientHeight,
    }));
    expect(page.scrollHeight).toBeLessThanOrEqual(page.clientHeight);
    expect((await edges(sidebar)).bottom).toBeLessThanOrEqual(SCREEN.height);

    const list = sidebar.locator('.session-list');
    const listScroll = () => list.evaluate((element) => element.scrollTop);
    const box = (await list.boundingBox())!;
    const mainBefore = await mainScrollTop(app);
    await app.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await app.mouse.wheel(0, 300);
    await expect.poll(listScroll).toBeGreaterThan(0);
    // Past the list's end: the wheel still moves nothing else.
    await app.mouse.wheel(0, 5_000);
    await expect.poll(() => list.evaluate((element) => element.scrollHeight - element.scrollTop - element.clientHeight)).toBeLessThan(2);
    expect(await mainScrollTop(app)).toBe(mainBefore);
    expect(await app.evaluate(() => window.scrollY)).toBe(0);

    // And over the conversation, only the conversation moves.
    await app.mouse.move(900, 500);
    await app.mouse.wheel(0, 400);
    await expect.poll(() => mainScrollTop(app)).toBeGreaterThan(mainBefore);
    expect(await app.evaluate(() => window.scrollY)).toBe(0);
  });
});
