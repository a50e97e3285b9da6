/**
 * Wording of the sessions list: when a session was created, how many turns it has, its status, and the notice for
 * records set aside.
 */
import type { SealedRecord } from '../../../../shared/vault';

const CREATED_FORMAT = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/** A session's creation time for people, in the workstation's locale and time zone. */
export function formatCreated(iso: string): string {
  const ms = Date.parse(iso);
  return Number.isFinite(ms) ? CREATED_FORMAT.format(ms) : 'unknown time';
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
