/**
 * "Do not keep" sessions live only on screen and in main's memory: leaving one discards it for good. Before an action
 * leaves it (New patient, opening another session), the page asks; this is what it asks about and when.
 */
import type { ErrorPayload } from '../../../../shared/errors';
import type { Turn } from '../turns';

/** What the clinician asked for that would discard a session not kept, held while the page asks first. */
export type PendingDiscard = { readonly kind: 'newPatient' } | { readonly kind: 'openSession'; readonly sessionId: string; readonly mode: 'live' | 'review' };

/** What the guard reads of the shown session. */
export interface UnkeptSessionFacts {
  view: 'intake' | 'conversation';
  sessionNotKept: boolean;
  turns: readonly Turn[];
  conversationError: ErrorPayload | null;
}

/**
 * True when leaving the shown session would lose something for good: it is "Do not keep", on screen, has a turn (asked
 * or answered), and main still holds it (once main has dropped it — SESSION_NOT_FOUND — there is nothing left to lose).
 */
export function leavingLosesUnkeptSession(state: UnkeptSessionFacts): boolean {
  return state.view === 'conversation' && state.sessionNotKept && state.turns.length > 0 && state.conversationError?.code !== 'SESSION_NOT_FOUND';
}

/** The dialog's title and its warning. */
export const DISCARD_DIALOG_TITLE = 'Discard this session?';
/** @see DISCARD_DIALOG_TITLE */
export const DISCARD_WARNING = 'This session is not kept. Leaving it discards it for good — it cannot be reopened.';
