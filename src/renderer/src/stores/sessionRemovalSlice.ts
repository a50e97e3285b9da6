/**
 * Sessions leaving the page: the clinician deleting the open session (main deletes, shreds its key and queues the
 * delete for the other workstations; only then does the page delete its rows), main announcing sessions it shredded
 * by itself (`sessions.removed`: deleted on another workstation, or past retention), and the ids of the sessions whose
 * changes still wait for the sync server (the sidebar's "Not yet synced"). Both events are checked against the
 * contract's schema and against the clinician signed in now: an event meant for someone who has since locked or been
 * switched out does nothing.
 */
import type { AppApi } from '../../../preload/apiTypes';
import { SessionsRemovedEvent, UnsyncedSessions } from '../../../shared/sessionsRemoved';
import { BRIDGE_FAILED } from './history/historyErrors';
import { followLockedAnswer, signedInOwner } from './history/signedInPeriod';
import type { DataOf, SliceCreator } from './types';

/** Data and actions of session removal. */
export interface SessionRemovalSlice {
  /** The session a delete is under way for (its dialog's button says so), or null. */
  deletingSessionId: string | null;
  /** Why the last delete did not happen (main's words), or null. */
  deleteSessionError: string | null;
  /** The signed-in clinician's sessions with changes not yet on the sync server (ids only). */
  unsyncedSessionIds: readonly string[];
  /**
   * Deletes `sessionId` through main; when main says it is deleted, the page forgets it (rows, list, search, open
   * session) the one way it forgets a shredded session. Answers true when deleted. Nothing changes in the page
   * otherwise: the error is kept for the dialog.
   */
  deleteSession(sessionId: string): Promise<boolean>;
  /** Clears {@link deleteSessionError} (the dialog closed). */
  clearDeleteSessionError(): void;
  /** Main's `sessions.removed` event (unchecked payload). Called by the store's subscription. */
  receiveSessionsRemoved(payload: unknown): void;
  /** Asks main which sessions wait for the sync server (at sign-in). */
  loadUnsyncedSessions(): Promise<void>;
  /** Main's `sync.unsyncedSessionsChanged` event (unchecked payload). Called by the store's subscription. */
  receiveUnsyncedSessions(payload: unknown): void;
}

/** Nothing deleting, nothing waiting. */
export const initialSessionRemovalState: Readonly<DataOf<SessionRemovalSlice>> = Object.freeze({
  deletingSessionId: null,
  deleteSessionError: null,
  unsyncedSessionIds: [],
});

/**
 * Said when main answers that it held nothing of the session (no key here, not live): the page keeps its rows — main
 * did not delete, and a session whose key is merely missing here may still be opened once the key arrives.
 */
export const NOTHING_DELETED_MESSAGE = 'Nothing was deleted: this workstation holds no key for this session (it may be deleted already, or its key is not here).';

/** Builds the slice over `api`. */
export function createSessionRemovalSlice(api: AppApi): SliceCreator<SessionRemovalSlice> {
  return (set, get) => ({
    ...initialSessionRemovalState,

    async deleteSession(sessionId) {
      const owner = signedInOwner(get());
      if (owner === null || get().deletingSessionId !== null) return false;
      set({ deletingSessionId: sessionId, deleteSessionError: null });
      let result: Awaited<ReturnType<AppApi['sessions']['delete']>>;
      try {
        result = await api.sessions.delete({ sessionId });
      } catch {
        result = { ok: false, error: BRIDGE_FAILED };
      }
      // A lock or a switch meanwhile cleared the page: nothing of this answer belongs on it now.
      if (signedInOwner(get()) !== owner) return false;
      if (!result.ok) {
        set({ deletingSessionId: null, deleteSessionError: result.error.message });
        followLockedAnswer(get(), result.error);
        return false;
      }
      if (!result.data.deleted) {
        set({ deletingSessionId: null, deleteSessionError: NOTHING_DELETED_MESSAGE });
        return false;
      }
      await get().removeSessions([sessionId], 'deleted-here');
      set({ deletingSessionId: null });
      return true;
    },

    clearDeleteSessionError() {
      set({ deleteSessionError: null });
    },

    receiveSessionsRemoved(payload) {
      const parsed = SessionsRemovedEvent.safeParse(payload);
      if (!parsed.success) {
        console.warn('Sessions: a removal event from main did not match the contract and was ignored.');
        return;
      }
      // Only the clinician whose sessions they were: after a switch this page is someone else's.
      if (parsed.data.profileId !== signedInOwner(get())) return;
      void get().removeSessions(parsed.data.sessionIds, parsed.data.reason);
    },

    async loadUnsyncedSessions() {
      const owner = signedInOwner(get());
      if (owner === null) return;
      const result = await api.sync.unsyncedSessions();
      // Unread is shown as nothing waiting: the status line's count still says how much does.
      if (result.ok) get().receiveUnsyncedSessions(result.data);
    },

    receiveUnsyncedSessions(payload) {
      const parsed = UnsyncedSessions.safeParse(payload);
      if (!parsed.success) {
        console.warn('Sync: a list of unsynced sessions from main did not match the contract and was ignored.');
        return;
      }
      const owner = signedInOwner(get());
      if (owner === null) return;
      // Another clinician's list (a switch raced it) never marks this one's rows; a null profile means sync stopped.
      if (parsed.data.profileId !== null && parsed.data.profileId !== owner) return;
      set({ unsyncedSessionIds: parsed.data.profileId === null ? [] : parsed.data.sessionIds });
    },
  });
}
