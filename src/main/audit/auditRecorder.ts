import { errorKind, type Logger } from '../core/logger';
import type { AuditSink } from './auditLog';
import type { AuditEventInput } from './auditEvent';

/**
 * How the rest of main records audit events: without waiting on the log's durable writes (which run in order on
 * the log's own queue) and without ever losing a failure silently — a failed append is logged for operators.
 */
export interface AuditRecorder {
  /** Queues `event`; never throws. */
  record(event: AuditEventInput): void;
  /** Resolves once every event recorded so far was appended or reported as failed (shutdown, IT commands). */
  flushed(): Promise<void>;
}

/** An {@link AuditRecorder} over the audit log. */
export function createAuditRecorder(sink: AuditSink, logger: Logger): AuditRecorder {
  let pending: Promise<unknown> = Promise.resolve();
  return {
    record(event) {
      const append = sink.append(event).catch((error: unknown) => {
        logger.error('audit.append-failed', { action: event.action, kind: errorKind(error) });
      });
      // A chain, not Promise.all([pending, append]): that nested every earlier result inside the next and kept them all.
      pending = pending.then(() => append);
    },
    flushed: () => pending.then(() => undefined),
  };
}
