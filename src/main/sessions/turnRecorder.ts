import type { Patient } from '../../shared/patient';
import type { IncompleteReason, TurnMetadata } from '../../shared/protocol';
import type { TurnCaller } from './protocolService';
import type { Session } from './session';

/** A turn as it is kept on the workstation. */
export interface RecordedTurn {
  readonly session: Session;
  readonly turnId: string;
  readonly seq: number;
  /** When the clinician sent it (the turn record's creation time). */
  readonly startedAt: Date;
  readonly userText: string;
  /** The patient as of this turn (the session record carries it). */
  readonly patient: Patient;
  readonly caller: TurnCaller;
  /** The turn this one answers again (a regenerated answer, a sibling with the same `seq`); null or absent otherwise. */
  readonly parentTurnId?: string | null;
  /** The turn this one continues from (the conversation's last when it was asked); null for the first; absent: unknown. */
  readonly previousTurnId?: string | null;
}

/** How a recorded turn ended. */
export interface TurnOutcome {
  readonly answerText: string;
  readonly status: 'complete' | 'incomplete' | 'error';
  readonly incompleteReason: IncompleteReason | null;
  readonly metadata: TurnMetadata | null;
}

/**
 * Keeps every turn on the workstation, sealed by main: the engine calls `begin` before it asks the model — so the
 * clinician's message is stored first and a crash mid-turn loses nothing — and `finish` when the answer is complete,
 * cut, cancelled or failed.
 */
export interface TurnRecorder {
  /**
   * Seals the session record and the clinician's message (status `pending`), delivers them to the page that
   * started the turn and waits (bounded) until it stored them. Throws `STORAGE_FULL` when it could not: the model
   * is then not called and the page keeps the typed text.
   */
  begin(turn: RecordedTurn): Promise<void>;
  /** Seals the turn's outcome (and the session record) and delivers it; a page that fails to store it says so itself. */
  finish(turn: RecordedTurn, outcome: TurnOutcome): Promise<void>;
  /**
   * Before a regenerated answer is asked for (nothing new is recorded first): throws unless the session is still kept
   * — so the history of a session deleted or shredded meanwhile never goes to the model again.
   */
  confirmKept(turn: RecordedTurn): Promise<void>;
}
