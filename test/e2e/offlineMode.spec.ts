import { startFakeLlmServer } from '../fakes/fakeLlmServer';
import { expect, expectTurnsAnswered, fillFeverPatient, test } from './fixtures';

test.describe('offline mode', () => {
  test('with the model server offline, sending pauses with the reason and the endpoint, history stays readable, and sending comes back', async ({ app, llm }) => {
    test.setTimeout(60_000);
    llm.queueReply('1. Chest X-ray. 2. CBC and CRP.');
    await fillFeverPatient(app);
    await app.getByRole('button', { name: 'Get protocol' }).click();
    await expectTurnsAnswered(app, 1);
    await app.getByRole('button', { name: 'New patient' }).click();

    const port = llm.port;
    await llm.close();
    await app.getByRole('button', { name: 'Check again' }).click();
    await expect(app.getByTestId('llm-status')).toContainText('offline');
    await expect(app.getByTestId('llm-status')).toContainText(`127.0.0.1:${port}`);
    await fillFeverPatient(app);
    await expect(app.getByRole('button', { name: 'Get protocol' })).toBeDisabled();
    await expect(app.getByTestId('send-paused')).toContainText('offline');
    await expect(app.getByTestId('send-paused')).toContainText(`127.0.0.1:${port}`);
    await expect(app.getByTestId('send-paused')).toContainText('review past sessions');

    // Review still works.
    const sidebar = app.getByRole('complementary', { name: 'Sessions' });
    await sidebar.getByRole('button', { name: 'Fever and productive cough for 3 days' }).click();
    await expect(app.getByTestId('answer').first()).toHaveText('1. Chest X-ray. 2. CBC and CRP.');

    // The server comes back: the page notices by itself within seconds.
    const back = await startFakeLlmServer({ port });
    try {
      await expect(app.getByTestId('llm-status')).toContainText('reachable', { timeout: 15_000 });
      await app.getByRole('button', { name: 'New patient' }).click();
      await fillFeverPatient(app);
      await expect(app.getByRole('button', { name: 'Get protocol' })).toBeEnabled();
      await expect(app.getByTestId('send-paused')).toHaveCount(0);
    } finally {
      await back.close();
    }
  });
});
