import type { Page } from '@playwright/test';
import { expectRegionAccessible } from './accessibilityChecks';
import { expect, expectTurnsAnswered, test, twoAnsweredSessions } from './fixtures';

test.describe('search (vault.search)', () => {
  test('finds a session by words of its answer, not only its title', async ({ app, llm }) => {
    await twoAnsweredSessions(app, llm);

    const sidebar = app.getByRole('complementary', { name: 'Sessions' });
    await expect(sidebar.getByTestId('session-row')).toHaveCount(2);
    await sidebar.getByLabel('Search sessions').fill('angiography');
    await expect(sidebar.getByTestId('session-row')).toHaveCount(1);
    await expect(sidebar.getByTestId('session-row')).toContainText('Pleuritic chest pain');
  });
});

/** A session for a patient given by age, sex and history only (no vitals), answered. */
async function answeredPatient(app: Page, patient: { age: string; sex: string; complaint: string; allergies?: string; medications?: string; history?: string }): Promise<void> {
  await app.getByLabel('Age', { exact: true }).fill(patient.age);
  await app.getByLabel('Sex').selectOption(patient.sex);
  await app.getByLabel('Chief complaint').fill(patient.complaint);
  if (patient.allergies) await app.getByLabel('Allergies').fill(patient.allergies);
  if (patient.medications) await app.getByLabel('Medications').fill(patient.medications);
  if (patient.history) await app.getByLabel('Past medical history').fill(patient.history);
  await app.getByRole('button', { name: 'Get protocol' }).click();
  await expectTurnsAnswered(app, 1);
  await app.getByRole('button', { name: 'New patient' }).click();
}

test.describe('finding a patient again (issue 11 point 6)', () => {
  test.use({ viewport: { width: 1366, height: 800 } });

  test('search covers allergies, medications, history, age and sex; rows say age · sex · complaint; the match is marked', async ({ app, llm }) => {
    llm.queueReply('Paediatric fever work-up.', 'Adult fever work-up.');
    await answeredPatient(app, { age: '3', sex: 'female', complaint: 'Fever and fast breathing', allergies: 'Penicillin (rash)', history: 'Asthma since infancy' });
    await answeredPatient(app, { age: '58', sex: 'male', complaint: 'Fever and fast breathing', medications: 'Metformin 500 mg twice daily' });

    const sidebar = app.getByRole('complementary', { name: 'Sessions' });
    const rows = sidebar.getByTestId('session-row');
    // Two cases with the same complaint differ by age and sex.
    await expect(rows).toHaveCount(2);
    await expect(rows.nth(0)).toContainText('58 y · M · Fever and fast breathing');
    await expect(rows.nth(1)).toContainText('3 y · F · Fever and fast breathing');
    await expect(sidebar.getByRole('button', { name: '3 y · F · Fever and fast breathing' })).toBeVisible();

    const search = sidebar.getByLabel('Search sessions');
    const expectOnlyHit = async (query: string, who: string, snippet: string, markedWords: string[]) => {
      await search.fill(query);
      await expect(rows).toHaveCount(1);
      await expect(rows.first()).toContainText(who);
      const excerpt = rows.first().getByTestId('session-row-snippet');
      await expect(excerpt).toHaveText(snippet);
      await expect(excerpt.locator('mark')).toHaveText(markedWords);
    };
    await expectOnlyHit('penicillin', '3 y · F', 'Allergies: Penicillin (rash)', ['Penicillin']);
    // The marked words keep their contrast in both schemes.
    await expectRegionAccessible(sidebar, 'sessions list with a marked search hit');
    await expectOnlyHit('metformin', '58 y · M', 'Medications: Metformin 500 mg twice daily', ['Metformin']);
    await expectOnlyHit('asthma', '3 y · F', 'Past history: Asthma since infancy', ['Asthma']);
    await expectOnlyHit('3 years', '3 y · F', '3 years old, female', ['3', 'years']);
    await expectOnlyHit('female', '3 y · F', '3 years old, female', ['female']);

    // A match in the complaint itself: marked in the title, not repeated as an excerpt.
    await search.fill('fast breathing');
    await expect(rows).toHaveCount(2);
    await expect(rows.first().locator('.session-row-title mark')).toHaveText(['fast', 'breathing']);
    await expect(rows.first().getByTestId('session-row-snippet').getByText('Fever and fast breathing', { exact: true })).toHaveCount(0);
  });
});
