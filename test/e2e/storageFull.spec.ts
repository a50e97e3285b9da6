import { expect, fillFeverPatient, test } from './fixtures';

test.describe('a full disk (check 23)', () => {
  test('the clinician’s message cannot be stored: a clear message, the typed text kept, the model not called', async ({ app, harness, llm }) => {
    const cdp = await app.context().newCDPSession(app);
    // A quota of one byte: the next IndexedDB write fails with QuotaExceededError, as on a full disk.
    await cdp.send('Storage.overrideQuotaForOrigin', { origin: harness.origin, quotaSize: 1 });
    await fillFeverPatient(app);
    await app.getByRole('button', { name: 'Get protocol' }).click();
    await expect(app.getByRole('alert')).toContainText('no room left');
    await expect(app.getByLabel('Chief complaint')).toHaveValue('Fever and productive cough for 3 days');
    expect(llm.chatRequests()).toHaveLength(0);

    // Space comes back: the same form is sent as it is.
    await cdp.send('Storage.overrideQuotaForOrigin', { origin: harness.origin });
    llm.queueReply('Protocol after space was freed.');
    await app.getByRole('button', { name: 'Get protocol' }).click();
    await expect(app.getByTestId('answer').first()).toHaveText('Protocol after space was freed.');
  });
});
