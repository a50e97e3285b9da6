/**
 * Sync's state as main last reported it, for the status line beside the model server's, and "Sync now". It is
 * signed-in state: read when a clinician signs in, followed through main's `sync.statusChanged` events while
 * signed in, and cleared by every lock with the rest of the signed-in page (patientData.ts). It holds counts, a
 * time and main's sentence — never item ids, never patient data.
 */
import type { AppApi } from '../../../preload/apiTypes';
import type { AuthState } from '../../../shared/auth';
import type { SyncStatus } from '../../../shared/sync/status';
import type { DataOf, SliceCreator } from './types';

/** Sync status data and actions. */
export interface SyncStatusSlice {
  /** Main's last word on sync for the signed-in clinician; null until read (the line stays hidden). */
  syncStatus: SyncStatus | null;
  /** Why the status could not be read or "Sync now" failed (main's message), if so. */
  syncStatusError: string | null;
  /** A "Sync now" is under way (its cycle may take a while on a slow link). */
  syncRunning: boolean;
  /** Asks main for the status (at sign-in). */
  loadSyncStatus(): Promise<void>;
  /** Runs a full push + pull cycle now; a cycle already asked for is not doubled. */
  syncNow(): Promise<void>;
  /** Main's `sync.statusChanged` event. Called by the store's subscription, not by components. */
  receiveSyncStatus(status: SyncStatus): void;
}

/** Nothing known: the line is hidden. */
export const initialSyncStatusState: Readonly<DataOf<SyncStatusSlice>> = Object.freeze({
  syncStatus: null,
  syncStatusError: null,
  syncRunning: false,
});

/** Builds the sync status slice over `api`. */
export function createSyncStatusSlice(api: AppApi): SliceCreator<SyncStatusSlice> {
  return (set, get) => {
    // Bumped by every event applied, so an answer that was on its way while main reported something newer does
    // not undo it.
    let eventVersion = 0;

    /** The signed-in clinician now, or null while locked (or before main has said). */
    const signedIn = (): AuthState | null => {
      const state = get().authState;
      return state?.state === 'unlocked' ? state : null;
    };

    /**
     * True when an answer to a call made while `asked` was signed in may still be shown: the same clinician is
     * signed in. After a lock the status is cleared and must stay so; after a switch it would be another's counts.
     */
    const stillSignedIn = (asked: AuthState): boolean => signedIn()?.profileId === asked.profileId;

    return {
      ...initialSyncStatusState,

      async loadSyncStatus() {
        const asked = signedIn();
        if (asked === null) return;
        const version = eventVersion;
        // Which sessions wait, for the sidebar's marker, alongside the count.
        void get().loadUnsyncedSessions();
        const result = await api.sync.status();
        if (!stillSignedIn(asked)) return;
        if (!result.ok) {
          set({ syncStatusError: result.error.message });
          return;
        }
        if (version === eventVersion) set({ syncStatus: result.data, syncStatusError: null });
      },

      async syncNow() {
        const asked = signedIn();
        if (asked === null || get().syncRunning) return;
        const version = eventVersion;
        set({ syncRunning: true, syncStatusError: null });
        let result: Awaited<ReturnType<AppApi['sync']['now']>>;
        try {
          result = await api.sync.now();
        } catch {
          // The bridge answers errors as data; this is only a guard so the button never stays unavailable.
          result = { ok: false, error: { code: 'INTERNAL', message: 'Sync could not be started. Please try again.' } };
        }
        if (!stillSignedIn(asked)) return;
        if (!result.ok) {
          set({ syncRunning: false, syncStatusError: result.error.message });
          return;
        }
        // The answer is the end of the cycle: it replaces what was shown unless an event during the call already
        // settled it (synced, offline, error) — that event is at least as new as this answer.
        const settledMeanwhile = version !== eventVersion && get().syncStatus?.state !== 'syncing';
        set(settledMeanwhile ? { syncRunning: false } : { syncRunning: false, syncStatus: result.data });
      },

      receiveSyncStatus(status) {
        // While locked there is nothing to show it on, and the lock has just cleared the line: keep it clear.
        if (signedIn() === null) return;
        eventVersion++;
        set({ syncStatus: status, syncStatusError: null });
      },
    };
  };
}
