import { AppError, type ErrorCode } from '../../shared/errors';

/**
 * Why the key store refused a session key:
 * - `unknown-session`: no key on this workstation, and none was destroyed here — the session may not have arrived
 *   yet (a key store restored from an older backup, a session from elsewhere). Its rows must be kept;
 * - `shredded`: its key was destroyed on purpose (deleted, past retention, profile removed) — it never gets a key
 *   again, and its rows may go;
 * - `other-owner`: the session belongs to another profile;
 * - `exists`: a key for that session already exists (ids are minted once);
 * - `unwrap-failed`: the stored key does not unwrap with the owner's data key (a damaged or foreign entry);
 * - `locked`: the profile locked while the key was being unwrapped.
 */
export type SessionKeyFailure = 'unknown-session' | 'shredded' | 'other-owner' | 'exists' | 'unwrap-failed' | 'locked';

const CODES: Record<SessionKeyFailure, ErrorCode> = {
  'unknown-session': 'SESSION_NOT_FOUND',
  shredded: 'SESSION_NOT_FOUND',
  'other-owner': 'FORBIDDEN',
  exists: 'INTERNAL',
  'unwrap-failed': 'INTERNAL',
  locked: 'LOCKED',
};

const MESSAGES: Record<SessionKeyFailure, string> = {
  'unknown-session': 'has no key on this workstation: it may not have arrived yet',
  shredded: 'was deleted or is past retention: its key was destroyed',
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
