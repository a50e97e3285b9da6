import { AppError } from '../../shared/errors';
import type { SessionInfo } from '../../shared/sessions';
import { SessionPayload, TurnPayload, type SealedRecord } from '../../shared/vault';
import type { AuditRecorder } from '../audit/auditRecorder';
import type { Logger } from '../logging/logger';
import type { TurnRecord } from '../sessions/session';
import type { SessionStore } from '../sessions/sessionStore';
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

/**
 * Continues a past or expired session: opens — and so authenticates — every sealed record the page hands over,
 * then rebuilds the live session under its own id from the session record (the patient) and the newest version
 * of each turn. A record main did not seal for this clinician does not open, so nothing can be slipped in.
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
  const newestTurnBySeq = new Map<number, { updatedAt: string; payload: TurnPayload }>();
  for (const outcome of outcomes) {
    if (!outcome.ok) continue;
    const { record } = outcome;
    if (record.kind === 'session') {
      sessionPayload = SessionPayload.parse(outcome.payload);
      createdAt = new Date(record.createdAt);
      continue;
    }
    const payload = TurnPayload.parse(outcome.payload);
    const known = newestTurnBySeq.get(record.seq);
    if (!known || known.updatedAt < record.updatedAt) newestTurnBySeq.set(record.seq, { updatedAt: record.updatedAt, payload });
  }
  if (!sessionPayload || !createdAt) {
    throw new AppError('INVALID_INPUT', 'records: the session record is missing or could not be opened');
  }
  const turns: TurnRecord[] = [...newestTurnBySeq.entries()]
    .sort(([a], [b]) => a - b)
    .map(([, { payload }]) => ({
      userText: payload.userText,
      answerText: payload.answerText,
      tokens: deps.estimateExchange(payload.userText, payload.answerText),
      // So the latest turn can be regenerated after a resume.
      turnId: payload.turnId,
    }));
  const session = deps.store.restore({ id: sessionId, ownerId: owner.ownerId, createdAt, patient: sessionPayload.patient, turns });
  deps.audit.record({ action: 'session.resumed', profileId: owner.ownerId, objectId: sessionId });
  if (failed.length > 0) deps.logger.warn('history.resume-partial', { failed: failed.length });
  return deps.store.infoOf(session);
}
