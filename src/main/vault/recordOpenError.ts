import { AppError, type ErrorCode } from '../../shared/errors';

/**
 * Why a sealed record did not open:
 * - `malformed`: not a record main could have written (bad base64, wrong IV length, truncated, not JSON inside);
 * - `shredded`: its session's key was destroyed on purpose (deleted, or past retention) — the key store's shred list
 *   says so;
 * - `unknown-key`: no key for its session on this workstation, and none was destroyed here (a missing or restored key
 *   file, a key not arrived yet, a damaged key entry): the record is kept, never treated as deleted;
 * - `wrong-owner`: it, or its session, belongs to another profile;
 * - `tampered`: authentication failed — a flipped bit or an edited header field, or a payload moved to another
 *   record, session, owner or format version;
 * - `rolled-back`: authentic, but older than the version main last sealed (an older copy put back in its place).
 */
export type RecordOpenFailure = 'malformed' | 'shredded' | 'unknown-key' | 'wrong-owner' | 'tampered' | 'rolled-back';

const CODES: Record<RecordOpenFailure, ErrorCode> = {
  malformed: 'INVALID_INPUT',
  shredded: 'SESSION_NOT_FOUND',
  'unknown-key': 'SESSION_NOT_FOUND',
  'wrong-owner': 'FORBIDDEN',
  tampered: 'INVALID_INPUT',
  'rolled-back': 'HISTORY_INTEGRITY',
};

const MESSAGES: Record<RecordOpenFailure, string> = {
  malformed: 'is damaged and cannot be read',
  shredded: 'can no longer be opened: its session was deleted or is past retention',
  'unknown-key': 'cannot be opened here: its session key is not on this workstation',
  'wrong-owner': 'belongs to another clinician',
  tampered: 'failed its integrity check (it was altered or does not belong here)',
  'rolled-back': 'is an older copy than the one this workstation last saved',
};

/** A sealed record that cannot be opened, and why. The message names the record id only, never its content. */
export class RecordOpenError extends AppError {
  constructor(
    readonly reason: RecordOpenFailure,
    readonly recordId: string | null,
  ) {
    super(CODES[reason], `Record ${recordId ?? '(no id)'} ${MESSAGES[reason]}.`);
  }
}
