import type { Locator, Page } from '@playwright/test';
import { expectRegionAccessible, expectScreenAccessible } from './accessibilityChecks';
import { CLINICIAN_PASSPHRASE, expect, expectTurnsAnswered, fillFeverPatient, test as appTest } from './fixtures';
import { focusStep, type FocusStep } from './focusStep.browser';

/**
 * Accessibility: axe-core's WCAG 2.0/2.1 A and AA rules on every screen the app has and the states the tests drive it
 * into, in the light and the dark colour scheme, and the main path — sign-in, intake, a follow-up, the sessions list —
 * done with the keyboard alone, with a visible focus indicator on every control it lands on.
 *
 * Each distinct screen is checked whole once (lock screen creating a profile, lock screen signing in, intake,
 * conversation, offline conversation, settings, analytics); every later state is checked in the region that changed,
 * so no screen is analysed whole twice and the specs stay well inside their time on a loaded 2-core machine.
 */

/** `app` signs a clinician in first; `lockScreen` is the app as it opens, with the same check for page errors. */
const test = appTest.extend<{ lockScreen: Page }>({
  lockScreen: async ({ page, harness }, use) => {
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(`console error: ${message.text()}`);
    });
    await page.goto(harness.url);
    await expect(page.getByRole('heading', { name: 'Create your profile' })).toBeVisible();
    await use(page);
    expect(problems, 'the page logged no errors').toEqual([]);
  },
});

/** Sends the intake for the fever patient and waits for the streamed answer. */
async function getProtocol(page: Page, complaint: string, answer: string): Promise<void> {
  await fillFeverPatient(page);
  await page.getByLabel('Chief complaint').fill(complaint);
  await page.getByRole('button', { name: 'Get protocol' }).click();
  await expect(page.getByTestId('answer').first()).toHaveText(answer);
  await expect(page.getByTestId('answer').first()).not.toHaveAttribute('aria-busy', 'true');
}

test.describe('axe: no serious or critical WCAG 2.0/2.1 A and AA violations', () => {
  test('lock screen: creating the first profile, and its errors', async ({ lockScreen }) => {
    await expectScreenAccessible(lockScreen, 'create profile');
    await lockScreen.getByLabel('Name').fill('Dr Ada Test');
    await lockScreen.getByLabel('Passphrase', { exact: true }).fill(CLINICIAN_PASSPHRASE);
    await lockScreen.getByLabel('Confirm passphrase').fill('something else entirely');
    await lockScreen.getByRole('button', { name: 'Create profile' }).click();
    await expect(lockScreen.getByRole('alert')).toBeVisible();
    await expectRegionAccessible(lockScreen.getByRole('region', { name: 'Create your profile' }), 'create profile with an error');
  });

  test('account: changing the passphrase, then the lock screen unlocking an existing profile, and a wrong passphrase', async ({ app }) => {
    await app.getByRole('button', { name: 'Change passphrase' }).click();
    await expect(app.getByRole('form', { name: 'Change passphrase' })).toBeVisible();
    // The form opens in the header (the banner), where its button also changed state.
    await expectRegionAccessible(app.getByRole('banner'), 'change passphrase');
    await app.getByRole('button', { name: 'Save new passphrase' }).click();
    await expect(app.getByRole('alert')).toBeVisible();
    await expectRegionAccessible(app.getByRole('banner'), 'change passphrase with an error');
    await app.getByRole('button', { name: 'Cancel' }).click();

    await app.getByRole('button', { name: 'Lock' }).click();
    await expect(app.getByRole('heading', { name: 'Sign in' })).toBeVisible();
    await expect(app.getByLabel('Clinician')).toBeVisible();
    await expectScreenAccessible(app, 'unlock');
    await app.getByLabel('Passphrase', { exact: true }).fill('not the passphrase');
    await app.getByRole('button', { name: 'Unlock' }).click();
    await expect(app.getByRole('alert')).toBeVisible();
    await expectRegionAccessible(app.getByRole('region', { name: 'Sign in' }), 'unlock after a wrong passphrase');
  });

  test('intake form: empty, with validation errors, and with values to confirm', async ({ app }) => {
    await expect(app.getByRole('heading', { name: 'Patient intake' })).toBeVisible();
    await expectScreenAccessible(app, 'empty intake form');

    await app.getByRole('button', { name: 'Get protocol' }).click();
    await expect(app.getByLabel('Age', { exact: true })).toHaveAttribute('aria-invalid', 'true');
    await expectRegionAccessible(app.getByRole('main'), 'intake form with validation errors');

    await fillFeverPatient(app);
    await app.getByLabel('Heart rate (beats/min)').fill('250');
    await app.getByRole('button', { name: 'Get protocol' }).click();
    await expect(app.getByText(/Heart rate 250 beats\/min is far above the usual/)).toBeVisible();
    // Values to confirm appear without an alert: the form's live region says why nothing was sent.
    await expect(app.locator('form.intake [aria-live="polite"]')).toHaveText('1 problem — first: Heart rate. Nothing was sent.');
    await expectRegionAccessible(app.getByRole('main'), 'intake form with a value to confirm');
  });

  test('conversation: while an answer streams, once it has, and after a follow-up', async ({ app, llm }) => {
    const first = Array.from({ length: 120 }, (_unused, index) => `step${index}`).join(' ');
    llm.queueReply(first, 'Treat as community-acquired pneumonia.');
    llm.setChunkDelay(40);
    await fillFeverPatient(app);
    await app.getByRole('button', { name: 'Get protocol' }).click();
    const answer = app.getByTestId('answer').first();
    await expect(answer).toContainText('step3');
    await expect(answer).toHaveAttribute('aria-busy', 'true');
    await expect(answer).toHaveAttribute('aria-live', 'polite');
    await expectScreenAccessible(app, 'conversation while the answer streams');
    llm.setChunkDelay(2);
    await expect(answer).toHaveText(first, { timeout: 20_000 });
    await expectTurnsAnswered(app, 1);
    // Still a live region once the stream ends, so the finished answer is read out when aria-busy clears.
    await expect(answer).not.toHaveAttribute('aria-busy', 'true');
    await expect(answer).toHaveAttribute('aria-live', 'polite');
    await expectRegionAccessible(app.getByRole('main'), 'conversation after a streamed answer');

    await app.getByLabel('Follow-up').fill('Chest X-ray shows bilateral infiltrates');
    await app.getByRole('button', { name: 'Send follow-up' }).click();
    await expect(app.getByTestId('answer').nth(1)).toHaveText('Treat as community-acquired pneumonia.');
    await expectTurnsAnswered(app, 2);
    await expectRegionAccessible(app.getByRole('main'), 'conversation after a follow-up');
  });

  test('sessions sidebar with a few sessions, a search result, and a past session read-only', async ({ app, llm }) => {
    const sessions = [
      ['Pleuritic chest pain', 'Consider pulmonary embolism; arrange CT angiography.'],
      ['Fever and productive cough for 3 days', 'Start oxygen and antibiotics.'],
      ['Sudden severe headache', 'Urgent non-contrast CT head.'],
    ] as const;
    for (const [index, [complaint, answer]] of sessions.entries()) {
      if (index > 0) await app.getByRole('button', { name: 'New patient' }).click();
      llm.queueReply(answer);
      await getProtocol(app, complaint, answer);
    }
    const sidebar = app.getByRole('complementary', { name: 'Sessions' });
    await expect(sidebar.getByTestId('session-row')).toHaveCount(3);
    await expect(sidebar.getByRole('heading', { name: 'Sessions', level: 2 })).toBeVisible();
    await expectRegionAccessible(sidebar, 'sessions sidebar with three sessions');

    await sidebar.getByLabel('Search sessions').fill('angiography');
    await expect(sidebar.getByTestId('session-row')).toHaveCount(1);
    await expect(sidebar.getByTestId('session-row-snippet')).toBeVisible();
    await expectRegionAccessible(sidebar, 'sessions sidebar with a search result');

    await sidebar.getByRole('button', { name: 'Pleuritic chest pain' }).click();
    await expect(app.getByText('Session (read-only)')).toBeVisible();
    await expect(app.getByTestId('answer').first()).toHaveText(sessions[0][1]);
    await expectRegionAccessible(app.getByRole('main'), 'a past session, read-only');
  });

  test('sessions sidebar: the date filter, its presets and a range of days', async ({ app, llm }) => {
    llm.queueReply('Start oxygen and antibiotics.');
    await getProtocol(app, 'Fever and productive cough for 3 days', 'Start oxygen and antibiotics.');
    const sidebar = app.getByRole('complementary', { name: 'Sessions' });
    await sidebar.getByRole('button', { name: 'Last 7 days' }).click();
    await expect(sidebar.getByRole('button', { name: 'Last 7 days' })).toHaveAttribute('aria-pressed', 'true');
    await expect(sidebar.getByTestId('session-row')).toHaveCount(1);
    await expectRegionAccessible(sidebar, 'date filter: last 7 days');

    await sidebar.getByRole('button', { name: 'Dates…' }).click();
    await sidebar.getByLabel('From').fill('2020-01-01');
    await sidebar.getByLabel('To').fill('2020-01-31');
    await expect(sidebar.getByTestId('sessions-summary')).toHaveText('No sessions in these dates.');
    await expectRegionAccessible(sidebar, 'date filter: a range of days with no session');
  });

  test('answer actions: Copy, Regenerate and the answer switcher', async ({ app, llm, context }) => {
    await context.grantPermissions(['clipboard-read', 'clipboard-write']);
    llm.queueReply('Answer A: oxygen.', 'Answer B: antibiotics.');
    await getProtocol(app, 'Fever and productive cough for 3 days', 'Answer A: oxygen.');
    await expect(app.getByRole('button', { name: 'Regenerate' })).toBeVisible();
    const turn = app.getByRole('article', { name: 'Turn 1' });
    await app.getByRole('button', { name: 'Copy' }).click();
    await expect(app.getByText('Copied')).toBeVisible();
    await expectRegionAccessible(turn, 'answer actions after Copy');

    await app.getByRole('button', { name: 'Regenerate' }).click();
    await expect(app.getByTestId('answer').first()).toHaveText('Answer B: antibiotics.');
    await expect(app.getByTestId('answer-position')).toHaveText('Answer 2 of 2');
    await expectRegionAccessible(turn, 'answer switcher on the newer answer');
    await app.getByRole('button', { name: 'Previous answer' }).click();
    await expect(app.getByTestId('answer-position')).toHaveText('Answer 1 of 2');
    await expectRegionAccessible(turn, 'answer switcher on the earlier answer');
  });

  test('export menu in the session header, before and after saving', async ({ app, llm }) => {
    llm.queueReply('Consider community-acquired pneumonia; chest X-ray.');
    await getProtocol(app, 'Fever and productive cough for 3 days', 'Consider community-acquired pneumonia; chest X-ray.');
    const toggle = app.getByRole('button', { name: 'Export', exact: true });
    await expect(toggle).toHaveAttribute('aria-expanded', 'false');
    await toggle.click();
    await expect(toggle).toHaveAttribute('aria-expanded', 'true');
    const menu = app.getByRole('group', { name: 'Export this session' });
    await expect(menu.getByRole('button', { name: 'Markdown' })).toBeEnabled();
    await expectRegionAccessible(menu, 'export menu');
    await Promise.all([app.waitForEvent('download'), menu.getByRole('button', { name: 'Markdown' }).click()]);
    await expect(app.getByTestId('export-status')).toContainText('Saved');
    await expectRegionAccessible(menu, 'export menu after saving');
  });

  test('settings, with the diagnostics panel open', async ({ app }) => {
    await app.getByRole('navigation', { name: 'Screens' }).getByRole('button', { name: 'Settings' }).click();
    await expect(app.getByTestId('settings-list')).toBeVisible();
    await expectScreenAccessible(app, 'settings');
    await app.getByRole('button', { name: 'Prepare diagnostics' }).click();
    await expect(app.getByLabel('Diagnostics (JSON)')).not.toBeEmpty();
    await expectRegionAccessible(app.getByRole('region', { name: 'Diagnostics for support' }), 'settings with the diagnostics panel open');
  });

  test('analytics after a few turns, with charts and their tables', async ({ app, llm }) => {
    llm.queueReply('First answer.', 'Second answer.', 'Regenerated second.', 'Third answer.');
    await getProtocol(app, 'Fever and productive cough for 3 days', 'First answer.');
    await app.getByLabel('Follow-up').fill('SpO2 88%');
    await app.getByRole('button', { name: 'Send follow-up' }).click();
    await expect(app.getByTestId('answer').nth(1)).toHaveText('Second answer.');
    await app.getByRole('button', { name: 'Regenerate' }).click();
    await expect(app.getByTestId('answer').nth(1)).toHaveText('Regenerated second.');
    await app.getByRole('button', { name: 'New patient' }).click();
    await getProtocol(app, 'Sudden severe headache', 'Third answer.');

    await app.getByRole('navigation', { name: 'Screens' }).getByRole('button', { name: 'Analytics' }).click();
    await expect(app.getByTestId('analytics-sessions')).toHaveText('2');
    await expect(app.getByRole('img', { name: 'Turns per session' })).toBeVisible();
    await expect(app.getByRole('img', { name: 'Sessions per day' })).toBeVisible();
    await expect(app.getByRole('img', { name: 'Messages by hour of day' })).toBeVisible();
    // One figures table opened, so the check covers the tables too (they are folded by default).
    await app.getByText('Show the figures as a table: Messages by hour of day').click();
    await expect(app.getByRole('table', { name: 'Messages by hour of day' })).toBeVisible();
    await expectScreenAccessible(app, 'analytics');
  });

  test('offline: sending paused, with the reason, on the follow-up box and the intake form', async ({ app, llm }) => {
    llm.queueReply('1. Chest X-ray. 2. CBC and CRP.');
    await getProtocol(app, 'Fever and productive cough for 3 days', '1. Chest X-ray. 2. CBC and CRP.');
    await llm.close();
    await app.getByRole('button', { name: 'Check again' }).click();
    await expect(app.getByTestId('llm-status')).toContainText('offline');
    await expect(app.getByTestId('follow-up-send-paused')).toContainText('offline');
    await expectScreenAccessible(app, 'conversation while offline');

    await app.getByRole('button', { name: 'New patient' }).click();
    await fillFeverPatient(app);
    await expect(app.getByTestId('send-paused')).toContainText('offline');
    await expectRegionAccessible(app.getByRole('main'), 'intake form while offline');
  });
});

/**
 * Walks the page with the keyboard and checks, for every control focus lands on, that it shows a visible focus
 * indicator: an outline at least 2 px wide (or a box shadow) that is not there once focus has moved on.
 */
class KeyboardWalk {
  /** Every control focus landed on, for failure messages. */
  private readonly visited: string[] = [];

  constructor(private readonly page: Page) {}

  /** Presses `key` (Tab or Shift+Tab) until `target` has the focus, checking each control passed on the way. */
  async moveTo(target: Locator, key: 'Tab' | 'Shift+Tab' = 'Tab', maxPresses = 40): Promise<void> {
    for (let press = 0; press < maxPresses; press += 1) {
      await this.page.keyboard.press(key);
      if (this.check(await target.evaluate(focusStep))) return;
    }
    throw new Error(`${key} never reached ${target.toString()}; focus went through:\n${this.visited.join('\n')}`);
  }

  /** Checks the newly focused control, and that the one focused before has lost its indicator. */
  async checkFocusIndicator(): Promise<void> {
    this.check(await this.page.evaluate(focusStep, null));
  }

  /** Judges one step of the walk; says whether it reached the target. */
  private check({ focused, left, onTarget }: FocusStep): boolean {
    if (left !== null) {
      const before = `outline ${left.focusedLook.outline}, box-shadow ${left.focusedLook.boxShadow}`;
      const after = `outline ${left.look.outline}, box-shadow ${left.look.boxShadow}`;
      expect(
        left.look.outline !== left.focusedLook.outline || left.look.boxShadow !== left.focusedLook.boxShadow,
        `${left.name} looks different focused (${before}) and unfocused (${after})`,
      ).toBe(true);
    }
    if (focused !== null) {
      const { name, look } = focused;
      this.visited.push(name);
      expect(
        (look.outline !== 'none' && look.outlineWidth >= 2) || look.boxShadow !== 'none',
        `focused control ${name} shows a focus indicator (outline ${look.outline}, box-shadow ${look.boxShadow})`,
      ).toBe(true);
    }
    return onTarget;
  }
}

test.describe('keyboard only', () => {
  test('a clinician creates a profile, sends an intake and a follow-up, and reaches the sessions list without a mouse', async ({ lockScreen: page, llm }) => {
    llm.queueReply('1. Repeat vitals.\n2. Chest X-ray.', 'Treat as community-acquired pneumonia.');
    const walk = new KeyboardWalk(page);

    // The lock screen puts the focus in "Name".
    await expect(page.getByLabel('Name')).toBeFocused();
    await walk.checkFocusIndicator();
    await page.keyboard.type('Dr Ada Test');
    await walk.moveTo(page.getByLabel('Passphrase', { exact: true }));
    await page.keyboard.type(CLINICIAN_PASSPHRASE);
    await walk.moveTo(page.getByLabel('Confirm passphrase'));
    await page.keyboard.type(CLINICIAN_PASSPHRASE);
    await walk.moveTo(page.getByRole('button', { name: 'Create profile' }));
    await page.keyboard.press('Enter');
    await expect(page.getByTestId('signed-in-as')).toHaveText('Dr Ada Test');

    // Signed in, the focus is in the intake form's first field (not back at the top of the page).
    await expect(page.getByLabel('Age', { exact: true })).toBeFocused();
    await walk.checkFocusIndicator();
    await page.keyboard.type('60');
    await walk.moveTo(page.getByLabel('Sex'));
    await page.keyboard.type('m'); // a closed select picks the first option starting with the typed letter
    await expect(page.getByLabel('Sex')).toHaveValue('male');
    await walk.moveTo(page.getByLabel('Chief complaint'));
    await page.keyboard.type('Fever and productive cough for 3 days');
    await walk.moveTo(page.getByLabel('SpO2 (%)'));
    await page.keyboard.type('94');
    await walk.moveTo(page.getByRole('button', { name: 'Get protocol' }));
    llm.setChunkDelay(150);
    await page.keyboard.press('Enter');
    // The form has gone: the session's heading holds the focus while the answer streams.
    await expect(page.getByRole('heading', { name: 'Session', exact: true, level: 2 })).toBeFocused();
    await expect(page.getByTestId('answer').first()).toHaveText('1. Repeat vitals.\n2. Chest X-ray.');
    llm.setChunkDelay(2);

    // The follow-up box has the focus once the answer is in; Enter sends.
    await expect(page.getByLabel('Follow-up')).toBeFocused();
    await walk.checkFocusIndicator();
    await page.keyboard.type('Chest X-ray shows bilateral infiltrates');
    await page.keyboard.press('Enter');
    await expect(page.getByTestId('answer').nth(1)).toHaveText('Treat as community-acquired pneumonia.');
    await expectTurnsAnswered(page, 2);
    await expect(page.getByLabel('Follow-up')).toBeFocused();

    // Back to the sessions list: this session is there, marked as the one shown, and Enter opens it.
    const sidebar = page.getByRole('complementary', { name: 'Sessions' });
    const row = sidebar.getByRole('button', { name: 'Fever and productive cough for 3 days' });
    await walk.moveTo(row, 'Shift+Tab');
    await expect(row).toHaveAttribute('aria-current', 'true');
    await page.keyboard.press('Enter');
    await expect(page.getByText('Session (read-only)')).toBeVisible();
    await expect(page.getByTestId('answer').nth(1)).toHaveText('Treat as community-acquired pneumonia.');
    await walk.moveTo(sidebar.getByLabel('Search sessions'), 'Shift+Tab');
    await page.keyboard.type('pneumonia');
    await expect(sidebar.getByTestId('session-row')).toHaveCount(1);
  });

  test('focus goes somewhere sensible after a send kept back, Stop, Regenerate, the answer switcher, New patient, Check again and Unlock', async ({
    app: page,
    llm,
  }) => {
    llm.queueReply(Array.from({ length: 200 }, (_unused, index) => `step${index}`).join(' '), 'Answer B: antibiotics.');
    const walk = new KeyboardWalk(page);
    const age = page.getByLabel('Age', { exact: true });
    await expect(age).toBeFocused();

    // A send the form keeps back: the focus goes to the first field marked invalid (the chief complaint: Age is filled).
    await page.keyboard.type('60');
    await page.keyboard.press('Enter');
    await expect(page.getByLabel('Chief complaint')).toHaveAttribute('aria-invalid', 'true');
    await expect(page.getByLabel('Chief complaint')).toBeFocused();
    await walk.checkFocusIndicator();

    // A value to confirm: the focus goes to its field, which says what to check (the box that confirms is further on).
    await fillFeverPatient(page);
    await page.getByLabel('Heart rate (beats/min)').fill('250');
    await walk.moveTo(page.getByRole('button', { name: 'Get protocol' }));
    await page.keyboard.press('Enter');
    await expect(page.getByLabel('Heart rate (beats/min)')).toBeFocused();
    await page.getByLabel('Heart rate (beats/min)').fill('104');

    // Stop keeps the focus, says "Stopping…" and then that the answer is incomplete, in one polite live region.
    llm.setChunkDelay(40);
    await walk.moveTo(page.getByRole('button', { name: 'Get protocol' }));
    await page.keyboard.press('Enter');
    await expect(page.getByTestId('answer').first()).toContainText('step3');
    // The turn's note: its first live region (Copy's status follows once the answer has ended).
    const note = page.getByRole('article', { name: 'Turn 1' }).getByRole('status').first();
    await note.evaluate((element) => {
      const seen: string[] = [];
      (window as unknown as { notesSeen: string[] }).notesSeen = seen;
      new MutationObserver(() => seen.push(element.textContent ?? '')).observe(element, { childList: true, characterData: true, subtree: true });
    });
    const stop = page.getByRole('button', { name: 'Stop' });
    await walk.moveTo(stop);
    await page.keyboard.press('Enter');
    await expect(note).toHaveText('(incomplete: cancelled)');
    expect(await page.evaluate(() => (window as unknown as { notesSeen: string[] }).notesSeen)).toContain('Stopping…');
    // The answer ended (Stop went with it): the follow-up box takes the focus.
    await expect(page.getByLabel('Follow-up')).toBeFocused();
    llm.setChunkDelay(2);

    // Regenerate: once the new answer is in, the follow-up box again; the switcher keeps the focus at its first answer.
    await walk.moveTo(page.getByRole('button', { name: 'Regenerate' }), 'Shift+Tab');
    await page.keyboard.press('Enter');
    await expect(page.getByTestId('answer-position')).toHaveText('Answer 2 of 2');
    await expect(page.getByLabel('Follow-up')).toBeFocused();
    const previous = page.getByRole('button', { name: 'Previous answer' });
    await walk.moveTo(previous, 'Shift+Tab');
    await page.keyboard.press('Enter');
    await expect(page.getByTestId('answer-position')).toHaveText('Answer 1 of 2');
    await expect(previous).toHaveAttribute('aria-disabled', 'true');
    await expect(previous).toBeFocused();

    // New patient: the empty intake form, focus in its first field.
    await walk.moveTo(page.getByRole('button', { name: 'New patient' }), 'Shift+Tab');
    await page.keyboard.press('Enter');
    await expect(age).toBeFocused();
    await expect(age).toHaveValue('');

    // Check again keeps the focus while it checks and after.
    const checkAgain = page.getByRole('button', { name: 'Check again' });
    await walk.moveTo(checkAgain, 'Shift+Tab');
    await page.keyboard.press('Enter');
    await expect(page.getByTestId('llm-status')).toContainText('reachable');
    await expect(checkAgain).toBeFocused();

    // Lock, then unlock: back in the intake form's first field.
    await walk.moveTo(page.getByRole('button', { name: 'Lock' }));
    await page.keyboard.press('Enter');
    await expect(page.getByLabel('Passphrase', { exact: true })).toBeFocused();
    await page.keyboard.type(CLINICIAN_PASSPHRASE);
    await page.keyboard.press('Enter');
    await expect(page.getByTestId('signed-in-as')).toHaveText('Dr Ada Test');
    await expect(age).toBeFocused();
    await walk.checkFocusIndicator();
  });
});
