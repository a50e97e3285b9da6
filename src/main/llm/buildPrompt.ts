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
 * Which past turns a prompt carries: those from index `start` on; the `start` turns before them are left out for
 * length. The plan of `planWindow` (contextWindow.ts) is one.
 */
export interface PromptWindow {
  readonly start: number;
}

/** The whole history: the window of a session that still fits its context. */
export const FULL_HISTORY: PromptWindow = Object.freeze({ start: 0 });

/** Stands in for an empty answer in the history (a turn cancelled before any text). */
export const NO_ANSWER_TEXT = '(no answer was given)';

/**
 * The assistant message a recorded answer becomes in later prompts. Count this text, not the raw answer, when
 * caching a turn's tokens, so the count matches what is sent.
 */
export function historyAnswerText(answerText: string): string {
  // An empty assistant message would break alternation semantics for the model.
  return answerText || NO_ANSWER_TEXT;
}

/**
 * The line the system message ends with while older turns are left out. It changes only when the window moves,
 * so the prompt prefix stays byte-identical between moves; it tells the model that the missing context is
 * intentional and that the pinned summary still holds the patient's current state.
 */
export function omissionNote(omittedTurns: number): string {
  return `Earlier turns omitted for length: ${omittedTurns}. The patient summary above is current.`;
}

/** The one system message: the system prompt, the pinned current patient summary, and the omission note if any. */
export function systemMessageText(patient: Patient, omittedTurns = 0): string {
  const summary = patientSummaryLines(patient)
    .map((line) => `- ${line}`)
    .join('\n');
  const note = omittedTurns > 0 ? `\n\n${omissionNote(omittedTurns)}` : '';
  return `${SYSTEM_PROMPT}\n\nPatient summary (current):\n${summary}${note}`;
}

/**
 * The prompt for one turn: the system prompt with the pinned, current patient summary, then the session's
 * exchanges from `window.start` on, in order, then this turn's message. One system message only, and strictly
 * alternating user and assistant turns after it, because several chat templates (Mistral's, Llama's) refuse
 * anything else. `history` is the session's whole history; the window says how much of it to send.
 */
export function buildPrompt(
  patient: Patient,
  history: readonly HistoryTurn[],
  userText: string,
  window: PromptWindow = FULL_HISTORY,
): ChatMessage[] {
  const { start } = window;
  if (!Number.isSafeInteger(start) || start < 0) throw new RangeError(`The window start must be a whole number ≥ 0, got ${start}.`);
  const first = Math.min(start, history.length);
  const messages: ChatMessage[] = [{ role: 'system', content: systemMessageText(patient, first) }];
  for (let index = first; index < history.length; index += 1) {
    const turn = history[index] as HistoryTurn;
    messages.push({ role: 'user', content: turn.userText });
    messages.push({ role: 'assistant', content: historyAnswerText(turn.answerText) });
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
