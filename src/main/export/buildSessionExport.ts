import { AppError } from '../../shared/errors';
import { SESSION_EXPORT_SCHEMA, SESSION_EXPORT_VERSION, type ExportedTurn, type SessionExport } from '../../shared/export';
import { patientSummaryLines } from '../../shared/patientSummary';
import { SessionPayload, TurnPayload, type SealedRecord } from '../../shared/vault';
import type { Logger } from '../core/logger';
import { openBatch } from '../vault/openBatch';
import type { SessionKeyStore } from '../vault/sessionKeyStore';
import type { UnlockedOwner } from '../vault/unlockedOwner';

/**
 * Opens — and so authenticates — a session's sealed records and assembles its export document. Main never exports
 * from anything but records it opened itself: a record it did not seal for this clinician does not open, so the page
 * cannot slip text of its own into an export, and another clinician's session is refused outright.
 *
 * Throws {@link AppError}: `INVALID_INPUT` (records of several sessions, or no readable session record), `FORBIDDEN`
 * (another clinician's records), `SESSION_NOT_FOUND` (the session's key is gone: retention ended).
 */
export async function buildSessionExport(
  deps: { readonly sessionKeys: SessionKeyStore; readonly logger: Logger },
  owner: UnlockedOwner,
  records: readonly SealedRecord[],
  exportedAt: Date,
): Promise<SessionExport> {
  const sessionIds = new Set(records.map((record) => record.sessionId));
  const [sessionId] = sessionIds;
  if (sessionIds.size !== 1 || sessionId === undefined) throw new AppError('INVALID_INPUT', 'records: all records must belong to one session');

  const outcomes = await openBatch(deps.sessionKeys, owner, records, deps.logger);
  if (outcomes.some((outcome) => !outcome.ok && outcome.reason === 'wrong-owner')) {
    throw new AppError('FORBIDDEN', 'This session belongs to another clinician.');
  }
  if (outcomes.every((outcome) => !outcome.ok && outcome.reason === 'unknown-key')) {
    throw new AppError('SESSION_NOT_FOUND', 'This session is no longer kept on this workstation (its retention period ended).');
  }

  let session: { record: SealedRecord; payload: SessionPayload } | null = null;
  // A record id is written several times (pending, then the outcome): the newest version is the turn.
  const turns = new Map<string, { record: SealedRecord; payload: TurnPayload }>();
  for (const outcome of outcomes) {
    if (!outcome.ok) continue;
    const { record } = outcome;
    if (record.kind === 'session') {
      if (session === null || session.record.updatedAt < record.updatedAt) session = { record, payload: SessionPayload.parse(outcome.payload) };
      continue;
    }
    const known = turns.get(record.id);
    if (!known || known.record.updatedAt <= record.updatedAt) turns.set(record.id, { record, payload: TurnPayload.parse(outcome.payload) });
  }
  if (session === null) throw new AppError('INVALID_INPUT', 'records: the session record is missing or could not be opened');
  const turnIds = new Set(records.filter((record) => record.kind === 'turn').map((record) => record.id));
  const unreadableTurns = outcomes.filter((outcome) => !outcome.ok && turnIds.has(outcome.id)).length;

  const exportedTurns: ExportedTurn[] = [...turns.values()]
    .sort((a, b) => a.record.seq - b.record.seq || a.record.createdAt.localeCompare(b.record.createdAt))
    .map(({ record, payload }) => ({
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
      sessionId,
      createdAt: session.record.createdAt,
      updatedAt: session.record.updatedAt,
      title: session.payload.title,
    },
    patient: session.payload.patient,
    patientSummary: patientSummaryLines(session.payload.patient),
    turns: exportedTurns,
    unreadableTurns,
  };
}
