/**
 * Errors the server answers with: a closed code from the shared protocol and a message for people. Messages
 * never hold patient data, a profile name or another clinician's ids.
 */
import { SYNC_ERROR_STATUS, type SyncErrorBody, type SyncErrorCode } from '../shared/sync/syncErrors';

/** A refusal the workstation acts on (sign in again, wait, show "open on …"). */
export class SyncError extends Error {
  override readonly name = 'SyncError';

  constructor(
    readonly code: SyncErrorCode,
    message: string,
    readonly extra: { retryAfterMs?: number; holderLabel?: string } = {},
  ) {
    super(message);
  }

  /** The HTTP status of {@link code}. */
  get status(): number {
    return SYNC_ERROR_STATUS[this.code];
  }

  /** The JSON body sent to the workstation. */
  toBody(): SyncErrorBody {
    return { error: { code: this.code, message: this.message, ...this.extra } };
  }
}

/** The one answer for a missing, expired, revoked or wrong credential: which of them it was is not said. */
export const unauthorized = () => new SyncError('UNAUTHORIZED', 'Sign in again.');
