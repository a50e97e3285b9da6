import type { SealedRecord, SealedRecordV2, SessionPayload, TurnPayload } from '../../shared/vault';
import { PAYLOAD_FORMAT_VERSION } from '../../shared/vault';
import { errorKind, type Logger } from '../core/logger';
import type { Session } from '../sessions/session';
import type { AckRegistry } from './ackRegistry';
import type { RecordSealer } from './recordSealer';
import type { SessionRecordVersions } from './recordVersions';
import type { OpenedRecord, SessionHistory } from './sessionHistory';

/** Records per delivery (the contract takes at most 8). */
const RECORDS_PER_DELIVERY = 8;
/** How long main waits for the page to store a re-sealed record. */
const ACK_TIMEOUT_MS = 10_000;
/** How long the re-seal waits for the session's earlier turns before giving up (it is tried again at the next resume). */
const QUEUE_WAIT_MS = 30_000;

/** What re-sealing needs. */
export interface ResealDeps {
  readonly sealer: RecordSealer;
  readonly acks: AckRegistry;
  readonly confirmSessionVersion: (sessionId: string, rv: number) => Promise<void>;
  readonly logger: Logger;
}

/** Where the re-sealed records go: the page that resumed the session. */
export interface ResealTarget {
  readonly senderId: string;
  emit(event: 'vault.record', payload: { records: SealedRecordV2[] }): boolean;
}

/** The same record, sealed again as format v2 with counter `rv`: every header field kept, now authenticated. */
async function resealed(sealer: RecordSealer, opened: OpenedRecord<SessionPayload | TurnPayload>, rv: number, payload: SessionPayload | TurnPayload): Promise<SealedRecordV2> {
  const { record } = opened;
  return sealer.seal(
    {
      id: record.id,
      kind: record.kind,
      sessionId: record.sessionId,
      ownerId: record.ownerId,
      seq: record.seq,
      parentTurnId: record.parentTurnId,
      status: record.status,
      createdAt: record.createdAt,
      updatedAt: record.updatedAt,
      v: PAYLOAD_FORMAT_VERSION,
      rv,
    },
    payload,
  );
}

/**
 * Re-seals a resumed session's format-v1 records as v2 — the first time main touches them again — and delivers them
 * to the page that resumed it, which replaces the v1 rows (a v2 version is always newer). Turn records go first;
 * the session record (with its manifest) goes last and only once every turn record before it was stored, so a stored
 * manifest never lists a version the page does not hold. Runs under the session's turn lock (a follow-up waits, in
 * order) and never fails the resume: what is not re-sealed now stays v1 and is tried again at the next resume.
 */
export async function resealLegacyRecords(deps: ResealDeps, session: Session, versions: SessionRecordVersions, history: SessionHistory, target: ResealTarget): Promise<void> {
  let release;
  try {
    release = await session.queue.acquire(QUEUE_WAIT_MS);
  } catch {
    return;
  }
  try {
    const legacyTurns = history.turns.filter((turn) => turn.record.v === 1);
    for (let start = 0; start < legacyTurns.length; start += RECORDS_PER_DELIVERY) {
      if (session.closed) return;
      const batch = legacyTurns.slice(start, start + RECORDS_PER_DELIVERY);
      const records = await Promise.all(batch.map((turn) => resealed(deps.sealer, turn, versions.nextTurn(turn.record.id, turn.record.seq), turn.payload)));
      if (!(await delivered(deps, target, records))) {
        versions.discard();
        return;
      }
      versions.commit();
    }
    if (session.closed) return;
    const payload: SessionPayload = { ...history.session.payload, turns: versions.manifest() };
    const sessionRecord = await resealed(deps.sealer, history.session, versions.nextSession(), payload);
    if (!(await delivered(deps, target, [sessionRecord]))) {
      versions.discard();
      return;
    }
    versions.commit();
    await deps.confirmSessionVersion(sessionRecord.sessionId, sessionRecord.rv);
    deps.logger.info('history.resealed', { records: legacyTurns.length + 1 });
  } catch (error) {
    versions.discard();
    deps.logger.warn('history.reseal-failed', { kind: errorKind(error) });
  } finally {
    release();
  }
}

/** Delivers one batch and says whether the page stored every record of it. */
async function delivered(deps: ResealDeps, target: ResealTarget, records: SealedRecordV2[]): Promise<boolean> {
  const outcomes = records.map((record: SealedRecord) => deps.acks.expect(record.id, target.senderId, ACK_TIMEOUT_MS));
  if (!target.emit('vault.record', { records })) for (const record of records) deps.acks.giveUp(record.id, 'The page is gone.');
  return (await Promise.all(outcomes)).every((outcome) => outcome.stored);
}
