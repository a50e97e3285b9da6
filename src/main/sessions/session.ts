import type { Patient } from '../../shared/patient';
import type { IncompleteReason } from '../../shared/protocol';

/** A finished turn kept in the session's history. */
export interface TurnRecord {
  readonly turnId: string;
  readonly seq: number;
  /** What was sent to the model as this turn's user message. */
  readonly userText: string;
  readonly answerText: string;
  readonly status: 'complete' | 'incomplete';
  readonly incompleteReason: IncompleteReason | null;
  readonly model: string;
  readonly endpoint: string;
}

/** The turn currently running in a session. */
export interface ActiveTurn {
  readonly turnId: string;
  readonly seq: number;
  readonly senderId: string;
  readonly abort: AbortController;
}

/** A live session in main's memory. Patient data lives here and in sealed records only, never in logs. */
export interface Session {
  readonly id: string;
  /** The profile that owns it; main refuses every other profile. */
  readonly ownerId: string;
  readonly createdAt: Date;
  lastAccessAt: Date;
  patient: Patient;
  readonly turns: TurnRecord[];
  activeTurn: ActiveTurn | null;
}
