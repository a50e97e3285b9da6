/**
 * Wording of the sessions list: when a session was created, how many turns it has, its status, what keeps a session
 * from being shown as it should, and the notices for records set aside or rolled back.
 */
import { formatLocalDateTime } from '../../../../shared/localTime';
import type { SealedRecord } from '../../../../shared/vault';
import type { SessionProblem, SessionProblems } from '../../stores/history/historyEntry';

/** Under a session in the list whose key is not on this workstation. */
export const KEY_NOT_HERE_ROW = 'Cannot be opened here: its key is not on this workstation.';

/** Under a session in the list with a record older than the app last saved (`rolled-back`). */
export const ROLLED_BACK_ROW = 'Integrity warning: part of it is an older copy than the app last saved.';

/** A session's creation time for people, in the workstation's time zone: the format the export uses too (shared/localTime). */
export function formatCreated(iso: string): string {
  return formatLocalDateTime(iso);
}

/** "1 turn", "3 turns"; an unknown count says so. */
export function turnCountText(count: number | null): string {
  if (count === null) return 'turns unknown';
  return count === 1 ? '1 turn' : `${count} turns`;
}

/** A session record's status for people. */
export function sessionStatusText(status: SealedRecord['status']): string {
  switch (status) {
    case 'complete':
      return 'Answered';
    case 'incomplete':
      return 'Incomplete';
    case 'error':
      return 'Failed';
    default:
      return 'Unanswered';
  }
}

/** "1 record could not be opened and was set aside" (or n records … were). */
export function setAsideText(count: number): string {
  return count === 1
    ? '1 record could not be opened and was set aside'
    : `${count} records could not be opened and were set aside`;
}

/** The sentence under a session in the list that cannot be shown as it should. */
export function sessionProblemText(problem: SessionProblem): string {
  return problem === 'key-missing' ? KEY_NOT_HERE_ROW : ROLLED_BACK_ROW;
}

/**
 * The lines under the list counting sessions that cannot be shown as they should; none when there are none.
 * Counts only — no titles (they could not be opened anyway).
 */
export function sessionProblemLines(problems: SessionProblems): string[] {
  const lines: string[] = [];
  const missing = problems.keyMissing.length;
  if (missing > 0) {
    lines.push(
      `${missing === 1 ? '1 session' : `${missing} sessions`} cannot be opened on this workstation: ` +
        `${missing === 1 ? 'its key is' : 'their keys are'} not here. Nothing was deleted — the key may arrive later, or IT can restore it.`,
    );
  }
  const rolledBack = problems.rolledBack.length;
  if (rolledBack > 0) {
    lines.push(
      `${rolledBack === 1 ? '1 session has' : `${rolledBack} sessions have`} an integrity warning: part of the stored history is an older ` +
        'copy than the app last saved (restored from a backup, or altered). That part is not shown. Please tell IT.',
    );
  }
  return lines;
}

/** The notice over a shown session with records that were rolled back. */
export function rolledBackText(count: number): string {
  return (
    `Integrity warning: ${count === 1 ? '1 record of this session is' : `${count} records of this session are`} older than the ` +
    'app last saved (restored from a backup, or altered). They are not shown, so this session may look incomplete. Please tell IT.'
  );
}
