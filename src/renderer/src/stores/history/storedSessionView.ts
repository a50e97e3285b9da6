/**
 * Building the conversation view of a stored session from what main opened. Plaintext: memory only.
 */
import type { Patient } from '../../../../shared/patient';
import type { SessionPayload, TurnPayload } from '../../../../shared/vault';
import type { TurnRow } from '../../db/database';
import type { Turn } from '../turns';
import { judgeOpenFailures } from './openFailures';
import type { OpenedRecords } from './openThroughMain';
import { newestPerSeq, type StoredSession } from './storedRecords';

/** A stored session as the conversation view shows it (plaintext: memory only). */
export interface StoredSessionView {
  sessionId: string;
  /** When the session was opened (its record's creation time); null when it is not stored. */
  createdAt?: string | null;
  /** The patient from the session record; null when that record could not be opened. */
  patient: Patient | null;
  title: string | null;
  turns: Turn[];
  turnCount: number;
  lastModel: string | null;
  lastInferenceMs: number | null;
  lastOmittedTurns: number;
  /** Records that could not be opened (tampered, malformed) and were set aside. */
  setAsideCount: number;
  /** Records older than the version main last sealed (a rollback): never shown, and the session is flagged. */
  rolledBackCount: number;
}

function storedTurnStatus(record: TurnRow): Turn['status'] {
  switch (record.status) {
    case 'complete':
      return 'complete';
    case 'incomplete':
      return 'incomplete';
    case 'error':
      return 'error';
    default:
      return 'pending';
  }
}

/** A stored turn as the conversation shows it. */
export function storedTurn(record: TurnRow, payload: TurnPayload): Turn {
  return {
    key: `stored-${record.id}`,
    turnId: payload.turnId || record.id,
    seq: record.seq,
    // The first turn's question is the patient (main words it as a request); later ones are what was typed.
    kind: record.seq === 1 ? 'intake' : 'followUp',
    message: payload.userText,
    answer: payload.answerText,
    status: storedTurnStatus(record),
    incompleteReason: payload.incompleteReason,
    nextDeltaIndex: 0,
    metadata: payload.metadata,
  };
}

/**
 * The answers of one seq (regenerated siblings), oldest first by `updatedAt`, so the shown (newest) one comes last.
 * Failed and pending records are not answers, unless the seq has nothing else.
 */
function siblingAnswersOf(records: readonly TurnRow[], opened: OpenedRecords): Turn['answers'] {
  const answered = records.filter((record) => record.status === 'complete' || record.status === 'incomplete');
  if (answered.length < 2) return undefined;
  return [...answered]
    .sort((a, b) => (a.updatedAt < b.updatedAt ? -1 : a.updatedAt > b.updatedAt ? 1 : 0))
    .map((record) => {
      const turn = storedTurn(record, opened.turns.get(record.id)!);
      return { turnId: turn.turnId!, answer: turn.answer, status: turn.status as 'complete' | 'incomplete', incompleteReason: turn.incompleteReason, metadata: turn.metadata ?? null };
    });
}

/** The title a session payload gives the list. */
export function titleOf(payload: SessionPayload): string {
  return payload.title.trim() || payload.patient.chiefComplaint.trim() || 'Untitled session';
}

/**
 * Builds the view of a stored session from what main opened: per seq the newest turn that opened, the patient and
 * title from the session record, the last answer's model and time. Only records main opened are shown: one it
 * refused (a rolled-back version included) never stands in as the session's history.
 */
export function storedSessionView(sessionId: string, stored: StoredSession, opened: OpenedRecords): StoredSessionView {
  const sessionPayload = stored.session === null ? undefined : opened.sessions.get(stored.session.id);
  const openedTurns = stored.turns.filter((record) => opened.turns.has(record.id));
  const shown = newestPerSeq(openedTurns);
  const turns = shown.map((record) => {
    const answers = siblingAnswersOf(
      openedTurns.filter((sibling) => sibling.seq === record.seq),
      opened,
    );
    return { ...storedTurn(record, opened.turns.get(record.id)!), ...(answers ? { answers } : {}) };
  });
  const lastWithMetadata = [...shown].reverse().find((record) => opened.turns.get(record.id)!.metadata !== null);
  const metadata = lastWithMetadata === undefined ? null : opened.turns.get(lastWithMetadata.id)!.metadata;
  const verdict = judgeOpenFailures(opened.failed);
  return {
    sessionId,
    createdAt: stored.session?.createdAt ?? null,
    patient: sessionPayload?.patient ?? null,
    title: sessionPayload === undefined ? null : titleOf(sessionPayload),
    turns,
    turnCount: turns.length,
    lastModel: metadata?.model ?? null,
    lastInferenceMs: metadata?.inferenceTimeMs ?? null,
    lastOmittedTurns:
      metadata !== null && lastWithMetadata !== undefined && metadata.historyTrimmed
        ? Math.max(0, lastWithMetadata.seq - 1 - metadata.historyTurnsIncluded)
        : 0,
    setAsideCount: verdict.toQuarantine.length,
    rolledBackCount: opened.failed.filter((failure) => failure.reason === 'rolled-back').length,
  };
}
