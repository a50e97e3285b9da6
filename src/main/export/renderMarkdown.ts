import type { SessionExport } from '../../shared/export';
import { turnFacts } from './turnFacts';

/** `text` as a Markdown blockquote, every line quoted (the clinician's message is shown as written, not as Markdown). */
function quote(text: string): string {
  return text.split('\n').map((line) => `> ${line}`.trimEnd()).join('\n');
}

/**
 * The session as a Markdown document: the patient summary, then every turn — the message quoted, the facts
 * (status, times, model, endpoint, inference time) and the answer as the model wrote it (Markdown already).
 */
export function renderMarkdown(doc: SessionExport): string {
  const lines: string[] = [
    `# Session ${doc.session.sessionId}`,
    '',
    `Started ${doc.session.createdAt} · exported ${doc.exportedAt}`,
    '',
    '> Answers are suggestions for a clinician’s judgement, not orders.',
    '',
    '## Patient summary',
    '',
    ...doc.patientSummary.map((line) => `- ${line}`),
    '',
  ];
  for (const turn of doc.turns) {
    lines.push(`## Turn ${turn.seq}${turn.parentTurnId === null ? '' : ' (regenerated answer)'}`, '', '### Message', '', quote(turn.message), '');
    lines.push(...turnFacts(turn).map(([label, value]) => `- **${label}:** ${value}`), '');
    lines.push('### Answer', '', turn.answerMarkdown.trim() === '' ? '_No answer recorded._' : turn.answerMarkdown.trimEnd(), '');
  }
  if (doc.unreadableTurns > 0) lines.push(`_${doc.unreadableTurns} record(s) could not be opened and are not included._`, '');
  return lines.join('\n');
}
