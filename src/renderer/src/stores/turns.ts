/**
 * One question-and-answer of a session, and the pure updates a turn goes through while it streams and finishes.
 */
import type { DeltaEvent, IncompleteReason, ProtocolResponse } from '../../../shared/protocol';

/** A turn as the conversation shows it. */
export interface Turn {
  /** Local key, known before main mints the turn id; React keys and "which turn is running" use it. */
  key: string;
  /** Main's turn id, from `turnStarted` or the response; null until then. */
  turnId: string | null;
  /** 1-based position in the session, from main. */
  seq: number | null;
  /** `intake` for the session's first turn (the patient is the question), `followUp` for a typed message. */
  kind: 'intake' | 'followUp';
  /** What the clinician sent; empty for an intake turn. */
  message: string;
  /** The answer so far while streaming; main's authoritative text once finished. */
  answer: string;
  /**
   * `streaming` while this page waits for the answer; then main's outcome. A turn read back from the history can also
   * be `pending` (its answer was never recorded: interrupted, or still running elsewhere) or `error` (it failed).
   */
  status: 'streaming' | 'complete' | 'incomplete' | 'pending' | 'error';
  incompleteReason: IncompleteReason | null;
  /** Index the next delta should carry; lower ones are repeats and are dropped. */
  nextDeltaIndex: number;
}

/** A new turn, waiting for main's ids and the first delta. */
export function pendingTurn(key: string, kind: Turn['kind'], message: string): Turn {
  return { key, turnId: null, seq: null, kind, message, answer: '', status: 'streaming', incompleteReason: null, nextDeltaIndex: 0 };
}

/** Appends a streamed piece; a repeated index (already appended) changes nothing. */
export function appendDelta(turn: Turn, event: DeltaEvent): Turn {
  if (event.index < turn.nextDeltaIndex) return turn;
  return { ...turn, answer: turn.answer + event.delta, nextDeltaIndex: event.index + 1 };
}

/** The finished turn: main's full text replaces whatever streamed (deltas may have been cut or dropped). */
export function finishTurn(turn: Turn, response: ProtocolResponse): Turn {
  return {
    ...turn,
    turnId: response.turnId,
    seq: response.seq,
    answer: response.protocol,
    status: response.status,
    incompleteReason: response.status === 'incomplete' ? response.incompleteReason : null,
  };
}

/** Replaces the turn with `key` by `update(turn)`, keeping every other turn object as it was. */
export function updateTurn(turns: readonly Turn[], key: string, update: (turn: Turn) => Turn): Turn[] {
  return turns.map((turn) => (turn.key === key ? update(turn) : turn));
}

/** Same id, compared as main mints them (lower case). */
export function sameId(a: string | null, b: string): boolean {
  return a !== null && a.toLowerCase() === b.toLowerCase();
}
