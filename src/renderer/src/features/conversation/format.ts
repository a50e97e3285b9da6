/**
 * Wording of the conversation's small print: inference time and incomplete answers.
 */
import type { IncompleteReason } from '../../../../shared/protocol';

/** Inference time for people: "850 ms" under a second, else seconds with one decimal. */
export function formatInferenceTime(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}

/**
 * The note under an incomplete answer, e.g. "(incomplete: cancelled)"; an answer the lock cut short says so in words,
 * since it is read back after the clinician unlocks: "(stopped: the app locked)".
 */
export function incompleteNote(reason: IncompleteReason | null): string {
  if (reason === null) return '(incomplete)';
  return reason === 'locked' ? '(stopped: the app locked)' : `(incomplete: ${reason})`;
}

/** The note under a turn read back from the history without an answer: never recorded, or failed. */
export function storedOutcomeNote(status: 'pending' | 'error'): string {
  return status === 'pending' ? '(pending: no answer was recorded)' : '(failed: no answer)';
}
