import { errorKind, type Logger } from '../core/logger';
import { AuditError } from './auditError';
import type { AuditSink } from './auditLog';
import type { AuditEventInput } from './auditEvent';
import { AuditUnavailableError } from './auditUnavailableError';

/**
 * How the rest of main records audit events. Two ways, on the log's one queue (so durable and fire-and-forget
 * events are written in call order, and events arriving together share one sync):
 * - {@link AuditRecorder.record} for events that need not hold anything up (a lock, a failed unlock);
 * - {@link AuditRecorder.recordDurably} for access to patient data, which must not happen unaudited: the caller
 *   awaits it before any plaintext leaves main, so when the log cannot be written the access is refused.
 * No failure is lost silently: each is logged for operators (action and reason, never content).
 */
export interface AuditRecorder {
  /** Queues `event`; never throws. A failure is logged, and {@link available} turns false. */
  record(event: AuditEventInput): void;
  /**
   * Records `event` and resolves once its line is synced to disk. Rejects with an `AppError` `AUDIT_UNAVAILABLE`
   * (a message for the clinician) when it cannot be written; a later call tries the disk again, so access comes
   * back by itself once the log is writable. An event the log refuses as malformed is a bug in the caller and
   * rejects with that `AuditError` instead.
   */
  recordDurably(event: AuditEventInput): Promise<void>;
  /** False after a write failed, until a later write succeeds: lets callers say so before the clinician asks. */
  available(): boolean;
  /** Resolves once every event recorded so far was appended or reported as failed (shutdown, IT commands). */
  flushed(): Promise<void>;
}

/** An {@link AuditRecorder} over the audit log. */
export function createAuditRecorder(sink: AuditSink, logger: Logger): AuditRecorder {
  let pending: Promise<unknown> = Promise.resolve();
  let writable = true;

  /** Appends `event`, keeping availability up to date; appends settle in call order, so the last one decides. */
  const append = (event: AuditEventInput): Promise<void> => {
    const written = sink.append(event).then(
      () => {
        writable = true;
      },
      (error: unknown) => {
        const refused = isRefusedEvent(error);
        if (!refused) writable = false;
        logger.error('audit.append-failed', { action: event.action, kind: errorKind(error), reason: error instanceof AuditError ? error.kind : null });
        throw error;
      },
    );
    // A chain, not Promise.all([pending, append]): that nested every earlier result inside the next and kept them all.
    pending = pending.then(() => written.catch(() => undefined));
    return written;
  };

  return {
    record(event) {
      append(event).catch(() => undefined);
    },
    async recordDurably(event) {
      try {
        await append(event);
      } catch (error) {
        if (isRefusedEvent(error)) throw error;
        // Anything else — line, head or key — means the access would not be provably audited.
        throw new AuditUnavailableError();
      }
    },
    available: () => writable,
    flushed: () => pending.then(() => undefined),
  };
}

/** The log refused the event itself (a caller's bug); the disk was not tried, so it says nothing of the log. */
function isRefusedEvent(error: unknown): boolean {
  return error instanceof AuditError && error.kind === 'invalid-event';
}
