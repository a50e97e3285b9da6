/**
 * One definition of "how many turns" and "in what state" a session is, for the sidebar row (from the stored records'
 * plaintext headers, nothing opened) and for the session on screen (from its turns): both call
 * {@link summariseQuestions}, so the row and the header cannot disagree.
 *
 * - A **turn** is a question the clinician sent that the session goes on with: answered, stopped, or still being
 *   answered. Regenerated answers are the same turn; a forked session's turns are its distinct questions, every branch
 *   included. A question that **failed** is not a turn (the page hands its text back to send again), but while it is
 *   the latest question the session's state is "Failed".
 * - The **state** is that of the latest question: Answered, Stopped (incomplete), Failed, Unanswered (its answer was
 *   never recorded) or Answering (this page is receiving it).
 */
import type { SealedRecord } from '../../../../shared/vault';
import type { Turn } from '../turns';
import type { StoredFork } from './storedSessionView';

/** The state of a session's latest question. */
export type SessionState = 'answered' | 'stopped' | 'failed' | 'unanswered' | 'answering';

/** How many turns, and the latest question's state (null: no question yet). */
export interface TurnSummary {
  turnCount: number;
  sessionState: SessionState | null;
}

/** What the summary needs of one question: how its shown answer stands. */
export interface QuestionFacts {
  status: Turn['status'];
}

function stateOf(status: Turn['status']): SessionState {
  switch (status) {
    case 'complete':
      return 'answered';
    case 'incomplete':
      return 'stopped';
    case 'error':
      return 'failed';
    case 'streaming':
      return 'answering';
    default:
      return 'unanswered';
  }
}

/** The summary of a session's questions, oldest first (the last is the latest). */
export function summariseQuestions(questions: readonly QuestionFacts[]): TurnSummary {
  const latest = questions.at(-1);
  return {
    turnCount: questions.filter((question) => question.status !== 'error').length,
    sessionState: latest === undefined ? null : stateOf(latest.status),
  };
}

/** What the row's summary reads of a stored turn record: plaintext header fields only. */
export type TurnRecordFacts = Pick<SealedRecord, 'id' | 'parentTurnId' | 'status' | 'updatedAt'>;

/**
 * The questions of a session's stored turn records: one per record that asks (no `parentTurnId`), standing as its
 * most recently written answer stands (the one history shows), in the order they were last written.
 */
export function questionsOfRecords(records: readonly TurnRecordFacts[]): QuestionFacts[] {
  const byId = new Map(records.map((record) => [record.id, record]));
  const rootOf = (record: TurnRecordFacts): string => {
    let current = record;
    for (let hops = 0; current.parentTurnId !== null && hops < records.length; hops += 1) {
      const parent = byId.get(current.parentTurnId);
      if (parent === undefined) return current.parentTurnId;
      current = parent;
    }
    return current.id;
  };
  const shown = new Map<string, TurnRecordFacts>();
  for (const record of records) {
    const root = rootOf(record);
    const known = shown.get(root);
    if (known === undefined || record.updatedAt >= known.updatedAt) shown.set(root, record);
  }
  return [...shown.values()].sort((a, b) => a.updatedAt.localeCompare(b.updatedAt)).map((record) => ({ status: record.status }));
}

/** The summary of a session's stored turn records (the sidebar row). */
export function summariseRecords(records: readonly TurnRecordFacts[]): TurnSummary {
  return summariseQuestions(questionsOfRecords(records));
}

/** What the header's summary reads of the session on screen. */
export interface ShownSessionFacts {
  turns: readonly Turn[];
  fork: StoredFork | null;
  /** The latest follow-up failed and its text was handed back (it is no longer among `turns`). */
  lastSendFailed: boolean;
}

/**
 * The questions of the session on screen: a forked session's other branches, then the line shown (it goes on, so its
 * last turn is the latest), then a follow-up that just failed.
 */
export function questionsOfShown(shown: ShownSessionFacts): QuestionFacts[] {
  const commonCount = shown.fork?.commonCount ?? 0;
  const onLine = new Set(shown.turns.slice(commonCount).map((turn) => turn.key));
  const otherBranches = (shown.fork?.branches ?? []).flatMap((branch) => branch.turns).filter((turn) => !onLine.has(turn.key));
  const failed: QuestionFacts[] = shown.lastSendFailed ? [{ status: 'error' }] : [];
  return [...otherBranches, ...shown.turns, ...failed];
}

/** The summary of the session on screen (the header). */
export function summariseShown(shown: ShownSessionFacts): TurnSummary {
  return summariseQuestions(questionsOfShown(shown));
}

/** The state as the clinician reads it. */
export function sessionStateText(state: SessionState | null): string {
  switch (state) {
    case 'answered':
      return 'Answered';
    case 'stopped':
      return 'Stopped (incomplete)';
    case 'failed':
      return 'Failed';
    case 'answering':
      return 'Answering';
    default:
      return 'Unanswered';
  }
}
