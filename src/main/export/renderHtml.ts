import type { SessionExport } from '../../shared/export';
import { formatLocalDateTimeWithOffset, type TimeZoneChoice } from '../../shared/localTime';
import { clinicianQuestionText } from '../../shared/turnWording';
import { turnFacts } from './turnFacts';

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** `text` safe inside HTML text and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => ESCAPES[char] as string);
}

/**
 * The printed look: plain, black on white, A4-friendly. Inline, because the document must stand alone: it is
 * printed from memory (a data: URL in a hidden window, or a browser tab) and loads nothing.
 */
const STYLE = `
body { font: 11pt/1.45 system-ui, sans-serif; color: #000; background: #fff; margin: 0; }
h1 { font-size: 16pt; margin: 0 0 4pt; } h2 { font-size: 13pt; margin: 16pt 0 4pt; border-bottom: 1px solid #888; }
h3 { font-size: 11pt; margin: 8pt 0 2pt; } .meta { color: #333; font-size: 9.5pt; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: 1pt 8pt; font-size: 9.5pt; margin: 4pt 0; }
dt { font-weight: 600; } dd { margin: 0; }
.text { white-space: pre-wrap; overflow-wrap: anywhere; margin: 0; font: inherit; }
blockquote { margin: 0; padding-left: 8pt; border-left: 3px solid #888; }
section.turn { break-inside: avoid-page; }
`;

/**
 * The session as a self-contained, printable HTML document (what becomes the PDF). Every piece of text is escaped
 * and the document's own CSP forbids scripts and loading anything, so no answer text can run or fetch while it is
 * printed. The answer is shown as the model wrote it (its Markdown source), not rendered; the question and the times
 * read as in the Markdown export (see renderMarkdown). `zone` is the workstation's unless a test passes one.
 */
export function renderHtml(doc: SessionExport, zone: TimeZoneChoice = {}): string {
  const turns = doc.turns
    .map((turn) => {
      const facts = turnFacts(turn, zone)
        .map(([label, value]) => `<dt>${escapeHtml(label)}</dt><dd>${escapeHtml(value)}</dd>`)
        .join('');
      const answer = turn.answerMarkdown.trim() === '' ? '<p><em>No answer recorded.</em></p>' : `<pre class="text">${escapeHtml(turn.answerMarkdown)}</pre>`;
      return (
        `<section class="turn"><h2>Turn ${turn.seq}${turn.parentTurnId === null ? '' : ' (regenerated answer)'}</h2>` +
        `<h3>Message</h3><blockquote><pre class="text">${escapeHtml(clinicianQuestionText(turn))}</pre></blockquote>` +
        `<dl>${facts}</dl><h3>Answer</h3>${answer}</section>`
      );
    })
    .join('\n');
  const unreadable = doc.unreadableTurns > 0 ? `<p><em>${doc.unreadableTurns} record(s) could not be opened and are not included.</em></p>` : '';
  return [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">`,
    `<title>Session ${escapeHtml(doc.session.sessionId)}</title><style>${STYLE}</style></head><body>`,
    `<h1>Session ${escapeHtml(doc.session.sessionId)}</h1>`,
    `<p class="meta">Started ${escapeHtml(formatLocalDateTimeWithOffset(doc.session.createdAt, zone))} · exported ${escapeHtml(formatLocalDateTimeWithOffset(doc.exportedAt, zone))}. Answers are suggestions for a clinician’s judgement, not orders.</p>`,
    `<h2>Patient summary</h2><ul>${doc.patientSummary.map((line) => `<li>${escapeHtml(line)}</li>`).join('')}</ul>`,
    turns,
    unreadable,
    '</body></html>',
  ].join('\n');
}
