/**
 * Opening a stored session: its records are read from the history store, opened by main (batches of ≤ 500) and the
 * session shown — read-only by default. What main does not open is handled as history/openFailures.ts decides:
 * a shredded session is deleted; a session whose key is not on this workstation is kept and not shown; records that
 * were rolled back are kept, never shown, and the session is flagged; tampered or malformed records are set aside.
 */
import type { AppApi } from '../../../preload/apiTypes';
import type { SealedRecord } from '../../../shared/vault';
import { historyError, KEY_NOT_HERE_MESSAGE, READ_FAILED, SHREDDED_MESSAGE } from './history/historyErrors';
import type { HistoryStore } from './history/historyStore';
import { judgeOpenFailures } from './history/openFailures';
import { openThroughMain } from './history/openThroughMain';
import { followLockedAnswer, isCurrentPeriod, signedInOwner } from './history/signedInPeriod';
import { loadSessionRecords, type StoredSession } from './history/storedRecords';
import { storedSessionView } from './history/storedSessionView';
import type { SessionMode } from './sessionSlice';
import type { DataOf, SliceCreator } from './types';

/** Opening a stored session: data and actions. */
export interface StoredSessionSlice {
  /** The session being read and opened, if any. */
  openingSessionId: string | null;
  /**
   * Reads a session's records from the store, has main open them and shows it — read-only by default. Resolves true
   * when the session is shown.
   */
  openStoredSession(sessionId: string, mode?: SessionMode): Promise<boolean>;
  /** At unlock: reopens the session the lock cleared from the page, for the same clinician, as it was shown. */
  reopenAfterUnlock(): Promise<void>;
}

/** Nothing being opened. */
export const initialStoredSessionState: Readonly<DataOf<StoredSessionSlice>> = Object.freeze({
  openingSessionId: null,
});

/**
 * `shown`; `gone` (no longer stored, or shredded and deleted); `unavailable` (its key is not here: kept, not shown);
 * `failed` (a read or main failed); `stale` (the page moved on meanwhile).
 */
type OpenOutcome = 'shown' | 'gone' | 'unavailable' | 'failed' | 'stale';

/** Builds the slice over `api` and `history`. */
export function createStoredSessionSlice(api: AppApi, history: HistoryStore | null): SliceCreator<StoredSessionSlice> {
  return (set, get) => {
    let openAttempt = 0;

    const openSession = async (sessionId: string, mode: SessionMode): Promise<OpenOutcome> => {
      const generation = get().historyGeneration;
      const owner = signedInOwner(get());
      if (history === null || generation === null || owner === null) return 'failed';
      const attempt = ++openAttempt;
      const epochAtStart = get().sessionEpoch();
      // Stale once another session is opened or shown, or the page locks, meanwhile.
      const current = (): boolean => isCurrentPeriod(get(), generation) && attempt === openAttempt && get().sessionEpoch() === epochAtStart;
      set({ openingSessionId: sessionId, historyNotice: null, historyError: null });
      try {
        const hint = get().historyEntries.find((entry) => entry.sessionId === sessionId)?.updatedAt;
        let stored: StoredSession;
        try {
          stored = await loadSessionRecords(history, owner, sessionId, hint);
        } catch {
          if (current()) set({ historyError: READ_FAILED });
          return 'failed';
        }
        if (!current()) return 'stale';
        const records: SealedRecord[] = stored.session === null ? [...stored.turns] : [stored.session, ...stored.turns];
        if (records.length === 0) {
          set((state) => ({
            historyEntries: state.historyEntries.filter((entry) => entry.sessionId !== sessionId),
            historyNotice: 'That session is no longer kept on this workstation.',
          }));
          return 'gone';
        }

        const opened = await openThroughMain(api, records);
        if (!opened.ok) {
          const error = historyError(opened.error, 'open');
          if (current()) set({ historyError: error });
          followLockedAnswer(get(), error);
          return 'failed';
        }
        const verdict = judgeOpenFailures(opened.data.failed);
        const anyOpened = opened.data.sessions.size + opened.data.turns.size > 0;
        // Read whole, with nothing rolled back: an earlier integrity mark on it is out of date (a newer copy came back).
        const readWhole = anyOpened && !verdict.rolledBack.has(sessionId) && !verdict.keyMissing.has(sessionId) && !verdict.shredded.has(sessionId);
        await get().noteUnopenedSessions(verdict, { ...(anyOpened ? { opened: [sessionId] } : {}), ...(readWhole ? { intact: [sessionId] } : {}) });
        if (verdict.shredded.has(sessionId)) {
          // Main destroyed the session's key (retention, or a delete): its records can never be opened again.
          if (isCurrentPeriod(get(), generation)) set({ historyNotice: SHREDDED_MESSAGE });
          return 'gone';
        }
        if (verdict.keyMissing.has(sessionId)) {
          // Not here, and not gone: nothing is deleted or set aside, the session stays listed for when the key is back.
          if (isCurrentPeriod(get(), generation)) set({ historyNotice: KEY_NOT_HERE_MESSAGE });
          return 'unavailable';
        }
        for (const { record, reason } of verdict.toQuarantine) {
          const result = await history.quarantine(record, `vault.open: ${reason}`);
          if (!result.ok) console.warn(`History: a record that could not be opened could not be set aside either (${result.code}).`);
        }
        const sessionSetAside = stored.session !== null && verdict.toQuarantine.some((failure) => failure.record.id === stored.session!.id);
        if (!current()) return 'stale';

        const view = storedSessionView(sessionId, stored, opened.data);
        get().showStoredSession(view, mode);
        set((state) => ({
          historyEntries: sessionSetAside
            ? // Its session record is set aside, so the store no longer lists it.
              state.historyEntries.filter((entry) => entry.sessionId !== sessionId)
            : state.historyEntries.map((entry) =>
                entry.sessionId === sessionId && view.title !== null ? { ...entry, title: view.title, turnCount: view.turnCount } : entry,
              ),
        }));
        return 'shown';
      } finally {
        if (attempt === openAttempt && isCurrentPeriod(get(), generation)) set({ openingSessionId: null });
      }
    };

    return {
      ...initialStoredSessionState,

      async openStoredSession(sessionId, mode = 'review') {
        return (await openSession(sessionId, mode)) === 'shown';
      },

      async reopenAfterUnlock() {
        const { resumeSessionId, resumeProfileId, resumeMode, historyGeneration } = get();
        if (resumeSessionId === null || resumeProfileId !== signedInOwner(get()) || get().sessionId !== null) return;
        // The lock cleared the page: put the clinician back where they were.
        const outcome = await openSession(resumeSessionId, resumeMode);
        const settled = outcome === 'shown' || outcome === 'gone' || outcome === 'stale';
        if (settled && isCurrentPeriod(get(), historyGeneration) && get().resumeSessionId === resumeSessionId) get().clearResumeSession();
      },
    };
  };
}
