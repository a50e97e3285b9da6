import { AppError } from '../../shared/errors';
import type { SealedRecordV2, SessionPayload, TurnPayload } from '../../shared/vault';
import { PAYLOAD_FORMAT_VERSION } from '../../shared/vault';
import type { AuditRecorder } from '../audit/auditRecorder';
import type { Clock } from '../core/clock';
import { errorKind, type Logger } from '../core/logger';
import type { RecordedTurn, TurnOutcome, TurnRecorder } from '../sessions/turnRecorder';
import { closedSessionError } from '../sessions/turnStop';
import { SessionKeyError } from '../vault/sessionKeyError';
import type { AckOutcome, AckRegistry } from './ackRegistry';
import type { HistoryMemory } from './historyMemory';
import type { RecordSealer } from './recordSealer';
import type { RecordVersionsRegistry, SessionRecordVersions } from './recordVersions';

/** The payload main sealed into each session record it delivers, until the page answered for it. */
const sessionPayloads = new WeakMap<SealedRecordV2, SessionPayload>();

/** How long main waits for the page to confirm it stored the clinician's message before giving up. */
export const DEFAULT_ACK_TIMEOUT_MS = 10_000;

/** What the recorder works with. */
export interface SealedTurnRecorderDeps {
  readonly sealer: RecordSealer;
  readonly acks: AckRegistry;
  readonly versions: RecordVersionsRegistry;
  /** Gets every record main seals, so search and figures cover it at once. */
  readonly memory: HistoryMemory;
  /** Raises the session's rollback anchor once the page confirmed it stored a session record (durable, queued). */
  readonly confirmSessionVersion: (sessionId: string, rv: number) => Promise<void>;
  /** A new message or a regenerated answer was stored: retention counts from now (durable, queued). */
  readonly newTurnStored: (sessionId: string, at: Date) => void;
  readonly audit: AuditRecorder;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly ackTimeoutMs?: number;
  /** The sync workstation label sealed into each turn (which workstation a continuation was asked on); null: sync off. */
  readonly workstationLabel?: string | null;
}

/** The page could not store a delivery: the model is not asked, the typed text stays in the form. */
function storageError(failed: Extract<AckOutcome, { stored: false }>): AppError {
  return new AppError(
    failed.code === 'STORAGE_FULL' ? 'STORAGE_FULL' : 'STORAGE_FAILED',
    failed.code === 'STORAGE_FULL'
      ? 'This workstation has no room left to keep the conversation, so the message was not sent. Your text is kept; ask IT to free disk space.'
      : 'The conversation could not be saved on this workstation, so the message was not sent. Your text is kept; try again.',
  );
}

/** A session that is gone (deleted or shredded): its turn's result is dropped, never sealed again. */
function isGoneSession(error: unknown): boolean {
  return error instanceof SessionKeyError && (error.reason === 'shredded' || error.reason === 'unknown-session');
}

/**
 * The engine's recorder: seals the session and turn records in main (format v2: every header field authenticated,
 * each with its version counter, the session record listing every turn record) and delivers them to the page that
 * started the turn (`vault.record`), which writes them in one transaction and acknowledges each. The clinician's
 * message must be acknowledged before the model is asked (a full disk stops the turn, the typed text stays in the
 * form); the outcome is delivered when the answer is complete, cut, cancelled, stopped by a lock, or failed.
 *
 * A session's key is created for its first message only. A turn whose session was deleted or shredded while it ran
 * is dropped and audited (`session.turn_dropped`), never sealed under a new key.
 */
export class SealedTurnRecorder implements TurnRecorder {
  /** Per live session, the latest answer outcome the page did not confirm storing (kept until it does). */
  readonly #unconfirmed = new WeakMap<object, { readonly turn: RecordedTurn; readonly outcome: TurnOutcome; readonly updatedAt: string }>();

  constructor(private readonly deps: SealedTurnRecorderDeps) {}

  async begin(turn: RecordedTurn): Promise<void> {
    const { session } = turn;
    if (session.closed) throw closedSessionError(session.closed);
    const isFirstRecord = turn.seq === 1 && (turn.parentTurnId ?? null) === null && !this.deps.versions.has(session);
    if (isFirstRecord) {
      await this.deps.sealer.startSession(session.id);
      this.deps.audit.record({ action: 'session.created', profileId: session.ownerId, objectId: session.id });
      // Deleted while its key was being made (the deleter waited for it and destroyed it): nothing is sealed.
      if (session.closed) throw closedSessionError(session.closed);
    }
    const outcomes = await this.#sealAndDeliver(turn, turn.seq === 1 ? 'pending' : 'complete', null);
    const failed = outcomes.find((outcome): outcome is Extract<AckOutcome, { stored: false }> => !outcome.stored);
    if (failed) throw storageError(failed);
    this.deps.newTurnStored(session.id, this.deps.clock.now());
  }

  async confirmKept(turn: RecordedTurn): Promise<void> {
    if (turn.session.closed) throw closedSessionError(turn.session.closed);
    await this.deps.sealer.confirmKept(turn.session.id);
  }

  async finish(turn: RecordedTurn, outcome: TurnOutcome): Promise<void> {
    const { session } = turn;
    if (session.closed === 'deleted') {
      this.#dropped(turn);
      return;
    }
    try {
      const outcomes = await this.#sealAndDeliver(turn, 'complete', outcome);
      const failures = outcomes.filter((result) => !result.stored).length;
      if (failures > 0) this.deps.logger.warn('history.finish-not-stored', { failures });
      // A regenerated answer is a turn the clinician asked for: retention counts from it, as from a new message.
      else if ((turn.parentTurnId ?? null) !== null) this.deps.newTurnStored(session.id, this.deps.clock.now());
    } catch (error) {
      if (isGoneSession(error)) {
        this.#dropped(turn);
        return;
      }
      // The answer already reached the clinician; a failure to keep it is logged, never thrown over the answer.
      this.deps.logger.error('history.finish-failed', { kind: errorKind(error) });
    }
  }

  /** A turn that ended after its session was deleted or shredded: nothing of it is kept. */
  #dropped(turn: RecordedTurn): void {
    this.deps.audit.record({ action: 'session.turn_dropped', profileId: turn.session.ownerId, objectId: turn.session.id });
    this.deps.logger.info('history.turn-dropped', {});
  }

  /**
   * Seals the turn record (its next version) and the session record (its next version, listing the turn) and
   * delivers both as one; then settles the counters: a delivery the page did not confirm storing does not count, so
   * the next session record lists only what the page holds.
   */
  async #sealAndDeliver(turn: RecordedTurn, sessionStatus: 'pending' | 'complete', outcome: TurnOutcome | null): Promise<AckOutcome[]> {
    const versions = this.deps.versions.of(turn.session);
    // An earlier answer of this session that the page never confirmed storing (it was closed, or crashed, while the
    // answer was written): sealed again and delivered with this one, so what the clinician saw is kept after all.
    const missed = this.#unconfirmed.get(turn.session);
    const redeliver = missed && missed.turn.turnId !== turn.turnId ? missed : undefined;
    let records: SealedRecordV2[];
    try {
      // The earlier answer keeps the time it was first written: re-delivering it must not make it the newest answer of
      // its turn (the clinician may have regenerated or chosen another since).
      const earlier = redeliver ? [await this.#sealTurn(redeliver.turn, redeliver.outcome, versions, redeliver.updatedAt)] : [];
      const turnRecord = await this.#sealTurn(turn, outcome, versions);
      const sessionRecord = await this.#sealSession(turn, sessionStatus, versions);
      records = [sessionRecord, turnRecord, ...earlier];
    } catch (error) {
      versions.discard();
      throw error;
    }
    const outcomes = await this.#deliver(turn, records);
    // Only what the page confirmed counts: the next session record must never list a version the page may not hold
    // (a page that crashed or was closed mid-answer). A version the page stored without confirming it is newer than
    // the one listed, which opens; the reverse would refuse the whole history.
    if (!outcomes.every((result) => result.stored)) {
      versions.discard();
      // An answer's outcome the page did not keep is delivered again with the session's next delivery.
      if (outcome !== null) this.#unconfirmed.set(turn.session, { turn, outcome, updatedAt: records[1]!.updatedAt });
      return outcomes;
    }
    versions.commit();
    if (redeliver || this.#unconfirmed.get(turn.session)?.turn.turnId === turn.turnId) this.#unconfirmed.delete(turn.session);
    const [sessionRecord] = records;
    const sessionOutcome = outcomes[0];
    if (sessionRecord && sessionOutcome?.stored) {
      // Stored for sure: its manifest is now what an older copy is measured against, and its version the anchor.
      this.deps.memory.note(turn.session.ownerId, sessionRecord, sessionPayloads.get(sessionRecord) as SessionPayload);
      this.deps.confirmSessionVersion(sessionRecord.sessionId, sessionRecord.rv).catch((error: unknown) => {
        this.deps.logger.error('vault.version-anchor-failed', { kind: errorKind(error) });
      });
    }
    return outcomes;
  }

  /** Sends `records` to the page as one delivery (written in one transaction there) and waits for each acknowledgement. */
  #deliver(turn: RecordedTurn, records: SealedRecordV2[]): Promise<AckOutcome[]> {
    const timeoutMs = this.deps.ackTimeoutMs ?? DEFAULT_ACK_TIMEOUT_MS;
    const outcomes = records.map((record) => this.deps.acks.expect(record.id, turn.caller.senderId, timeoutMs));
    // Nobody will answer a page that is gone: stop waiting at once rather than for the bound.
    if (!turn.caller.emit('vault.record', { records })) for (const record of records) this.deps.acks.giveUp(record.id, 'The page is gone.');
    return Promise.all(outcomes);
  }

  async #sealSession(turn: RecordedTurn, status: 'pending' | 'complete', versions: SessionRecordVersions): Promise<SealedRecordV2> {
    const { session } = turn;
    const payload: SessionPayload = { patient: turn.patient, title: turn.patient.chiefComplaint.trim(), turns: versions.manifest() };
    const record = await this.deps.sealer.seal(
      {
        id: session.id,
        kind: 'session',
        sessionId: session.id,
        ownerId: session.ownerId,
        seq: 0,
        parentTurnId: null,
        status,
        createdAt: session.createdAt.toISOString(),
        updatedAt: versions.stamp(this.deps.clock.now()),
        v: PAYLOAD_FORMAT_VERSION,
        rv: versions.nextSession(),
      },
      payload,
    );
    // Searchable at once; its manifest counts only once the page confirmed it stored the record.
    this.deps.memory.note(session.ownerId, record, payload, { manifest: false });
    sessionPayloads.set(record, payload);
    return record;
  }

  async #sealTurn(turn: RecordedTurn, outcome: TurnOutcome | null, versions: SessionRecordVersions, updatedAt?: string): Promise<SealedRecordV2> {
    const payload: TurnPayload = {
      turnId: turn.turnId,
      userText: turn.userText,
      answerText: outcome?.answerText ?? '',
      incompleteReason: outcome?.incompleteReason ?? null,
      metadata: outcome?.metadata ?? null,
      ...(turn.previousTurnId === undefined ? {} : { previousTurnId: turn.previousTurnId }),
      ...(this.deps.workstationLabel ? { workstationLabel: this.deps.workstationLabel } : {}),
    };
    const record = await this.deps.sealer.seal(
      {
        id: turn.turnId,
        kind: 'turn',
        sessionId: turn.session.id,
        ownerId: turn.session.ownerId,
        seq: turn.seq,
        parentTurnId: turn.parentTurnId ?? null,
        status: outcome ? outcome.status : 'pending',
        createdAt: turn.startedAt.toISOString(),
        updatedAt: updatedAt ?? versions.stamp(this.deps.clock.now()),
        v: PAYLOAD_FORMAT_VERSION,
        rv: versions.nextTurn(turn.turnId, turn.seq),
      },
      payload,
    );
    this.deps.memory.note(turn.session.ownerId, record, payload);
    return record;
  }
}
