import { z } from 'zod';

/**
 * The closed set of error codes the sync server answers with. A workstation switches over these to decide what
 * to do (retry, sign in again, show "open on …"); the message is for people and never holds patient data, a
 * profile name or another clinician's ids.
 */
export const SYNC_ERROR_CODES = [
  // The request does not match the protocol's schema.
  'INVALID_INPUT',
  // No token, an expired or revoked one, or a wrong passphrase: sign in again.
  'UNAUTHORIZED',
  // Too many failed sign-ins for this profile or address: wait `retryAfterMs`.
  'RATE_LIMITED',
  // A profile name already taken, or a profile id already registered.
  'CONFLICT',
  // Another workstation holds the session's lease: the message names that workstation's label.
  'SESSION_BUSY',
  // A write to a leased session without the current fencing token: the lease was lost.
  'FENCED',
  // The clinician's profile was removed from the clinic by IT.
  'PROFILE_REMOVED',
  // The client asked for a key derivation weaker than the protocol's minimum.
  'WEAK_KDF',
  // The server's database cannot be reached or failed: retry later.
  'UNAVAILABLE',
  'INTERNAL',
] as const;

/** Schema of a sync error code. */
export const SyncErrorCode = z.enum(SYNC_ERROR_CODES);
/** One of {@link SYNC_ERROR_CODES}. */
export type SyncErrorCode = z.infer<typeof SyncErrorCode>;

/** The body of every non-2xx answer of the sync server. */
export const SyncErrorBody = z.strictObject({
  error: z.strictObject({
    code: SyncErrorCode,
    message: z.string().max(500),
    /** For RATE_LIMITED: how long to wait before the next try. */
    retryAfterMs: z.number().int().nonnegative().optional(),
    /** For SESSION_BUSY: the label of the workstation holding the lease (set by IT; never patient data). */
    holderLabel: z.string().max(64).optional(),
  }),
});
/** @see SyncErrorBody */
export type SyncErrorBody = z.infer<typeof SyncErrorBody>;

/** The HTTP status each code is sent with. */
export const SYNC_ERROR_STATUS: Record<SyncErrorCode, number> = {
  INVALID_INPUT: 400,
  UNAUTHORIZED: 401,
  RATE_LIMITED: 429,
  CONFLICT: 409,
  SESSION_BUSY: 423,
  FENCED: 409,
  PROFILE_REMOVED: 410,
  WEAK_KDF: 400,
  UNAVAILABLE: 503,
  INTERNAL: 500,
};
