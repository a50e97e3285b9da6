import { SESSION_EXPORT_SCHEMA, SESSION_EXPORT_VERSION, type ExportedTurn, type SessionExport } from '../../shared/export';
import { patientSummaryLines } from '../../shared/patientSummary';
import type { SealedRecord } from '../../shared/vault';
import type { OpenedRecordsDeps } from '../history/openedRecords';
import { openSessionHistory } from '../history/sessionHistory';
import type { UnlockedOwner } from '../vault/unlockedOwner';

/**
 * Opens — and so authenticates and checks — a session's sealed records and assembles its export document. Main never
 * exports from anything but records it opened itself (see `openSessionHistory`): a record it did not seal for this
 * clinician does not open, a format-v2 history that is not the one main last wrote (an older copy, a turn missing) is
 * refused, and another clinician's session is refused outright.
 *
 * Throws `AppError`: `INVALID_INPUT` (records of several sessions, or no session record), `FORBIDDEN` (another
 * clinician's records), `SESSION_NOT_FOUND` (deleted, past retention, or its key not here), `HISTORY_INTEGRITY`.
 */
export async function buildSessionExport(
  deps: OpenedRecordsDeps,
  owner: UnlockedOwner,
  records: readonly SealedRecord[],
  exportedAt: Date,
): Promise<SessionExport> {
  const history = await openSessionHistory(deps, owner, records);
  const { session } = history;
  const exportedTurns: ExportedTurn[] = history.turns.map(({ record, payload }) => ({
    seq: record.seq,
    turnId: payload.turnId || record.id,
    parentTurnId: record.parentTurnId,
    status: record.status,
    incompleteReason: payload.incompleteReason,
    askedAt: record.createdAt,
    answeredAt: record.updatedAt,
    message: payload.userText,
    answerMarkdown: payload.answerText,
    model: payload.metadata?.model ?? null,
    endpoint: payload.metadata?.endpoint ?? null,
    inferenceTimeMs: payload.metadata?.inferenceTimeMs ?? null,
    historyTrimmed: payload.metadata?.historyTrimmed ?? null,
  }));
  return {
    schema: SESSION_EXPORT_SCHEMA,
    version: SESSION_EXPORT_VERSION,
    exportedAt: exportedAt.toISOString(),
    session: {
      sessionId: history.sessionId,
      createdAt: session.record.createdAt,
      updatedAt: session.record.updatedAt,
      title: session.payload.title,
    },
    patient: session.payload.patient,
    patientSummary: patientSummaryLines(session.payload.patient),
    turns: exportedTurns,
    unreadableTurns: history.unreadableTurns,
  };
}
