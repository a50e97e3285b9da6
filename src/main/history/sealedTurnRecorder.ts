import { AppError } from '../../shared/errors';
import type { SealedRecord, SessionPayload, TurnPayload } from '../../shared/vault';
import { PAYLOAD_FORMAT_VERSION } from '../../shared/vault';
import type { Logger } from '../core/logger';
import type { Clock } from '../core/clock';
import type { RecordedTurn, TurnOutcome, TurnRecorder } from '../sessions/turnRecorder';
import type { AckOutcome, AckRegistry } from './ackRegistry';

/** A record's plaintext fields: ids, owner, position, status and times — never patient data. */
export type RecordHeader = Omit<SealedRecord, 'iv' | 'ct'>;

/** Seals a record with its session's key (creating the key on a session's first record). Main only. */
export interface RecordSealer {
  seal(header: RecordHeader, payload: SessionPayload | TurnPayload): Promise<SealedRecord>;
}

/** How long main waits for the page to confirm it stored the clinician's message before giving up. */
export const DEFAULT_ACK_TIMEOUT_MS = 10_000;

/**
 * The engine's recorder: seals the session and turn records in main and delivers each to the page that started
 * the turn (`vault.record`), which writes it to IndexedDB and acknowledges it. The clinician's message must be
 * acknowledged before the model is asked (a full disk stops the turn, the typed text stays in the form); the outcome
 * is delivered when the answer is complete, cut, cancelled or failed.
 */
export class SealedTurnRecorder implements TurnRecorder {
  constructor(
    private readonly sealer: RecordSealer,
    private readonly acks: AckRegistry,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly ackTimeoutMs = DEFAULT_ACK_TIMEOUT_MS,
  ) {}

  async begin(turn: RecordedTurn): Promise<void> {
    const records = [await this.#sessionRecord(turn, turn.seq === 1 ? 'pending' : 'complete'), await this.#turnRecord(turn, null)];
    const outcomes = await this.#deliver(turn, records);
    const failed = outcomes.find((outcome) => !outcome.stored);
    if (failed && !failed.stored) {
      throw new AppError(
        failed.code === 'STORAGE_FULL' ? 'STORAGE_FULL' : 'STORAGE_FAILED',
        failed.code === 'STORAGE_FULL'
          ? 'This workstation has no room left to keep the conversation, so the message was not sent. Your text is kept; ask IT to free disk space.'
          : 'The conversation could not be saved on this workstation, so the message was not sent. Your text is kept; try again.',
      );
    }
  }

  async finish(turn: RecordedTurn, outcome: TurnOutcome): Promise<void> {
    try {
      const records = [await this.#sessionRecord(turn, 'complete'), await this.#turnRecord(turn, outcome)];
      const outcomes = await this.#deliver(turn, records);
      const failures = outcomes.filter((result) => !result.stored).length;
      if (failures > 0) this.logger.warn('history.finish-not-stored', { failures });
    } catch (error) {
      // The answer already reached the clinician; a failure to keep it is logged, never thrown over the answer.
      this.logger.error('history.finish-failed', { kind: error instanceof Error ? error.name : typeof error });
    }
  }

  /** Sends `records` to the page as one delivery (written in one transaction there) and waits for each acknowledgement. */
  #deliver(turn: RecordedTurn, records: SealedRecord[]): Promise<AckOutcome[]> {
    const outcomes = records.map((record) => this.acks.expect(record.id, turn.caller.senderId, this.ackTimeoutMs));
    // Nobody will answer a page that is gone: stop waiting at once rather than for the bound.
    if (!turn.caller.emit('vault.record', { records })) for (const record of records) this.acks.giveUp(record.id, 'The page is gone.');
    return Promise.all(outcomes);
  }

  #sessionRecord(turn: RecordedTurn, status: 'pending' | 'complete'): Promise<SealedRecord> {
    const { session } = turn;
    return this.sealer.seal(
      {
        id: session.id,
        kind: 'session',
        sessionId: session.id,
        ownerId: session.ownerId,
        seq: 0,
        parentTurnId: null,
        status,
        createdAt: session.createdAt.toISOString(),
        updatedAt: this.clock.now().toISOString(),
        v: PAYLOAD_FORMAT_VERSION,
      },
      { patient: turn.patient, title: turn.patient.chiefComplaint.trim() },
    );
  }

  #turnRecord(turn: RecordedTurn, outcome: TurnOutcome | null): Promise<SealedRecord> {
    const now = this.clock.now().toISOString();
    return this.sealer.seal(
      {
        id: turn.turnId,
        kind: 'turn',
        sessionId: turn.session.id,
        ownerId: turn.session.ownerId,
        seq: turn.seq,
        parentTurnId: turn.parentTurnId ?? null,
        status: outcome ? outcome.status : 'pending',
        createdAt: turn.startedAt.toISOString(),
        updatedAt: now,
        v: PAYLOAD_FORMAT_VERSION,
      },
      {
        turnId: turn.turnId,
        userText: turn.userText,
        answerText: outcome?.answerText ?? '',
        incompleteReason: outcome?.incompleteReason ?? null,
        metadata: outcome?.metadata ?? null,
      },
    );
  }
}
