import { AppError, type ErrorCode } from '../../shared/errors';

/**
 * Why a sealed record did not open:
 * - `malformed`: not a record main could have written (bad base64, wrong IV length, truncated, not JSON inside);
 * - `unknown-key`: no key for its session — shredded by retention or deletion, or never main's;
 * - `wrong-owner`: it, or its session, belongs to another profile;
 * - `tampered`: authentication failed — a flipped bit, or a payload moved to another record, session, owner or
 *   format version.
 */
export type RecordOpenFailure = 'malformed' | 'unknown-key' | 'wrong-owner' | 'tampered';

const CODES: Record<RecordOpenFailure, ErrorCode> = {
  malformed: 'INVALID_INPUT',
  'unknown-key': 'SESSION_NOT_FOUND',
  'wrong-owner': 'FORBIDDEN',
  tampered: 'INVALID_INPUT',
};

const MESSAGES: Record<RecordOpenFailure, string> = {
  malformed: 'is damaged and cannot be read',
  'unknown-key': 'can no longer be opened: its session was deleted or is past retention',
  'wrong-owner': 'belongs to another clinician',
  tampered: 'failed its integrity check (it was altered or does not belong here)',
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
