/**
 * What the page does about records main did not open — the ONE place that decides it, for the sessions list, opening
 * a session and the background indexing pass alike (the contract's `OpenFailureReason` says why each is so):
 *
 * | reason | the page |
 * | --- | --- |
 * | `shredded` | deletes the session's rows: its key was destroyed on purpose. The ONLY reason rows are deleted. |
 * | `unknown-key` | keeps the rows; lists the session as not openable on this workstation, and counts it. A missing or restored key file must never cost history. |
 * | `rolled-back` | keeps the rows; never shows that version as the session's history; flags the session with an integrity warning. Not quarantined: the record is authentic, only older. |
 * | `tampered`, `malformed` | sets the record aside (quarantine) when a session is opened; listing sets nothing aside. |
 * | `forbidden` | leaves it alone and never shows it: another clinician's record. |
 */
import type { FailedRecord } from './openThroughMain';

/** The failures of one call, sorted by what the page does about them. */
export interface OpenFailureVerdict {
  /** Sessions whose key main destroyed on purpose: their rows are deleted. */
  shredded: Set<string>;
  /** Sessions whose key is not on this workstation: kept, not openable here. */
  keyMissing: Set<string>;
  /** Sessions with a record older than main last sealed: kept, shown with an integrity warning. */
  rolledBack: Set<string>;
  /** Records to set aside when a session is opened (tampered, malformed), except those of shredded sessions. */
  toQuarantine: FailedRecord[];
}

/** An empty verdict. */
export function noFailures(): OpenFailureVerdict {
  return { shredded: new Set(), keyMissing: new Set(), rolledBack: new Set(), toQuarantine: [] };
}

/** Sorts `failed` by what the page does about each record (see the table above). */
export function judgeOpenFailures(failed: readonly FailedRecord[]): OpenFailureVerdict {
  const verdict = noFailures();
  for (const { record, reason } of failed) {
    if (reason === 'shredded') verdict.shredded.add(record.sessionId);
    else if (reason === 'unknown-key') verdict.keyMissing.add(record.sessionId);
    else if (reason === 'rolled-back') verdict.rolledBack.add(record.sessionId);
  }
  // A shredded session's rows all go: nothing of it is worth setting aside, and it is neither missing nor flagged.
  for (const sessionId of verdict.shredded) {
    verdict.keyMissing.delete(sessionId);
    verdict.rolledBack.delete(sessionId);
  }
  verdict.toQuarantine = failed.filter(
    ({ record, reason }) => (reason === 'tampered' || reason === 'malformed') && !verdict.shredded.has(record.sessionId),
  );
  return verdict;
}

/** True when the verdict asks anything of the list or the store (beyond setting records aside). */
export function concernsSessions(verdict: OpenFailureVerdict): boolean {
  return verdict.shredded.size + verdict.keyMissing.size + verdict.rolledBack.size > 0;
}
