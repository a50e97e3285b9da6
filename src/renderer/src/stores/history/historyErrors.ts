/**
 * The messages the page shows about stored history: its own failures (a read of the store, the bridge), what a session
 * that does not open means, and its wording for main's refusals that concern stored records (`AUDIT_UNAVAILABLE`,
 * `HISTORY_INTEGRITY`), said for what the clinician was doing. None of them holds patient data.
 */
import type { ErrorPayload } from '../../../../shared/errors';
import { STORAGE_READ_FAILED_MESSAGE } from '../../db/storageErrors';

/** Shown when a read of the history store fails. */
export const READ_FAILED: ErrorPayload = { code: 'STORAGE_FAILED', message: STORAGE_READ_FAILED_MESSAGE };

/** Shown when the bridge throws instead of answering (it should not). */
export const BRIDGE_FAILED: ErrorPayload = { code: 'INTERNAL', message: 'The app did not answer. Please try again.' };

/** Shown when a session is no longer in the history store. */
export const NOT_STORED: ErrorPayload = {
  code: 'SESSION_NOT_FOUND',
  message: 'This session is no longer kept on this workstation. Start a new session.',
};

/** Shown when a session's key was destroyed on purpose (`shredded`) and its rows were removed. */
export const SHREDDED_MESSAGE =
  'That session is no longer kept on this workstation: its retention period ended (or it was deleted), so it was removed.';

/** Shown when the clinician deleted a session here and main confirmed it. */
export const DELETED_HERE_MESSAGE = 'Session deleted.';

/** Shown when the open session was deleted on another workstation of the clinician (a tombstone pulled by sync). */
export const DELETED_ELSEWHERE_MESSAGE = 'This session was deleted on another workstation.';

/** Shown when a session's key is not on this workstation (`unknown-key`): its rows are kept. */
export const KEY_NOT_HERE_MESSAGE =
  'That session cannot be opened on this workstation: its key is not here. Nothing was deleted — the key may ' +
  'arrive later, or IT can restore it.';

/** What the clinician was doing when main refused. */
export type HistoryAction = 'open' | 'search' | 'export' | 'continue';

const DOING: Readonly<Record<HistoryAction, string>> = {
  open: 'Past sessions cannot be opened',
  search: 'Your sessions cannot be searched',
  export: 'This session cannot be exported',
  continue: 'This session cannot be continued',
};

/**
 * Main's refusal in the page's words when it concerns stored records; any other error as main said it.
 * - `AUDIT_UNAVAILABLE`: main keeps patient records closed while it cannot write the audit log (it does not fail open).
 * - `HISTORY_INTEGRITY`: the session's stored history failed main's check (an older copy put back, a turn missing).
 */
export function historyError(error: ErrorPayload, action: HistoryAction): ErrorPayload {
  switch (error.code) {
    case 'AUDIT_UNAVAILABLE':
      return {
        code: error.code,
        message:
          `${DOING[action]} right now: the app cannot write its audit log, and stored patient records stay closed until ` +
          'it can. Try again in a few minutes; if it keeps happening, contact IT.',
      };
    case 'HISTORY_INTEGRITY':
      return {
        code: error.code,
        message:
          `${DOING[action]}: the stored history failed an integrity check (part of it is missing, or older than the ` +
          'app last saved — restored from a backup, or altered). ' +
          (action === 'continue' ? 'It can still be read; start a new session for this patient, and tell IT.' : 'Please tell IT.'),
      };
    default:
      return error;
  }
}
