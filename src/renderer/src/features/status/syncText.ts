/**
 * The sync status line's wording, kept pure so it is tested without a page: "Synced", "Syncing (n waiting)",
 * "Offline since hh:mm", "Sync error: <reason>".
 */
import type { SyncStatus } from '../../../../shared/sync/status';

/** What the line is drawn from besides main's status. */
export interface SyncTextOptions {
  /** A "Sync now" is under way: the line says syncing even before main's first event of that cycle. */
  running: boolean;
  /** Why the status could not be read, or the last "Sync now" failed (main's message). */
  error: string | null;
  /** The time now, to tell whether the last sync was today (tests pass their own). */
  now: Date;
  /** The time zone times are shown in; the workstation's own unless a test sets one. */
  timeZone?: string;
}

/** True when the status line shows at all: not before the status is known, and not while sync is off. */
export function syncLineShown(status: SyncStatus | null): status is SyncStatus {
  return status !== null && status.state !== 'off';
}

/** The date as the workstation's calendar has it (year, month, day), to compare two instants by day. */
function localDay(date: Date, timeZone: string | undefined): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(date);
}

/**
 * When the workstation last synced, in local time: "14:32" today, "2 Dec, 14:32" on another day (a workstation may
 * stay offline for days, and a bare time would then mislead).
 */
export function syncTimeText(iso: string, now: Date, timeZone?: string): string {
  const at = new Date(iso);
  const time = new Intl.DateTimeFormat(undefined, { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(at);
  if (localDay(at, timeZone) === localDay(now, timeZone)) return time;
  const day = new Intl.DateTimeFormat(undefined, { timeZone, day: 'numeric', month: 'short' }).format(at);
  return `${day}, ${time}`;
}

/** " (3 waiting)" when something sealed here is not on the server yet, else nothing. */
function waiting(pending: number): string {
  return pending > 0 ? ` (${pending} waiting)` : '';
}

/**
 * One line of text for sync's state. "Offline since" counts from the last completed cycle: everything sealed
 * before it is on the server, what came after waits (and is counted).
 */
export function describeSyncStatus(status: SyncStatus, { running, error, now, timeZone }: SyncTextOptions): string {
  if (error !== null) return `Sync error: ${error}`;
  if (running || status.state === 'syncing') return `Syncing (${status.pending} waiting)`;
  switch (status.state) {
    case 'synced':
      return `Synced${waiting(status.pending)}`;
    case 'offline': {
      const since = status.lastSyncedAt === null ? '' : ` since ${syncTimeText(status.lastSyncedAt, now, timeZone)}`;
      return `Offline${since}${waiting(status.pending)}`;
    }
    case 'error':
      return `Sync error: ${status.message ?? 'the sync server refused the request.'}`;
    case 'off':
      return 'Sync is off';
  }
}

/**
 * What the status line announces to a screen reader: the state, without the count and without the "syncing" of
 * every cycle — each turn is pushed, and "Syncing", "Synced" after every answer would talk over the clinician's
 * work. So a cycle keeps the last announcement (`previous`), and only a change a person acts on is heard: offline,
 * an error, synced again.
 */
export function syncAnnouncement(status: SyncStatus, error: string | null, running: boolean, previous: string): string {
  if (error !== null) return `Sync error: ${error}`;
  if (running) return previous;
  switch (status.state) {
    case 'syncing':
      return previous;
    case 'synced':
      return 'Synced';
    case 'offline':
      return 'Sync offline: work goes on here and is sent later';
    case 'error':
      return `Sync error: ${status.message ?? 'the sync server refused the request.'}`;
    case 'off':
      return '';
  }
}
