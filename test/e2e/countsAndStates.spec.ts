import type { Page } from '@playwright/test';
import { expect, fillFeverPatient, test } from './fixtures';

/**
 * Issue 11 point 8: the sidebar row and the session header say the same thing — how many turns, and the state of the
 * latest one — live, after a failure or a Stop, while streaming, and once reopened; the answer chosen with the
 * switcher is the one reopening shows.
 */
test.use({ viewport: { width: 1366, height: 800 } });

const rowOf = (app: Page, title: string) => app.getByRole('complementary', { name: 'Sessions' }).getByRole('button', { name: title });

/** Starts the fever patient's session and waits for its first answer. */
async function answeredFeverSession(app: Page): Promise<void> {
  await fillFeverPatient(app);
  await app.getByRole('button', { name: 'Get protocol' }).click();
  await expect(app.getByTestId('answer').first()).not.toHaveAttribute('aria-busy', 'true');
}

test('a failed follow-up: header and row give the same count, and the row says it failed', async ({ app, llm }) => {
  llm.queueReply('Start oxygen.', 'Chest X-ray next.');
  await answeredFeverSession(app);
  await app.getByLabel('Follow-up').fill('X-ray shows consolidation');
  await app.getByRole('button', { name: 'Send follow-up' }).click();
  await expect(app.getByTestId('answer').nth(1)).toHaveText('Chest X-ray next.');
  await expect(app.getByTestId('turn-count')).toHaveText('2');

  llm.failNext({ kind: 'status', status: 500, message: 'boom' }, 5);
  await app.getByLabel('Follow-up').fill('CRP is 180');
  await app.getByRole('button', { name: 'Send follow-up' }).click();
  await expect(app.getByRole('alert')).toBeVisible();
  await expect(app.getByTestId('turn-count')).toHaveText('2');
  const row = rowOf(app, 'Fever and productive cough for 3 days');
  await expect(row).toContainText('2 turns · Failed');

  // Reopened, the header agrees with the row.
  await app.getByRole('button', { name: 'New patient' }).click();
  await row.click();
  await expect(app.getByText('Session (read-only)')).toBeVisible();
  await expect(app.getByTestId('turn-count')).toHaveText('2');
  await expect(row).toContainText('2 turns · Failed');
});

test('a stopped answer is "Stopped (incomplete)", not "Answered", in the row', async ({ app, llm }) => {
  llm.queueReply(Array.from({ length: 200 }, (_unused, index) => `step${index}`).join(' '));
  llm.setChunkDelay(40);
  await fillFeverPatient(app);
  await app.getByRole('button', { name: 'Get protocol' }).click();
  await expect(app.getByTestId('answer').first()).toContainText('step3');
  await app.getByRole('button', { name: 'Stop' }).click();
  await expect(app.getByText('(incomplete: cancelled)')).toBeVisible();
  await expect(app.getByTestId('turn-count')).toHaveText('1');
  await expect(rowOf(app, 'Fever and productive cough for 3 days')).toContainText('1 turn · Stopped (incomplete)');
});

test('while the first answer streams, the header already shows 1 turn, the creation time and the model', async ({ app, llm }) => {
  // The model server takes the request and does not answer until Stop.
  llm.failNext({ kind: 'hang' });
  await fillFeverPatient(app);
  await app.getByRole('button', { name: 'Get protocol' }).click();
  await expect(app.getByTestId('answer').first()).toHaveAttribute('aria-busy', 'true');
  await expect(app.getByTestId('turn-count')).toHaveText('1');
  await expect(app.getByTestId('session-created')).not.toHaveText('—');
  await expect(app.getByTestId('session-model')).toHaveText('fake-clinical-model');
  await expect(rowOf(app, 'Fever and productive cough for 3 days')).toContainText('1 turn · Answering');
  await app.getByRole('button', { name: 'Stop' }).click();
  await expect(rowOf(app, 'Fever and productive cough for 3 days')).toContainText('1 turn · Stopped (incomplete)');
});

test('the answer chosen with the switcher is the one shown when the session is reopened', async ({ app, llm }) => {
  llm.queueReply('Answer A: oxygen.', 'Answer B: antibiotics.');
  await answeredFeverSession(app);
  await app.getByRole('button', { name: 'Regenerate' }).click();
  await expect(app.getByTestId('answer').first()).toHaveText('Answer B: antibiotics.');
  await app.getByRole('button', { name: 'Previous answer' }).click();
  await expect(app.getByTestId('answer').first()).toHaveText('Answer A: oxygen.');
  await expect(app.getByTestId('answer-position')).toHaveText('Answer 1 of 2');

  await app.getByRole('button', { name: 'New patient' }).click();
  const row = rowOf(app, 'Fever and productive cough for 3 days');
  await expect(row).toContainText('1 turn · Answered');
  await row.click();
  await expect(app.getByText('Session (read-only)')).toBeVisible();
  await expect(app.getByTestId('answer').first()).toHaveText('Answer A: oxygen.');
  // Answers keep the order they were asked in.
  await expect(app.getByTestId('answer-position')).toHaveText('Answer 1 of 2');
  await expect(app.getByTestId('turn-count')).toHaveText('1');
});

test('an answer chosen after "Continue this session" is the one shown when the session is reopened', async ({ app, llm }) => {
  llm.queueReply('Answer A: oxygen.', 'Answer B: antibiotics.');
  await answeredFeverSession(app);
  await app.getByRole('button', { name: 'Regenerate' }).click();
  await expect(app.getByTestId('answer').first()).toHaveText('Answer B: antibiotics.');
  await app.getByRole('button', { name: 'New patient' }).click();
  const row = rowOf(app, 'Fever and productive cough for 3 days');
  await row.click();
  await app.getByRole('button', { name: 'Continue this session' }).click();
  await expect(app.getByLabel('Follow-up')).toBeVisible();
  await app.getByRole('button', { name: 'Previous answer' }).click();
  await expect(app.getByTestId('answer').first()).toHaveText('Answer A: oxygen.');

  await app.getByRole('button', { name: 'New patient' }).click();
  await row.click();
  await expect(app.getByText('Session (read-only)')).toBeVisible();
  await expect(app.getByTestId('answer').first()).toHaveText('Answer A: oxygen.');
  await expect(app.getByTestId('answer-position')).toHaveText('Answer 1 of 2');
});
