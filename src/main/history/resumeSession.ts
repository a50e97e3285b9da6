import { activePath, conversationTree } from '../../shared/conversationPath';
import { AppError } from '../../shared/errors';
import type { SessionInfo } from '../../shared/sessions';
import { recordVersionOf, type ManifestEntry, type SealedRecord, type TurnPayload } from '../../shared/vault';
import type { AuditRecorder } from '../audit/auditRecorder';
import type { Logger } from '../core/logger';
import type { LatestAnswer, TurnRecord } from '../sessions/session';
import type { RestoredLatest, SessionStore } from '../sessions/sessionStore';
import type { UnlockedOwner } from '../vault/unlockedOwner';
import { requireSignedIn, type OpenedRecordsDeps } from './openedRecords';
import { SessionRecordVersions, type RecordVersionsRegistry } from './recordVersions';
import { resealLegacyRecords, type ResealDeps, type ResealTarget } from './resealLegacy';
import { openSessionHistory, type OpenedRecord } from './sessionHistory';

/** What resuming needs. */
export interface ResumeDeps extends OpenedRecordsDeps {
  /** True while the session still has its key and is not being deleted: asked right before it comes back to memory. */
  readonly stillKept: (sessionId: string) => boolean;
  readonly store: SessionStore;
  readonly versions: RecordVersionsRegistry;
  readonly reseal: ResealDeps;
  readonly audit: AuditRecorder;
  readonly logger: Logger;
  /** Tokens an exchange takes in a prompt (a conservative estimate; exact counts follow with later turns). */
  readonly estimateExchange: (userText: string, answerText: string) => number;
}

type OpenedTurn = OpenedRecord<TurnPayload>;

/** The manifest main goes on from: what the session record lists, raised to what was actually handed over. */
function manifestOf(listed: readonly ManifestEntry[] | undefined, turns: readonly OpenedTurn[]): ManifestEntry[] {
  const byId = new Map((listed ?? []).map((entry) => [entry.id, entry]));
  for (const { record } of turns) {
    const rv = recordVersionOf(record);
    const known = byId.get(record.id);
    if (!known || known.rv < rv) byId.set(record.id, { id: record.id, seq: record.seq, rv });
  }
  return [...byId.values()];
}

/**
 * Continues a past or expired session: opens — and so authenticates and checks — every sealed record the page hands
 * over (see `openSessionHistory`: a rolled-back or incomplete format-v2 history is refused), then rebuilds the live
 * session under its own id from the session record (the patient) and the newest version of each turn. The latest
 * turn gets back every answer it had (its regenerated siblings, each with how it ended), so the clinician can switch
 * between them as before the session left memory. Format-v1 records are re-sealed as v2 for the page that resumed
 * the session, in the background. The resume is audited durably before it returns.
 */
export async function resumeSession(
  deps: ResumeDeps,
  owner: UnlockedOwner,
  records: readonly SealedRecord[],
  target: ResealTarget,
  branchTurnId: string | null = null,
): Promise<SessionInfo> {
  const [first] = records;
  const live = first ? deps.store.live(first.sessionId, owner.ownerId) : null;
  if (live && records.every((record) => record.sessionId === live.id)) {
    if (branchTurnId === null) return deps.store.infoOf(live);
    // Going on from another branch: the live copy (built on the branch it was on) is rebuilt — never mid-turn.
    if (live.activeTurn !== null || live.queue.busy) throw new AppError('SESSION_BUSY', 'An answer is being written in this session; choose where to go on once it is done.');
    deps.store.forget(live.id);
  }

  const history = await openSessionHistory(deps, owner, records);
  const { sessionId, session: sessionRecord } = history;
  // The conversation's path (shared/conversationPath.ts): per asked message the answer written last, along the branch
  // chosen — or the most recently used one. A session continued on two workstations has two; the model is told one.
  const tree = conversationTree(
    history.turns.map((opened) => ({
      id: opened.record.id,
      seq: opened.record.seq,
      parentTurnId: opened.record.parentTurnId,
      previousTurnId: opened.payload.previousTurnId,
      updatedAt: opened.record.updatedAt,
      opened,
    })),
  );
  if (branchTurnId !== null && tree.slotOf(branchTurnId) === null) throw new AppError('INVALID_INPUT', 'branchTurnId: not a turn of this session');
  const path = activePath(tree, branchTurnId);
  const shown = path.map((slot) => slot.shown.opened);
  const turns: TurnRecord[] = shown.map(({ payload }) => turnRecordOf(deps, payload));
  const latest = latestAnswersOf(deps, shown.at(-1), turns.at(-1), path.at(-1)?.answers.map((answer) => answer.opened) ?? []);
  await deps.audit.recordDurably({ action: 'session.resumed', profileId: owner.ownerId, objectId: sessionId });
  // Checked with nothing awaited before the restore: a lock, a delete or a shred that happened while the records were
  // opening must not bring the session (its plaintext) back into memory.
  requireSignedIn(deps, owner);
  if (!deps.stillKept(sessionId)) throw new AppError('SESSION_NOT_FOUND', 'This session is no longer kept: it was deleted, or its retention period ended.');
  history.remember();
  const session = deps.store.restore({
    id: sessionId,
    ownerId: owner.ownerId,
    createdAt: new Date(sessionRecord.record.createdAt),
    patient: sessionRecord.payload.patient,
    turns,
    latest,
  });
  const versions = new SessionRecordVersions(sessionId, recordVersionOf(sessionRecord.record), manifestOf(sessionRecord.payload.turns, history.turns));
  for (const opened of [sessionRecord, ...history.turns]) versions.noteStamp(opened.record.updatedAt);
  deps.versions.seed(session, versions);
  if (history.unreadableTurns > 0) deps.logger.warn('history.resume-partial', { failed: history.unreadableTurns });
  if (history.hasV1Records) void resealLegacyRecords(deps.reseal, session, versions, history, target);
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
 * Every answer of the latest turn — the one history shows (`live`, already in the turns) and its siblings that were
 * answered (complete or incomplete: a failed or pending record is no answer, as the page also shows) — with how
 * each ended, so choosing one re-seals it as the newest. Null when there is no turn.
 */
function latestAnswersOf(deps: ResumeDeps, live: OpenedTurn | undefined, liveRecord: TurnRecord | undefined, all: readonly OpenedTurn[]): RestoredLatest | null {
  if (live === undefined || liveRecord === undefined) return null;
  const answers: LatestAnswer[] = [];
  for (const opened of all) {
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
