/**
 * What a call to the sync server can end in, besides its answer. Three kinds, because the workstation does three
 * different things: the server said no (act on the code), the server could not be reached (work offline, retry
 * later), the server answered something that is not the protocol (never use it; tell IT).
 *
 * Messages never hold patient data: requests carry only ids, versions, days and opaque blobs, and the server's own
 * messages are written for people under the same rule.
 */
import type { SyncErrorCode } from '../../../shared/sync/syncErrors';

/** The server answered with one of the protocol's error codes (`SyncErrorBody`). */
export class SyncRequestError extends Error {
  override readonly name = 'SyncRequestError';
  constructor(
    readonly code: SyncErrorCode,
    message: string,
    /** HTTP status it came with. */
    readonly status: number,
    /** For RATE_LIMITED: how long to wait before the next try, or null. */
    readonly retryAfterMs: number | null,
    /** For SESSION_BUSY (and a fenced push): the label of the workstation holding the lease, or null. */
    readonly holderLabel: string | null,
  ) {
    super(message);
  }
}

/** Why the server could not be reached: no connection at all, or no complete answer within the timeout. */
export type SyncOfflineReason = 'unreachable' | 'timeout';

/**
 * The sync server could not be reached, or did not answer in time. Clinical work goes on; whatever was being sent
 * stays in the outbox and is sent again. Whether the server applied a request that timed out is unknown — every
 * write of the protocol is idempotent, so sending it again is safe.
 */
export class SyncOfflineError extends Error {
  override readonly name = 'SyncOfflineError';
  /** Always 'offline': lets callers switch on one field across the three kinds. */
  readonly kind = 'offline';
  constructor(readonly reason: SyncOfflineReason) {
    super(reason === 'timeout' ? 'The sync server did not answer in time.' : 'The sync server cannot be reached.');
  }
}

/**
 * The server answered, but not in the protocol: a body that is not JSON, fails the shared schema, answers other
 * items than were pushed, a redirect. Nothing of such an answer is used; it usually means a wrong `syncServerUrl`
 * (another service at that address) or a server of another version.
 */
export class SyncProtocolError extends Error {
  override readonly name = 'SyncProtocolError';
  constructor(
    readonly status: number,
    problem: string,
  ) {
    super(`The sync server's answer does not follow the protocol (HTTP ${status}): ${problem}`);
  }
}
