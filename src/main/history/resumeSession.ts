import { AppError } from '../../shared/errors';
import type { SessionInfo } from '../../shared/sessions';
import { SessionPayload, TurnPayload, type SealedRecord } from '../../shared/vault';
import type { AuditRecorder } from '../audit/auditRecorder';
import type { Logger } from '../core/logger';
import type { LatestAnswer, TurnRecord } from '../sessions/session';
import type { RestoredLatest, SessionStore } from '../sessions/sessionStore';
import type { UnlockedOwner } from '../vault/unlockedOwner';
import { openBatch } from '../vault/openBatch';
import type { SessionKeyStore } from '../vault/sessionKeyStore';

/** What resuming needs. */
export interface ResumeDeps {
  readonly store: SessionStore;
  readonly sessionKeys: SessionKeyStore;
  readonly audit: AuditRecorder;
  readonly logger: Logger;
  /** Tokens an exchange takes in a prompt (a conservative estimate; exact counts follow with later turns). */
  readonly estimateExchange: (userText: string, answerText: string) => number;
}

/** A turn record main opened: its header (as stored) and its authenticated payload. */
interface OpenedTurn {
  readonly record: SealedRecord;
  readonly payload: TurnPayload;
}

/** The newer of two versions, by `updatedAt`; on a tie the later one handed over (the page's store order, as it shows). */
function newer(known: OpenedTurn | undefined, candidate: OpenedTurn): OpenedTurn {
  return known === undefined || candidate.record.updatedAt >= known.record.updatedAt ? candidate : known;
}

/**
 * Continues a past or expired session: opens — and so authenticates — every sealed record the page hands over,
 * then rebuilds the live session under its own id from the session record (the patient) and the newest version
 * of each turn. The latest turn gets back every answer it had (its regenerated siblings, each with how it ended), so
 * the clinician can switch between them — and main re-seal the one chosen — as before the session left memory.
 * A record main did not seal for this clinician does not open, so nothing can be slipped in.
 */
export async function resumeSession(deps: ResumeDeps, owner: UnlockedOwner, records: readonly SealedRecord[]): Promise<SessionInfo> {
  const sessionIds = new Set(records.map((record) => record.sessionId));
  const [sessionId] = sessionIds;
  if (sessionIds.size !== 1 || sessionId === undefined) throw new AppError('INVALID_INPUT', 'records: all records must belong to one session');
  const live = deps.store.live(sessionId, owner.ownerId);
  if (live) return deps.store.infoOf(live);

  const outcomes = await openBatch(deps.sessionKeys, owner, records, deps.logger);
  const failed = outcomes.filter((outcome) => !outcome.ok);
  if (failed.some((outcome) => !outcome.ok && outcome.reason === 'wrong-owner')) {
    throw new AppError('FORBIDDEN', 'This session belongs to another clinician.');
  }
  if (failed.length > 0 && failed.every((outcome) => !outcome.ok && outcome.reason === 'unknown-key')) {
    throw new AppError('SESSION_NOT_FOUND', 'This session is no longer kept on this workstation (its retention period ended).');
  }
  let sessionPayload: SessionPayload | null = null;
  let createdAt: Date | null = null;
  // Per seq the version that counts (what history shows), and per turn id its newest version (the siblings).
  const newestBySeq = new Map<number, OpenedTurn>();
  const newestByTurnId = new Map<string, OpenedTurn>();
  for (const outcome of outcomes) {
    if (!outcome.ok) continue;
    const { record } = outcome;
    if (record.kind === 'session') {
      sessionPayload = SessionPayload.parse(outcome.payload);
      createdAt = new Date(record.createdAt);
      continue;
    }
    const opened: OpenedTurn = { record, payload: TurnPayload.parse(outcome.payload) };
    newestBySeq.set(record.seq, newer(newestBySeq.get(record.seq), opened));
    newestByTurnId.set(opened.payload.turnId, newer(newestByTurnId.get(opened.payload.turnId), opened));
  }
  if (!sessionPayload || !createdAt) {
    throw new AppError('INVALID_INPUT', 'records: the session record is missing or could not be opened');
  }
  const shown = [...newestBySeq.values()].sort((a, b) => a.record.seq - b.record.seq);
  const turns: TurnRecord[] = shown.map(({ payload }) => turnRecordOf(deps, payload));
  const latest = latestAnswersOf(deps, shown.at(-1), turns.at(-1), newestByTurnId);
  const session = deps.store.restore({ id: sessionId, ownerId: owner.ownerId, createdAt, patient: sessionPayload.patient, turns, latest });
  deps.audit.record({ action: 'session.resumed', profileId: owner.ownerId, objectId: sessionId });
  if (failed.length > 0) deps.logger.warn('history.resume-partial', { failed: failed.length });
  return deps.store.infoOf(session);
}

function turnRecordOf(deps: ResumeDeps, payload: TurnPayload): TurnRecord {
  return {
    userText: payload.userText,
    answerText: payload.answerText,
    tokens: deps.estimateExchange(payload.userText, payload.answerText),
    // So the latest turn can be regenerated after a resume.
    turnId: payload.turnId,
  };
}

/**
 * Every answer of the latest turn — the one history shows (`liveRecord`, already in the turns) and its siblings that
 * were answered (complete or incomplete: a failed or pending record is no answer, as the page also shows) — with how
 * each ended, so choosing one re-seals it as the newest. Null when there is no turn.
 */
function latestAnswersOf(
  deps: ResumeDeps,
  live: OpenedTurn | undefined,
  liveRecord: TurnRecord | undefined,
  newestByTurnId: ReadonlyMap<string, OpenedTurn>,
): RestoredLatest | null {
  if (live === undefined || liveRecord === undefined) return null;
  const answers: LatestAnswer[] = [];
  for (const opened of newestByTurnId.values()) {
    const { record, payload } = opened;
    if (record.seq !== live.record.seq) continue;
    const isLive = payload.turnId === live.payload.turnId;
    const status = record.status === 'complete' || record.status === 'incomplete' ? record.status : null;
    if (!isLive && status === null) continue;
    answers.push({
      turnId: payload.turnId,
      record: isLive ? liveRecord : turnRecordOf(deps, payload),
      startedAt: new Date(record.createdAt),
      parentTurnId: record.parentTurnId,
      outcome: status === null ? null : { answerText: payload.answerText, status, incompleteReason: payload.incompleteReason, metadata: payload.metadata },
    });
  }
  return { seq: live.record.seq, liveTurnId: live.payload.turnId, answers };
}
