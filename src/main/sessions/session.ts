import type { Patient } from '../../shared/patient';
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
  readonly turns: TurnRecord[];
  /** Index of the first turn the prompt includes; only moves forward, in blocks (prefix-cache friendly). */
  windowStart: number;
  /** One turn at a time, in arrival order. */
  readonly queue: TurnQueue;
  activeTurn: ActiveTurn | null;
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
