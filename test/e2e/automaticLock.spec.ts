import { randomBytes } from 'node:crypto';
import { CLINICIAN_PASSPHRASE, expect, expectTurnsAnswered, fillFeverPatient, test } from './fixtures';

test.describe('locking (check 15)', () => {
  test('a lock clears every patient datum from the page, data calls answer LOCKED, and unlocking works again', async ({ app, llm, browser, harness }) => {
    const canary = `Canary${randomBytes(6).toString('hex')}`;
    llm.queueReply(`Protocol mentioning ${canary} twice: ${canary}.`);
    await fillFeverPatient(app);
    await app.getByLabel('Chief complaint').fill(`Cough after ${canary} exposure`);
    await app.getByRole('button', { name: 'Get protocol' }).click();
    await expectTurnsAnswered(app, 1);
    await app.getByLabel('Follow-up').fill(`Draft about ${canary}`);
    expect(await app.content()).toContain(canary);

    // Another window of the same workstation sees the lock too: the state is main's, not the page's.
    const other = await browser.newPage();
    await other.goto(harness.url);
    await expect(other.getByTestId('signed-in-as')).toBeVisible();

    await app.getByRole('button', { name: 'Lock', exact: true }).click();
    await expect(app.getByRole('button', { name: 'Unlock' })).toBeVisible();
    await expect(other.getByRole('button', { name: 'Unlock' })).toBeVisible();
    expect(await app.content()).not.toContain(canary);
    expect(await other.content()).not.toContain(canary);
    expect(await app.evaluate(() => window.api.sessions.list())).toMatchObject({ ok: false, error: { code: 'LOCKED' } });
    expect(await app.evaluate(() => window.api.vault.open({ records: [] }))).toMatchObject({ ok: false, error: { code: 'LOCKED' } });

    await app.getByLabel('Passphrase', { exact: true }).fill('not the passphrase at all');
    await app.getByRole('button', { name: 'Unlock' }).click();
    await expect(app.getByRole('alert')).toBeVisible();
    await app.getByLabel('Passphrase', { exact: true }).fill(CLINICIAN_PASSPHRASE);
    await app.getByRole('button', { name: 'Unlock' }).click();
    await expect(app.getByTestId('signed-in-as')).toHaveText('Dr Ada Test');
    expect(await app.evaluate(() => window.api.sessions.list())).toMatchObject({ ok: true });
    await other.close();
  });
});
