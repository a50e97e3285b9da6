import { expect, expectTurnsAnswered, fillFeverPatient, test } from './fixtures';

test.describe('keyboard-first: Esc stops the running answer', () => {
  test('Esc pressed anywhere keeps the partial answer, marks it incomplete and closes the stream', async ({ app, llm }) => {
    llm.queueReply(Array.from({ length: 200 }, (_unused, index) => `step${index}`).join(' '));
    llm.setChunkDelay(40);
    await fillFeverPatient(app);
    await app.getByRole('button', { name: 'Get protocol' }).click();
    await expect(app.getByTestId('answer').first()).toContainText('step3');
    // Focus is wherever the clinician left it; Esc does not need the Stop button focused.
    await app.keyboard.press('Escape');
    await expect(app.getByText('(incomplete: cancelled)')).toBeVisible();
    const partial = (await app.getByTestId('answer').first().textContent()) ?? '';
    expect(partial).toMatch(/^step0 step1 step2 step3/);
    expect(partial).not.toContain('step199');
    await expect.poll(async () => (await llm.chatRequests()[0]?.done, llm.chatRequests()[0]?.closedEarly)).toBe(true);
  });

  test('Esc with no answer running does nothing', async ({ app, llm }) => {
    await fillFeverPatient(app);
    await app.keyboard.press('Escape');
    await app.getByRole('button', { name: 'Get protocol' }).click();
    await expectTurnsAnswered(app, 1);
    expect(llm.chatRequests()).toHaveLength(1);
  });
});
