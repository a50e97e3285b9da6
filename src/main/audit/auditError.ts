/** What went wrong with the audit log, so callers can tell a bad call from a disk or key problem. */
export type AuditErrorKind =
  /** The caller passed something that is not an audit event (unknown action, free text where an id belongs). */
  | 'invalid-event'
  /** The HMAC key could not be created or unwrapped; nothing is written without it. */
  | 'key-unavailable'
  /** The OS secret store is Linux's `basic_text` (no protection) and policy does not allow it for keys. */
  | 'key-storage-refused'
  /** The line could not be written and synced; the event is NOT in the log. */
  | 'write-failed'
  /** The line is in the log, but the chain head could not be updated; the next append writes it again. */
  | 'head-write-failed';

/**
 * A failure of the audit log. An audit write is never skipped silently: every failure reaches the caller as one
 * of these, and the caller decides whether the audited operation may go on.
 *
 * Messages never quote the caller's input (it might be text that should not have been there), only field names
 * and fixed explanations; the underlying error, if any, is the `cause`.
 */
export class AuditError extends Error {
  override readonly name = 'AuditError';
  constructor(
    readonly kind: AuditErrorKind,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
