import { expect, expectTurnsAnswered, fillFeverPatient, test } from './fixtures';

const longReply = (label: string): string => Array.from({ length: 60 }, (_unused, index) => `${label}${index}`).join(' ');

test.describe('one turn at a time per session, sessions side by side', () => {
  test('two quick follow-ups on one session from two pages never overlap at the model, and the second sees the first', async ({ app, browser, harness, llm }) => {
    llm.queueReply('First protocol.');
    await fillFeverPatient(app);
    await app.getByRole('button', { name: 'Get protocol' }).click();
    await expectTurnsAnswered(app, 1);
    const sessionId = (await app.getByTestId('session-id').textContent()) ?? '';

    const other = await browser.newPage();
    await other.goto(harness.url);
    llm.setChunkDelay(15);
    llm.queueReply(longReply('alpha'), 'Second follow-up answer.');
    await app.getByLabel('Follow-up').fill('Chest X-ray shows bilateral infiltrates');
    await app.getByRole('button', { name: 'Send follow-up' }).click();
    await expect.poll(() => llm.chatRequests().length).toBe(2);
    const fromOtherPage = await other.evaluate(
      (id) => window.api.protocol.generate({ sessionId: id, message: 'Hypoxic, SpO2 88% on room air' }),
      sessionId,
    );
    expect(fromOtherPage).toMatchObject({ ok: true, data: { seq: 3, protocol: 'Second follow-up answer.' } });

    const [, first, second] = llm.chatRequests();
    await first!.done;
    expect(first!.closedEarly).toBe(false);
    const secondMessages = (second!.body as { messages: { role: string; content: string }[] }).messages;
    // The second request was made only after the first answer was complete: it carries that answer as history.
    expect(secondMessages.at(-2)).toEqual({ role: 'assistant', content: longReply('alpha') });
    expect(secondMessages.at(-1)).toEqual({ role: 'user', content: 'Hypoxic, SpO2 88% on room air' });
    await expect(app.getByTestId('answer').nth(1)).toHaveText(longReply('alpha'));
    await other.close();
  });

  test('two sessions stream at the same time', async ({ app, browser, harness, llm }) => {
    llm.setChunkDelay(30);
    llm.queueReply(longReply('one'), longReply('two'));
    const other = await browser.newPage();
    await other.goto(harness.url);
    const finished: number[] = [];
    await fillFeverPatient(app);
    await app.getByRole('button', { name: 'Get protocol' }).click();
    const secondTurn = other.evaluate(() =>
      window.api.protocol.generate({ patient: { age: 45, sex: 'male', chiefComplaint: 'Crushing substernal chest pain' } }),
    );
    await expect.poll(() => llm.chatRequests().length).toBe(2);
    llm.chatRequests().forEach((request, index) => void request.done.then(() => finished.push(index)));
    await new Promise((resolve) => setImmediate(resolve));
    expect(finished).toEqual([]);
    expect((await secondTurn).ok).toBe(true);
    await expectTurnsAnswered(app, 1);
    await other.close();
  });

  test('the sessions api tells a live session from an unknown one', async ({ app, llm }) => {
    llm.queueReply('Protocol.');
    await fillFeverPatient(app);
    await app.getByRole('button', { name: 'Get protocol' }).click();
    await expectTurnsAnswered(app, 1);
    const sessionId = (await app.getByTestId('session-id').textContent()) ?? '';
    const info = await app.evaluate((id) => window.api.sessions.get({ sessionId: id }), sessionId);
    expect(info).toMatchObject({ ok: true, data: { sessionId, conversationCount: 1, state: 'idle' } });
    const list = await app.evaluate(() => window.api.sessions.list());
    expect(list).toMatchObject({ ok: true, data: { count: 1 } });
    const unknown = await app.evaluate(() => window.api.sessions.get({ sessionId: '3f2b8c1e-7d4a-4f6b-9c2d-1e5a7b9c0d3f' }));
    expect(unknown).toMatchObject({ ok: false, error: { code: 'SESSION_NOT_FOUND' } });
    expect(await app.evaluate((id) => window.api.sessions.delete({ sessionId: id }), sessionId)).toEqual({ ok: true, data: { deleted: true } });
  });
});
