import type { SyncStatus } from '../../../../shared/sync/status';
import { FocusKeepingButton } from '../../components/FocusKeepingButton';
import { describeSyncStatus } from './syncText';

/** Props of {@link SyncStatusView}. */
export interface SyncStatusViewProps {
  status: SyncStatus;
  /** Why the status could not be read, or the last "Sync now" failed. */
  error: string | null;
  /** A "Sync now" is under way. */
  running: boolean;
  onSyncNow(): void;
  /** The time now (tests pass their own). */
  now: Date;
  /** Tests fix the time zone; the app shows the workstation's. */
  timeZone?: string;
  /** What a screen reader hears (see syncAnnouncement): the state's changes, not every cycle. */
  announcement: string;
}

/** The dot's colour: the model server's palette, so "green" and "red" mean the same on both lines. */
const DOT: Record<SyncStatus['state'], string> = {
  synced: 'reachable',
  syncing: 'degraded',
  offline: 'offline',
  error: 'offline',
  off: 'unknown',
};

/**
 * Sync's status (`data-testid="sync-status"`) with "Sync now". The button stays focusable while its cycle runs
 * (a keyboard user keeps their place) and the text says "Syncing (n waiting)" meanwhile: that is the progress.
 */
export function SyncStatusView({ status, error, running, onSyncNow, now, timeZone, announcement }: SyncStatusViewProps) {
  const dot = error !== null ? 'offline' : running ? 'degraded' : DOT[status.state];
  return (
    <div className="llm-status sync-status" data-sync-state={status.state}>
      <span className={`llm-status-dot llm-status-${dot}`} aria-hidden="true" />
      <span data-testid="sync-status">{describeSyncStatus(status, { running, error, now, timeZone })}</span>
      {/* role=status (not alert): the server going away is news; clinical work goes on and is sent later. */}
      <span className="visually-hidden" role="status" data-testid="sync-announcement">
        {announcement}
      </span>
      <FocusKeepingButton className="button-quiet" unavailable={running} onPress={onSyncNow}>
        Sync now
      </FocusKeepingButton>
    </div>
  );
}
