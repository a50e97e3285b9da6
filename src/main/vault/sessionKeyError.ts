import { AppError, type ErrorCode } from '../../shared/errors';

/**
 * Why the key store refused a session key:
 * - `unknown-session`: no key — never created, deleted, or shredded by retention;
 * - `other-owner`: the session belongs to another profile;
 * - `exists`: a key for that session already exists (ids are minted once);
 * - `unwrap-failed`: the stored key does not unwrap with the owner's data key (a damaged or foreign entry);
 * - `locked`: the profile locked while the key was being unwrapped.
 */
export type SessionKeyFailure = 'unknown-session' | 'other-owner' | 'exists' | 'unwrap-failed' | 'locked';

const CODES: Record<SessionKeyFailure, ErrorCode> = {
  'unknown-session': 'SESSION_NOT_FOUND',
  'other-owner': 'FORBIDDEN',
  exists: 'INTERNAL',
  'unwrap-failed': 'INTERNAL',
  locked: 'LOCKED',
};

const MESSAGES: Record<SessionKeyFailure, string> = {
  'unknown-session': 'has no key: it was deleted or is past retention',
  'other-owner': 'belongs to another clinician',
  exists: 'already has a key',
  'unwrap-failed': 'has a damaged key entry',
  locked: 'cannot be opened: the profile locked',
};

/** A session key the store will not give out, and why. The message names the session id only. */
export class SessionKeyError extends AppError {
  constructor(
    readonly reason: SessionKeyFailure,
    readonly sessionId: string,
  ) {
    super(CODES[reason], `Session ${sessionId} ${MESSAGES[reason]}.`);
  }
}
