/** A session as the sessions list shows it. */
import type { SealedRecord } from '../../../../shared/vault';
import type { SessionState } from './turnSummary';

/**
 * Why a listed session cannot be shown as it should (see openFailures.ts): `key-missing` — its key is not on this
 * workstation, so it cannot be opened here; `rolled-back` — part of its stored history is older than main last sealed.
 */
export type SessionProblem = 'key-missing' | 'rolled-back';

/** A session as the sidebar lists it. Only `title` and `patientLine` are patient data (memory only). */
export interface HistoryEntry {
  sessionId: string;
  createdAt: string;
  /** When the session last changed (the list's order, newest first). */
  updatedAt: string;
  /** The session record's status: `pending` until its first answer was recorded. */
  status: SealedRecord['status'];
  /** The chief complaint, as main opened it; null when the record could not be opened. */
  title: string | null;
  /** The patient's age and sex, short ("3 y · F"; history/patientLine.ts), so similar cases differ; null like `title`. */
  patientLine: string | null;
  /** Turns stored, counted as history/turnSummary.ts defines them (as the header does); null when not read. */
  turnCount: number | null;
  /** The latest question's state, from the stored records (history/turnSummary.ts); null when not read. */
  sessionState: SessionState | null;
  /** What keeps the session from being shown as it should, if anything. */
  problem: SessionProblem | null;
}

/** The sessions known to have each problem (ids only — no patient data), for the line under the list. */
export interface SessionProblems {
  keyMissing: readonly string[];
  rolledBack: readonly string[];
}

/** No problem known. */
export const NO_SESSION_PROBLEMS: SessionProblems = Object.freeze({ keyMissing: [], rolledBack: [] });
