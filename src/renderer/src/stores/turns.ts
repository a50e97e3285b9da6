/**
 * One question-and-answer of a session, and the pure updates a turn goes through while it streams and finishes.
 */
import type { DeltaEvent, IncompleteReason, ProtocolResponse, TurnMetadata } from '../../../shared/protocol';

/** One finished answer to a turn's message; a regenerated answer is a sibling of the earlier ones. */
export interface TurnAnswer {
  turnId: string;
  answer: string;
  status: 'complete' | 'incomplete' | 'pending' | 'error';
  incompleteReason: IncompleteReason | null;
  /** How it was produced (model, endpoint, time); null when not recorded. */
  metadata: TurnMetadata | null;
  /** When its record was last written (read back from history): the most recent is the one main goes on with. */
  writtenAt?: string;
}

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
  /** How the shown answer was produced; null (or absent) until it is finished, or when not recorded. */
  metadata?: TurnMetadata | null;
  /**
   * Every finished answer to this message, oldest first (regenerated siblings); the shown one is the entry whose
   * `turnId` is the turn's. Absent or one entry when the answer was never regenerated.
   */
  answers?: readonly TurnAnswer[];
}

/** The turn's finished answers (siblings), the shown one included. */
export function answersOf(turn: Turn): readonly TurnAnswer[] {
  return turn.answers ?? (turn.turnId !== null && turn.status !== 'streaming' ? [answerOf(turn, turn.turnId)] : []);
}

function answerOf(turn: Turn, turnId: string): TurnAnswer {
  const status = turn.status === 'streaming' ? 'pending' : turn.status;
  return { turnId, answer: turn.answer, status, incompleteReason: turn.incompleteReason, metadata: turn.metadata ?? null };
}

/** The turn asking again for its answer: streaming a new sibling, the finished answers kept. */
export function regeneratingTurn(turn: Turn): Turn {
  return { ...turn, answers: answersOf(turn), turnId: null, answer: '', status: 'streaming', incompleteReason: null, nextDeltaIndex: 0, metadata: null };
}

/** The turn showing its answer `turnId` (one of its siblings); unchanged when it has no such answer. */
export function showAnswer(turn: Turn, turnId: string): Turn {
  const answer = answersOf(turn).find((candidate) => sameId(candidate.turnId, turnId));
  if (answer === undefined) return turn;
  return { ...turn, turnId: answer.turnId, answer: answer.answer, status: answer.status, incompleteReason: answer.incompleteReason, metadata: answer.metadata };
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
  const finished: Turn = {
    ...turn,
    turnId: response.turnId,
    seq: response.seq,
    answer: response.protocol,
    status: response.status,
    incompleteReason: response.status === 'incomplete' ? response.incompleteReason : null,
    metadata: response.metadata,
  };
  // Siblings are kept only once there is more than one answer; a turn never regenerated stays as it was.
  if (turn.answers === undefined) return finished;
  return { ...finished, answers: [...turn.answers.filter((answer) => !sameId(answer.turnId, response.turnId)), answerOf(finished, response.turnId)] };
}

/** Replaces the turn with `key` by `update(turn)`, keeping every other turn object as it was. */
export function updateTurn(turns: readonly Turn[], key: string, update: (turn: Turn) => Turn): Turn[] {
  return turns.map((turn) => (turn.key === key ? update(turn) : turn));
}

/** Same id, compared as main mints them (lower case). */
export function sameId(a: string | null, b: string): boolean {
  return a !== null && a.toLowerCase() === b.toLowerCase();
}
