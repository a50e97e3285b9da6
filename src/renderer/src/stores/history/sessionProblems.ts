/**
 * Keeping the list's record of sessions that cannot be shown as they should (a key not here, a rollback) up to date
 * as main answers: marks on the entries, and the ids behind the counts under the list. Pure, so it is tested alone.
 */
import type { HistoryEntry, SessionProblem, SessionProblems } from './historyEntry';
import type { OpenFailureVerdict } from './openFailures';

/** What else a call showed about sessions besides its failures. */
export interface SessionsSeen {
  /** Sessions with a record main opened: their key is here (a key that arrived late clears the mark). */
  opened?: Iterable<string>;
  /** Sessions read whole with no rolled-back record (opened again after a newer copy came back). */
  intact?: Iterable<string>;
}

/** The problem lists after `verdict` and `seen`. Shredded sessions leave both lists (their rows are gone). */
export function nextProblems(problems: SessionProblems, verdict: OpenFailureVerdict, seen: SessionsSeen = {}): SessionProblems {
  const keyMissing = new Set(problems.keyMissing);
  const rolledBack = new Set(problems.rolledBack);
  for (const sessionId of seen.opened ?? []) keyMissing.delete(sessionId);
  for (const sessionId of seen.intact ?? []) rolledBack.delete(sessionId);
  verdict.keyMissing.forEach((sessionId) => keyMissing.add(sessionId));
  verdict.rolledBack.forEach((sessionId) => rolledBack.add(sessionId));
  for (const sessionId of verdict.shredded) {
    keyMissing.delete(sessionId);
    rolledBack.delete(sessionId);
  }
  return { keyMissing: [...keyMissing], rolledBack: [...rolledBack] };
}

/** The problem to show on a session's entry: a missing key first (nothing of it opens), then a rollback. */
export function problemOf(problems: SessionProblems, sessionId: string): SessionProblem | null {
  if (problems.keyMissing.includes(sessionId)) return 'key-missing';
  if (problems.rolledBack.includes(sessionId)) return 'rolled-back';
  return null;
}

/** `entries` without the `shredded` sessions, every other entry marked as `problems` says. */
export function markEntries(entries: readonly HistoryEntry[], problems: SessionProblems, shredded: ReadonlySet<string> = new Set()): HistoryEntry[] {
  return entries
    .filter((entry) => !shredded.has(entry.sessionId))
    .map((entry) => {
      const problem = problemOf(problems, entry.sessionId);
      return problem === entry.problem ? entry : { ...entry, problem };
    });
}
