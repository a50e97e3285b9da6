import { expect, expectTurnsAnswered, fillFeverPatient, test } from './fixtures';

test.describe('a protocol turn and a follow-up, end to end', () => {
  test('the clinician sees the protocol stream in, asks a follow-up, and the model receives the whole conversation', async ({ app, llm }) => {
    const firstAnswer = '1. Repeat vitals.\n2. Chest X-ray.\n3. CBC, CRP and viral panel.\n4. Start empirical antibiotics if consolidation.';
    const secondAnswer = 'Bilateral infiltrates: treat as community-acquired pneumonia; add atypical cover; avoid penicillins.';
    llm.queueReply(firstAnswer, secondAnswer);
    llm.setChunkDelay(25);

    await fillFeverPatient(app);
    await app.getByRole('button', { name: 'Get protocol' }).click();

    const answers = app.getByTestId('answer');
    await expect(answers.first()).toHaveAttribute('aria-busy', 'true');
    await expect(app.getByRole('button', { name: 'Stop' })).toBeVisible();
    await expect(answers.first()).toHaveText(firstAnswer);
    await expect(answers.first()).not.toHaveAttribute('aria-busy', 'true');
    await expectTurnsAnswered(app, 1);
    const sessionId = (await app.getByTestId('session-id').textContent()) ?? '';
    expect(sessionId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);

    await app.getByLabel('Follow-up').fill('Chest X-ray shows bilateral infiltrates');
    await app.getByRole('button', { name: 'Send follow-up' }).click();
    await expect(answers.nth(1)).toHaveText(secondAnswer);
    await expectTurnsAnswered(app, 2);
    await expect(app.getByTestId('session-id')).toHaveText(sessionId);

    const requests = llm.chatRequests().map((request) => request.body as { messages: { role: string; content: string }[] });
    expect(requests).toHaveLength(2);
    const followUp = requests[1]!.messages;
    expect(followUp.map((message) => message.role)).toEqual(['system', 'user', 'assistant', 'user']);
    expect(followUp[2]!.content).toBe(firstAnswer);
    expect(followUp[3]!.content).toBe('Chest X-ray shows bilateral infiltrates');
    // The form's °F was converted: 101.8 °F is 38.8 °C in the pinned summary.
    expect(followUp[0]!.content).toContain('T 38.8 °C');
    expect(followUp[0]!.content).toContain('Allergies: Penicillin (rash)');
  });

  test('Stop keeps the partial answer and marks it incomplete', async ({ app, llm }) => {
    llm.queueReply(Array.from({ length: 200 }, (_unused, index) => `step${index}`).join(' '));
    llm.setChunkDelay(40);
    await fillFeverPatient(app);
    await app.getByRole('button', { name: 'Get protocol' }).click();
    await expect(app.getByTestId('answer').first()).toContainText('step3');
    await app.getByRole('button', { name: 'Stop' }).click();
    await expect(app.getByText('(incomplete: cancelled)')).toBeVisible();
    const partial = (await app.getByTestId('answer').first().textContent()) ?? '';
    expect(partial).toMatch(/^step0 step1 step2 step3/);
    expect(partial).not.toContain('step199');
    await expect.poll(async () => (await llm.chatRequests()[0]?.done, llm.chatRequests()[0]?.closedEarly)).toBe(true);
  });
});

test.describe('bad input gets a clear error naming the field, and nothing is sent', () => {
  test('an impossible SpO2 is refused in the form', async ({ app, llm }) => {
    await fillFeverPatient(app);
    await app.getByLabel('SpO2 (%)').fill('140');
    await app.getByRole('button', { name: 'Get protocol' }).click();
    await expect(app.getByText('SpO2 cannot be above 100 %', { exact: true })).toBeVisible();
    await expect(app.getByLabel('SpO2 (%)')).toHaveAttribute('aria-invalid', 'true');
    expect(llm.chatRequests()).toHaveLength(0);
  });

  test('text where a number belongs is refused, naming the field', async ({ app, llm }) => {
    await fillFeverPatient(app);
    await app.getByLabel('Heart rate (beats/min)').fill('fast');
    await app.getByRole('button', { name: 'Get protocol' }).click();
    await expect(app.getByLabel('Heart rate (beats/min)')).toHaveAttribute('aria-invalid', 'true');
    await expect(app.getByLabel('Heart rate (beats/min)')).toHaveAccessibleDescription(/^Heart rate must be a number/);
    await expect(app.getByTestId('intake-problems')).toHaveText('1 problem — first: Heart rate. Nothing was sent.');
    expect(llm.chatRequests()).toHaveLength(0);
  });

  test('main refuses what the form would not catch, with INVALID_INPUT naming the field', async ({ app, llm }) => {
    const result = await app.evaluate(() =>
      window.api.protocol.generate({ patient: { age: -3, sex: 'female', chiefComplaint: 'x' } } as never),
    );
    expect(result).toEqual({ ok: false, error: { code: 'INVALID_INPUT', message: 'patient.age: Age cannot be below 0 years' } });
    const unknown = await app.evaluate(() =>
      window.api.protocol.generate({ sessionId: '3f2b8c1e-7d4a-4f6b-9c2d-1e5a7b9c0d3f', message: 'hello' }),
    );
    expect(unknown).toMatchObject({ ok: false, error: { code: 'SESSION_NOT_FOUND' } });
    expect(llm.chatRequests()).toHaveLength(0);
  });

  test('an implausible value must be confirmed before it is sent', async ({ app, llm }) => {
    await fillFeverPatient(app);
    await app.getByLabel('Heart rate (beats/min)').fill('250');
    await app.getByRole('button', { name: 'Get protocol' }).click();
    // On the field, quoting the same usual range as the hint under it.
    await expect(app.getByLabel('Heart rate (beats/min)')).toHaveAccessibleDescription(
      /^Check: Heart rate 250 beats\/min is far above the usual 60–100 beats\/min at 60 years — is it a typo\? Please confirm\..*Usual at 60 years: 60–100 beats\/min$/,
    );
    expect(llm.chatRequests()).toHaveLength(0);
    await app.getByLabel('I confirm these values are correct').check();
    await app.getByRole('button', { name: 'Get protocol' }).click();
    await expectTurnsAnswered(app, 1);
    expect(llm.chatRequests()).toHaveLength(1);
  });

  test('a model server that is down gives a clear message and keeps the form filled', async ({ app, llm }) => {
    llm.failNext({ kind: 'refuse' }, 5);
    await fillFeverPatient(app);
    await app.getByRole('button', { name: 'Get protocol' }).click();
    await expect(app.getByRole('alert')).toContainText('cannot be reached');
    await expect(app.getByLabel('Chief complaint')).toHaveValue('Fever and productive cough for 3 days');
  });
});
