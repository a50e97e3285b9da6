import type { Patient } from '../../shared/patient';
import type { TurnOutcome } from './turnRecorder';
import type { TurnQueue } from './turnQueue';

/**
 * A finished exchange in the session's history window: only what the next prompts need. Ids, model, endpoint and
 * status of each turn go to the page in the turn's response (and, sealed, to the durable store); keeping them here
 * too would cost memory on every live session for nothing.
 */
export interface TurnRecord {
  /** What was sent to the model as this turn's user message. */
  readonly userText: string;
  readonly answerText: string;
  /**
   * Tokens this exchange takes in a prompt (user message + answer + template overhead). Recorded with the local
   * conservative estimate when the turn ends, then replaced once by the exact count (vLLM's `/tokenize`), which
   * arrives off the path of the clinician's answer.
   */
  tokens: number;
  /** Main's id of the turn this answer belongs to (absent only for turns restored from history without one). */
  readonly turnId?: string;
}

/**
 * One answer of the session's latest turn. Regenerating adds a sibling; main keeps them all (for the latest turn
 * only: once a follow-up is sent, the answer it built on is fixed) so the clinician can switch back to one.
 */
export interface LatestAnswer {
  readonly turnId: string;
  readonly record: TurnRecord;
  /** When the turn was asked (its records' creation time). */
  readonly startedAt: Date;
  readonly parentTurnId: string | null;
  /** How it ended, to re-seal its record when it is selected again; null when restored from history. */
  readonly outcome: TurnOutcome | null;
}

/** The latest turn's answers, and which one the next follow-up builds on (it is also `turns.at(-1)`). */
export interface LatestTurn {
  readonly seq: number;
  /** The patient as of this turn (a regenerated answer is asked with the same one). */
  readonly patient: Patient;
  readonly answers: Map<string, LatestAnswer>;
  liveTurnId: string;
}

/** The turn currently running in a session. */
export interface ActiveTurn {
  readonly turnId: string;
  readonly seq: number;
  readonly senderId: string;
  readonly abort: AbortController;
}

/** Why a session left memory. */
export type ExpiryReason = 'idle' | 'absolute' | 'evicted';

/**
 * Why a session was closed while it may still have had work in flight: its clinician's profile locked (or another
 * clinician signed in), or the session was deleted or crypto-shredded. A turn still running or queued in a closed
 * session never continues with the model, and its result is never sealed under a new key.
 */
export type SessionClosure = 'locked' | 'deleted';

/** A live session in main's memory. Patient data lives here and in sealed records only, never in logs. */
export interface Session {
  readonly id: string;
  /** The profile that owns it; main refuses every other profile. */
  readonly ownerId: string;
  readonly createdAt: Date;
  /** Monotonic creation time, for the absolute timeout. */
  readonly createdMono: number;
  /** The clinician's last request (streaming does not count as activity). */
  lastAccessAt: Date;
  /** Monotonic time of that request, for the idle timeout. */
  lastAccessMono: number;
  patient: Patient;
  /**
   * The patient declined storage: nothing of this session is sealed or delivered (no record, no key), it is not
   * listed, and it is gone once it leaves memory. Chosen on the first turn; never changes.
   */
  readonly doNotKeep: boolean;
  readonly turns: TurnRecord[];
  /** The latest turn's answers (siblings), or null before the first answer. */
  latest: LatestTurn | null;
  /** Index of the first turn the prompt includes; only moves forward, in blocks (prefix-cache friendly). */
  windowStart: number;
  /** One turn at a time, in arrival order. */
  readonly queue: TurnQueue;
  activeTurn: ActiveTurn | null;
  /** Set once the session is closed (it has then left the store); null while it is open. */
  closed: SessionClosure | null;
}

/** What main remembers of a session after it left memory: enough to say "expired", nothing about the patient. */
export interface ExpiredSession {
  readonly id: string;
  readonly ownerId: string;
  readonly createdAt: Date;
  readonly lastAccessAt: Date;
  readonly expiredAt: Date;
  readonly conversationCount: number;
  readonly reason: ExpiryReason;
}
