import { describe, expect, it } from 'vitest';
import { SESSION_EXPORT_SCHEMA, SESSION_EXPORT_VERSION, type ExportedTurn, type SessionExport } from '../../shared/export';
import { INTAKE_REQUEST_TEXT } from '../../shared/turnWording';
import { exportFileName } from './exportFiles';
import { renderHtml } from './renderHtml';
import { renderMarkdown } from './renderMarkdown';

function turn(seq: number, message: string, askedAt: string): ExportedTurn {
  return {
    seq,
    turnId: `turn-${seq}`,
    parentTurnId: null,
    status: 'complete',
    incompleteReason: null,
    askedAt,
    answeredAt: askedAt.replace(':00.000Z', ':04.000Z'),
    message,
    answerMarkdown: 'Chest X-ray.',
    model: 'clinic-model',
    endpoint: 'http://127.0.0.1:8000/v1',
    inferenceTimeMs: 4000,
    historyTrimmed: false,
  };
}

const DOC: SessionExport = {
  schema: SESSION_EXPORT_SCHEMA,
  version: SESSION_EXPORT_VERSION,
  exportedAt: '2026-12-02T19:10:00.000Z',
  session: { sessionId: '3f2b8c1e-9d4a-4b7e-8f1a-2c3d4e5f6a7b', createdAt: '2026-12-02T18:59:00.000Z', updatedAt: '2026-12-02T19:01:00.000Z', title: 'Fever' },
  patient: { age: 3, sex: 'female', chiefComplaint: 'Fever' },
  patientSummary: ['Age: 3 years'],
  // Turn 1's recorded message is the instruction main sent the model in place of one the clinician wrote.
  turns: [turn(1, 'Suggest an initial clinical protocol for this patient.', '2026-12-02T18:59:00.000Z'), turn(2, 'SpO2 88%', '2026-12-02T19:01:00.000Z')],
  unreadableTurns: 0,
};

const PARIS = { timeZone: 'Europe/Paris' };

describe('the Markdown and printed export', () => {
  it('gives times in the workstation’s local time with its offset, not UTC ISO strings', () => {
    const markdown = renderMarkdown(DOC, PARIS);
    expect(markdown).toContain('Started 2 Dec 2026, 19:59 (UTC+01:00) · exported 2 Dec 2026, 20:10 (UTC+01:00)');
    expect(markdown).toContain('- **Asked:** 2 Dec 2026, 19:59 (UTC+01:00)');
    expect(markdown).toContain('- **Answered:** 2 Dec 2026, 20:01 (UTC+01:00)');
    expect(markdown).not.toContain('2026-12-02T');
    const html = renderHtml(DOC, PARIS);
    expect(html).toContain('Started 2 Dec 2026, 19:59 (UTC+01:00) · exported 2 Dec 2026, 20:10 (UTC+01:00).');
    expect(html).toContain('<dt>Asked</dt><dd>2 Dec 2026, 20:01 (UTC+01:00)</dd>');
    expect(html).not.toContain('2026-12-02T');
  });

  it('words turn 1 as the screen does, and later questions as the clinician wrote them', () => {
    const markdown = renderMarkdown(DOC, PARIS);
    expect(markdown).toContain(`## Turn 1\n\n### Message\n\n> ${INTAKE_REQUEST_TEXT}\n`);
    expect(markdown).toContain('## Turn 2\n\n### Message\n\n> SpO2 88%\n');
    expect(markdown).not.toContain('Suggest an initial clinical protocol');
    const html = renderHtml(DOC, PARIS);
    expect(html).toContain(`<blockquote><pre class="text">${INTAKE_REQUEST_TEXT}</pre></blockquote>`);
    expect(html).not.toContain('Suggest an initial clinical protocol');
  });

  it('names the file after the workstation’s calendar day, not UTC’s', () => {
    const afterMidnightInParis = new Date('2026-12-02T23:30:00.000Z');
    expect(exportFileName(DOC.session.sessionId, afterMidnightInParis, 'md', PARIS)).toBe('session-3f2b8c1e-2026-12-03.md');
    expect(exportFileName(DOC.session.sessionId, afterMidnightInParis, 'json', { timeZone: 'UTC' })).toBe('session-3f2b8c1e-2026-12-02.json');
  });
});
