import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startFakeLlmServer } from '../fakes/fakeLlmServer';
import { defaultHarnessDirs, startHarness } from '../harness/harnessServer';
import { expect, fillFeverPatient, signInAsNewClinician, test } from './fixtures';

const REPO_ROOT = join(import.meta.dirname, '..', '..');

test.describe('settings screen', () => {
  test('shows every setting without the API key; what the policy sets is locked and says why', async ({ page }) => {
    const dir = await mkdtemp(join(tmpdir(), 'cpa-settings-'));
    const policy = join(dir, 'policy.json');
    await writeFile(policy, JSON.stringify({ retentionDays: 30, theme: 'dark', llmApiKey: 'secret-key-never-shown' }));
    const llm = await startFakeLlmServer();
    const harness = await startHarness({ port: 0, llmUrl: llm.baseURL, dataDir: await mkdtemp(join(tmpdir(), 'cpa-e2e-')), policyPath: policy, ...defaultHarnessDirs(REPO_ROOT) });
    try {
      await page.goto(harness.url);
      await signInAsNewClinician(page);
      await page.getByRole('navigation', { name: 'Screens' }).getByRole('button', { name: 'Settings' }).click();
      const list = page.getByTestId('settings-list');
      const retention = list.locator('[data-setting="retentionDays"]');
      await expect(retention).toContainText('30 days');
      await expect(retention).toContainText("Set by IT — locked by your IT department's policy");
      await expect(list.locator('[data-setting="llmApiKey"]')).toContainText('configured');
      await expect(list.locator('[data-setting="idleLockMinutes"]')).toContainText('min');
      await expect(list.locator('[data-setting="idleLockMinutes"]')).not.toContainText('Set by IT');
      // Exactly the rows the policy sets say "Set by IT" (the theme, also set, has its own choice above the list).
      await expect(list.getByRole('definition').filter({ hasText: 'Set by IT' })).toHaveCount(2);
      await expect(page.getByTestId('settings-policy-note')).toContainText('policy sets 2 of them');
      await expect(page.locator('body')).not.toContainText('secret-key-never-shown');
      // The policy sets the theme: the choice is shown, locked, and applied.
      await expect(page.getByTestId('theme-locked')).toContainText("Set by IT — locked by your IT department's policy");
      await expect(page.getByRole('radio', { name: 'Dark' })).toBeChecked();
      await expect(page.getByRole('radio', { name: 'Light' })).toBeDisabled();
      await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
    } finally {
      await harness.close();
      await llm.close();
    }
  });

  test('with no policy loaded, no setting says it is set by IT', async ({ app }) => {
    await app.getByRole('navigation', { name: 'Screens' }).getByRole('button', { name: 'Settings' }).click();
    const list = app.getByTestId('settings-list');
    await expect(list.locator('[data-setting="retentionDays"]')).toContainText('days');
    await expect(list.getByRole('definition')).not.toHaveCount(0);
    await expect(list).not.toContainText('Set by IT');
    await expect(list.locator('[data-locked]')).toHaveCount(0);
    await expect(app.getByTestId('settings-policy-note')).toContainText('No IT policy sets any of them');
    await expect(app.getByRole('radio', { name: 'Light' })).toBeEnabled();
  });

  test('the theme follows the OS until the clinician picks one', async ({ app }) => {
    await app.emulateMedia({ colorScheme: 'dark' });
    const background = () => app.evaluate(() => getComputedStyle(document.body).backgroundColor);
    const darkBackground = await background();
    await app.emulateMedia({ colorScheme: 'light' });
    const lightBackground = await background();
    expect(darkBackground).not.toBe(lightBackground);

    await app.getByRole('navigation', { name: 'Screens' }).getByRole('button', { name: 'Settings' }).click();
    await expect(app.getByRole('radio', { name: 'Same as the operating system' })).toBeChecked();
    await app.getByRole('radio', { name: 'Dark' }).check();
    await expect(app.locator('html')).toHaveAttribute('data-theme', 'dark');
    // Dark even though the OS is light now.
    await expect.poll(background).toBe(darkBackground);
    await app.getByRole('radio', { name: 'Same as the operating system' }).check();
    await expect(app.locator('html')).not.toHaveAttribute('data-theme', /.+/);
    await expect.poll(background).toBe(lightBackground);
  });

  test('diagnostics for support: a PHI-free bundle, shown to copy', async ({ app, llm }) => {
    llm.queueReply('1. Chest X-ray. CANARY-answer-text');
    await fillFeverPatient(app);
    await app.getByLabel('Chief complaint').fill('CANARY-complaint cough');
    await app.getByRole('button', { name: 'Get protocol' }).click();
    await expect(app.getByTestId('answer').first()).toContainText('Chest X-ray');

    await app.getByRole('navigation', { name: 'Screens' }).getByRole('button', { name: 'Settings' }).click();
    await app.getByRole('button', { name: 'Prepare diagnostics' }).click();
    const text = app.getByLabel('Diagnostics (JSON)');
    await expect(text).toHaveJSProperty('readOnly', true);
    const bundle = JSON.parse(await text.inputValue()) as Record<string, unknown>;
    expect(bundle).toMatchObject({ buildMode: 'harness', audit: { ok: true }, llm: { state: 'reachable' } });
    expect(JSON.stringify(bundle)).not.toContain('CANARY');
    await expect(app.getByRole('button', { name: 'Copy' })).toBeVisible();
  });
});
