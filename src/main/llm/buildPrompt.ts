import type { Patient } from '../../shared/patient';
import { patientSummaryLines } from '../../shared/patientSummary';
import type { ChatMessage } from './llmClient';
import { SYSTEM_PROMPT } from './systemPrompt';

/** A finished exchange of the session, as history for the next prompt. */
export interface HistoryTurn {
  readonly userText: string;
  readonly answerText: string;
}

/**
 * The prompt for one turn: the system prompt with the pinned, current patient summary, then every earlier
 * exchange in order, then this turn's message. One system message only, and strictly alternating user and
 * assistant turns after it, because several chat templates (Mistral's, Llama's) refuse anything else.
 */
export function buildPrompt(patient: Patient, history: readonly HistoryTurn[], userText: string): ChatMessage[] {
  const system = `${SYSTEM_PROMPT}\n\nPatient summary (current):\n${patientSummaryLines(patient)
    .map((line) => `- ${line}`)
    .join('\n')}`;
  const messages: ChatMessage[] = [{ role: 'system', content: system }];
  for (const turn of history) {
    messages.push({ role: 'user', content: turn.userText });
    // An empty partial answer (cancelled before any text) would break alternation semantics for the model.
    messages.push({ role: 'assistant', content: turn.answerText || '(no answer was given)' });
  }
  messages.push({ role: 'user', content: userText });
  return messages;
}

/** The text of a session's first user turn, when the clinician adds no message of their own. */
export const FIRST_TURN_REQUEST = 'Suggest an initial clinical protocol for this patient.';

/**
 * The user text for a turn: the clinician's message, preceded on a follow-up by a note of the patient fields
 * it changed, so the model sees the change in the conversation and not only in the pinned summary.
 */
export function turnUserText(message: string | undefined, changedFields: readonly string[], isFirstTurn: boolean): string {
  const parts: string[] = [];
  if (!isFirstTurn && changedFields.length > 0) parts.push(`(Updated patient details: ${changedFields.join(', ')}.)`);
  const trimmed = message?.trim();
  parts.push(trimmed ? trimmed : FIRST_TURN_REQUEST);
  return parts.join('\n');
}
