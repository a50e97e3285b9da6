import type { SessionExport } from '../../shared/export';
import { formatLocalDateTimeWithOffset, type TimeZoneChoice } from '../../shared/localTime';
import { clinicianQuestionText } from '../../shared/turnWording';
import { turnFacts } from './turnFacts';

/** `text` as a Markdown blockquote, every line quoted (the clinician's message is shown as written, not as Markdown). */
function quote(text: string): string {
  return text.split('\n').map((line) => `> ${line}`.trimEnd()).join('\n');
}

/**
 * The session as a Markdown document: the patient summary, then every turn — the question quoted as the screen words
 * it, the facts (status, local times with their offset, model, endpoint, inference time) and the answer as the model
 * wrote it (Markdown already). `zone` is the workstation's unless a test passes one.
 */
export function renderMarkdown(doc: SessionExport, zone: TimeZoneChoice = {}): string {
  const lines: string[] = [
    `# Session ${doc.session.sessionId}`,
    '',
    `Started ${formatLocalDateTimeWithOffset(doc.session.createdAt, zone)} · exported ${formatLocalDateTimeWithOffset(doc.exportedAt, zone)}`,
    '',
    '> Answers are suggestions for a clinician’s judgement, not orders.',
    '',
    '## Patient summary',
    '',
    ...doc.patientSummary.map((line) => `- ${line}`),
    '',
  ];
  for (const turn of doc.turns) {
    lines.push(`## Turn ${turn.seq}${turn.parentTurnId === null ? '' : ' (regenerated answer)'}`, '', '### Message', '', quote(clinicianQuestionText(turn)), '');
    lines.push(...turnFacts(turn, zone).map(([label, value]) => `- **${label}:** ${value}`), '');
    lines.push('### Answer', '', turn.answerMarkdown.trim() === '' ? '_No answer recorded._' : turn.answerMarkdown.trimEnd(), '');
  }
  if (doc.unreadableTurns > 0) lines.push(`_${doc.unreadableTurns} record(s) could not be opened and are not included._`, '');
  return lines.join('\n');
}
