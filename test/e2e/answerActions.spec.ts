import { expect, expectTurnsAnswered, fillFeverPatient, test } from './fixtures';

type Message = { role: string; content: string };

test.describe('answers: Markdown, regenerate with siblings, copy, session header', () => {
  test('the answer shows as sanitised Markdown, HTML in it as literal text', async ({ app, llm }) => {
    llm.queueReply('## Plan\n1. **Repeat** vitals\n2. Chest X-ray <script>window.hacked = 1</script>\n   - *if* febrile: <img src=x onerror="window.hacked = 2">');
    await fillFeverPatient(app);
    await app.getByRole('button', { name: 'Get protocol' }).click();
    const answer = app.getByTestId('answer').first();
    await expect(answer).not.toHaveAttribute('aria-busy', 'true');
    await expect(answer.locator('strong')).toHaveText('Repeat');
    await expect(answer.locator('em')).toHaveText('if');
    await expect(answer.getByRole('heading', { name: 'Plan' })).toBeVisible();
    await expect(answer.locator('ol > li')).toHaveCount(2);
    await expect(answer).toContainText('<script>window.hacked = 1</script>');
    await expect(answer).toContainText('<img src=x onerror="window.hacked = 2">');
    await expect(answer.locator('script, img, a')).toHaveCount(0);
    expect(await app.evaluate(() => (window as unknown as { hacked?: number }).hacked)).toBeUndefined();
  });

  test('regenerate keeps the earlier answer as a sibling; the follow-up builds on the one on screen; review shows siblings', async ({ app, llm }) => {
    llm.queueReply('Answer A: oxygen.', 'Answer B: antibiotics.', 'Follow-up answer.');
    await fillFeverPatient(app);
    await app.getByRole('button', { name: 'Get protocol' }).click();
    const answer = app.getByTestId('answer').first();
    await expect(answer).toHaveText('Answer A: oxygen.');
    await expect(app.getByTestId('session-endpoint')).toHaveText(llm.baseURL);
    await expect(app.getByTestId('session-created')).not.toHaveText('—');

    await app.getByRole('button', { name: 'Regenerate' }).click();
    await expect(answer).toHaveText('Answer B: antibiotics.');
    await expect(app.getByTestId('answer-position')).toHaveText('Answer 2 of 2');
    await expectTurnsAnswered(app, 1);
    // Same prompt as the first answer's.
    const requests = llm.chatRequests().map((request) => (request.body as { messages: Message[] }).messages);
    expect(requests[1]).toEqual(requests[0]);

    // Back to the first answer, by keyboard.
    await app.getByRole('button', { name: 'Previous answer' }).focus();
    await app.keyboard.press('Enter');
    await expect(app.getByTestId('answer-position')).toHaveText('Answer 1 of 2');
    await expect(answer).toHaveText('Answer A: oxygen.');

    await app.getByLabel('Follow-up').fill('SpO2 88%');
    await app.getByRole('button', { name: 'Send follow-up' }).click();
    await expect(app.getByTestId('answer').nth(1)).toHaveText('Follow-up answer.');
    const followUp = (llm.chatRequests().at(-1)!.body as { messages: Message[] }).messages.map((message) => message.content);
    expect(followUp).toContain('Answer A: oxygen.');
    expect(followUp).not.toContain('Answer B: antibiotics.');
    // Only the latest turn offers Regenerate now.
    await expect(app.getByRole('button', { name: 'Regenerate' })).toHaveCount(1);

    // Reviewing the stored session: the answer chosen is shown, its sibling one click away.
    await app.getByRole('button', { name: 'New patient' }).click();
    await app.getByRole('complementary', { name: 'Sessions' }).getByRole('button', { name: 'Fever and productive cough for 3 days' }).click();
    await expect(app.getByText('Session (read-only)')).toBeVisible();
    await expect(app.getByTestId('answer').first()).toHaveText('Answer A: oxygen.');
    // Answers keep the order they were asked in, the chosen one shown.
    await expect(app.getByTestId('answer-position')).toHaveText('Answer 1 of 2');
    await app.getByRole('button', { name: 'Next answer' }).click();
    await expect(app.getByTestId('answer').first()).toHaveText('Answer B: antibiotics.');
  });

  test('Copy puts the answer’s Markdown on the clipboard and says so', async ({ app, llm, context }) => {
    await context.grantPermissions(['clipboard-read', 'clipboard-write']);
    const markdown = '1. **Oxygen** to SpO2 ≥ 94%\n2. Blood cultures';
    llm.queueReply(markdown);
    await fillFeverPatient(app);
    await app.getByRole('button', { name: 'Get protocol' }).click();
    await expect(app.getByTestId('answer').first()).not.toHaveAttribute('aria-busy', 'true');
    await app.getByRole('button', { name: 'Copy' }).focus();
    await app.keyboard.press('Enter');
    await expect(app.getByText('Copied')).toBeVisible();
    expect(await app.evaluate(() => navigator.clipboard.readText())).toBe(markdown);
  });
});
