import { readFile } from 'node:fs/promises';
import type { Download, Page } from '@playwright/test';
import { SessionExport } from '../../src/shared/export';
import { formatLocalDateTime, formatLocalDateTimeWithOffset } from '../../src/shared/localTime';
import { INTAKE_REQUEST_TEXT } from '../../src/shared/turnWording';
import { expect, expectTurnsAnswered, fillFeverPatient, test } from './fixtures';

/** A workstation away from UTC, so a UTC time passed off as local would show. */
const ZONE = 'Europe/Paris';

/** Clicks an export button and reads the file the page offered for saving. */
async function exportAs(app: Page, testId: string): Promise<{ download: Download; text: string }> {
  // The formats are behind the session header's compact "Export" menu.
  const toggle = app.getByRole('button', { name: 'Export', exact: true });
  if ((await toggle.getAttribute('aria-expanded')) !== 'true') await toggle.click();
  const [download] = await Promise.all([app.waitForEvent('download'), app.getByTestId(testId).click()]);
  const path = await download.path();
  return { download, text: await readFile(path, 'utf8') };
}

test.describe('session export', () => {
  // The page (Chromium) and main (the harness, in this worker's Node) both run in the workstation's zone.
  test.use({ timezoneId: ZONE });
  let zoneBefore: string | undefined;
  test.beforeAll(() => {
    zoneBefore = process.env.TZ;
    process.env.TZ = ZONE;
  });
  test.afterAll(() => {
    if (zoneBefore === undefined) delete process.env.TZ;
    else process.env.TZ = zoneBefore;
  });

  test('saves the session as Markdown and as JSON that matches the published schema', async ({ app, llm }) => {
    llm.queueReply('Consider **community-acquired pneumonia**; chest X-ray.', 'With SpO2 88%, give oxygen.');
    await fillFeverPatient(app);
    await app.getByRole('button', { name: 'Get protocol' }).click();
    await expectTurnsAnswered(app, 1);
    await app.getByLabel('Follow-up').fill('SpO2 88%');
    await app.getByRole('button', { name: 'Send follow-up' }).click();
    await expectTurnsAnswered(app, 2);
    const sessionId = (await app.getByTestId('session-id').textContent()) ?? '';

    const markdown = await exportAs(app, 'export-markdown');
    expect(markdown.download.suggestedFilename()).toMatch(new RegExp(`^session-${sessionId.slice(0, 8)}-\\d{4}-\\d{2}-\\d{2}\\.md$`));
    expect(markdown.text).toContain(`# Session ${sessionId}`);
    expect(markdown.text).toContain('- Chief complaint: Fever and productive cough for 3 days');
    expect(markdown.text).toContain('Consider **community-acquired pneumonia**; chest X-ray.');
    expect(markdown.text).toContain('> SpO2 88%');
    // Turn 1 reads as on screen: the request for a protocol, not the instruction sent to the model in its place.
    await expect(app.getByRole('article', { name: 'Turn 1' })).toContainText(INTAKE_REQUEST_TEXT);
    expect(markdown.text).toContain(`## Turn 1\n\n### Message\n\n> ${INTAKE_REQUEST_TEXT}\n`);
    await expect(app.getByTestId('export-status')).toContainText('Saved');

    const json = await exportAs(app, 'export-json');
    expect(json.download.suggestedFilename()).toMatch(/\.json$/);
    const doc = SessionExport.parse(JSON.parse(json.text));
    expect(doc.session.sessionId).toBe(sessionId);
    // The JSON keeps UTC (docs/export-schema.md); the Markdown gives the same instants in local time, as on screen.
    expect(doc.session.createdAt).toMatch(/Z$/);
    const zone = { timeZone: ZONE };
    await expect(app.getByTestId('session-created')).toHaveText(formatLocalDateTime(doc.session.createdAt, zone));
    expect(markdown.text).toContain(`Started ${formatLocalDateTimeWithOffset(doc.session.createdAt, zone)} · exported`);
    expect(markdown.text).toMatch(/Started \d{1,2} [A-Z][a-z]{2} \d{4}, \d{2}:\d{2} \(UTC\+0[12]:00\)/);
    expect(markdown.text).toContain(`- **Asked:** ${formatLocalDateTimeWithOffset(doc.turns[0]?.askedAt ?? '', zone)}`);
    expect(markdown.text).not.toMatch(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/);
    expect(doc.turns.map((turn) => [turn.seq, turn.status, turn.answerMarkdown])).toEqual([
      [1, 'complete', 'Consider **community-acquired pneumonia**; chest X-ray.'],
      [2, 'complete', 'With SpO2 88%, give oxygen.'],
    ]);
    expect(doc.turns.every((turn) => turn.model !== null && turn.endpoint === llm.baseURL && turn.inferenceTimeMs !== null)).toBe(true);
  });

  test('PDF: the harness hands over the print-ready document, and Chromium prints it', async ({ app, llm, browser }) => {
    llm.queueReply('Consider <b>sepsis</b> screening.');
    await fillFeverPatient(app);
    await app.getByRole('button', { name: 'Get protocol' }).click();
    await expectTurnsAnswered(app, 1);

    const printable = await exportAs(app, 'export-pdf');
    expect(printable.download.suggestedFilename()).toMatch(/\.html$/);
    await expect(app.getByTestId('export-status')).toContainText('print it to PDF');
    expect(printable.text).toContain('Consider &lt;b&gt;sepsis&lt;/b&gt; screening.');
    expect(printable.text).toMatch(/<dt>Asked<\/dt><dd>\d{1,2} [A-Z][a-z]{2} \d{4}, \d{2}:\d{2} \(UTC\+0[12]:00\)<\/dd>/);
    expect(printable.text).toContain(INTAKE_REQUEST_TEXT);

    // Printed in a page of its own, as a browser would, with nothing else loaded.
    const context = await browser.newContext({ javaScriptEnabled: false });
    try {
      const printPage = await context.newPage();
      await printPage.setContent(printable.text);
      await expect(printPage.getByRole('heading', { name: 'Patient summary' })).toBeVisible();
      const pdf = await printPage.pdf({ format: 'A4' });
      expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
      expect(pdf.length).toBeGreaterThan(1000);
    } finally {
      await context.close();
    }
  });
});
