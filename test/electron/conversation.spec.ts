import { expect, test } from '@playwright/test';
import { fillFeverPatient, signInAsNewClinician } from '../e2e/fixtures';
import { ELECTRON_SKIPPED, electronBinaryPath, withApp } from './support';

test.skip(electronBinaryPath() === null, ELECTRON_SKIPPED);

test.describe('a protocol turn and a follow-up in the desktop app', () => {
  test('a new clinician gets a streamed protocol, asks a follow-up, and the model receives the whole conversation', async () => {
    await withApp(async ({ page, pageProblems }, llm) => {
      const firstAnswer = '1. Repeat vitals.\n2. Chest X-ray.\n3. CBC, CRP and viral panel.\n4. Start empirical antibiotics if consolidation.';
      const secondAnswer = 'Bilateral infiltrates: treat as community-acquired pneumonia; add atypical cover; avoid penicillins.';
      const followUpText = 'Chest X-ray shows bilateral infiltrates';
      llm.queueReply(firstAnswer, secondAnswer);
      llm.setChunkDelay(25);

      await signInAsNewClinician(page);
      await fillFeverPatient(page);
      await page.getByRole('button', { name: 'Get protocol' }).click();

      const answers = page.getByTestId('answer');
      await expect(answers.first()).toHaveAttribute('aria-busy', 'true');
      await expect(page.getByRole('button', { name: 'Stop' })).toBeVisible();
      await expect(answers.first()).toHaveText(firstAnswer);
      await expect(answers.first()).not.toHaveAttribute('aria-busy', 'true');
      await expect(page.getByTestId('turn-count')).toHaveText('1');
      // A question counts from the moment it is sent: wait for its answer to finish too.
      await expect(page.locator('[data-testid="answer"][aria-busy="true"]')).toHaveCount(0);
      const sessionId = (await page.getByTestId('session-id').textContent()) ?? '';
      expect(sessionId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);

      await page.getByLabel('Follow-up').fill(followUpText);
      await page.getByRole('button', { name: 'Send follow-up' }).click();
      await expect(answers.nth(1)).toHaveText(secondAnswer);
      await expect(page.getByTestId('turn-count')).toHaveText('2');
      // A question counts from the moment it is sent: wait for its answer to finish too.
      await expect(page.locator('[data-testid="answer"][aria-busy="true"]')).toHaveCount(0);
      await expect(page.getByTestId('session-id')).toHaveText(sessionId);

      // What main's model client sent through Electron's net.fetch: the follow-up carries turn 1.
      const requests = llm.chatRequests().map((request) => request.body as { messages: { role: string; content: string }[] });
      expect(requests).toHaveLength(2);
      const followUp = requests[1]!.messages;
      expect(followUp.map((message) => message.role)).toEqual(['system', 'user', 'assistant', 'user']);
      expect(followUp[2]!.content).toBe(firstAnswer);
      expect(followUp[3]!.content).toBe(followUpText);
      expect(followUp[0]!.content).toContain('T 38.8 °C');
      expect(followUp[0]!.content).toContain('Allergies: Penicillin (rash)');

      expect(pageProblems, 'the page logged no errors').toEqual([]);
    });
  });
});
