import { useState } from 'react';
import { useAppStore } from '../../stores/appStore';
import { syncAnnouncement, syncLineShown } from './syncText';
import { SyncStatusView } from './SyncStatusView';

/**
 * The sync status beside the model server's, for the signed-in clinician; nothing while sync is off (no sync server
 * in the policy) or before main has said. The store reads the status at sign-in and follows main's events.
 */
export function SyncStatusLine() {
  const status = useAppStore((s) => s.syncStatus);
  const error = useAppStore((s) => s.syncStatusError);
  const running = useAppStore((s) => s.syncRunning);
  const syncNow = useAppStore((s) => s.syncNow);
  // Derived from the last one heard (a cycle keeps it), so held as state and updated while rendering.
  const [announced, setAnnounced] = useState('');
  if (!syncLineShown(status)) return null;
  const announcement = syncAnnouncement(status, error, running, announced);
  if (announcement !== announced) setAnnounced(announcement);
  return (
    <SyncStatusView
      status={status}
      error={error}
      running={running}
      onSyncNow={() => void syncNow()}
      now={new Date()}
      announcement={announcement}
    />
  );
}
