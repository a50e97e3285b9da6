/**
 * Opening a stored session: its records are read from the history store, opened by main (batches of ≤ 500) and the
 * session shown — read-only by default. What main does not open is handled as history/openFailures.ts decides:
 * a shredded session is deleted; a session whose key is not on this workstation is kept and not shown; records that
 * were rolled back are kept, never shown, and the session is flagged; tampered or malformed records are set aside.
 */
import type { AppApi } from '../../../preload/apiTypes';
import type { RecordDelivery, SealedRecord } from '../../../shared/vault';
import { historyError, KEY_NOT_HERE_MESSAGE, READ_FAILED, SHREDDED_MESSAGE } from './history/historyErrors';
import type { HistoryStore } from './history/historyStore';
import { judgeOpenFailures } from './history/openFailures';
import { openThroughMain } from './history/openThroughMain';
import { followLockedAnswer, isCurrentPeriod, signedInOwner } from './history/signedInPeriod';
import { loadSessionRecords, type StoredSession } from './history/storedRecords';
import { resumeFromStore } from './history/resumeFromStore';
import { patientLine } from './history/patientLine';
import { storedSessionView } from './history/storedSessionView';
import { leavingLosesUnkeptSession } from './history/unkeptSessionGuard';
import type { SessionMode } from './sessionSlice';
import type { DataOf, SliceCreator } from './types';

/** Opening a stored session: data and actions. */
export interface StoredSessionSlice {
  /** The session being read and opened, if any. */
  openingSessionId: string | null;
  /**
   * Reads a session's records from the store, has main open them and shows it — read-only by default. Resolves true
   * when the session is shown. When that would discard the shown "Do not keep" session, nothing is opened yet: the
   * action is held in `pendingDiscard` (the page asks first) unless `discardConfirmed`.
   */
  openStoredSession(sessionId: string, mode?: SessionMode, options?: { discardConfirmed?: boolean }): Promise<boolean>;
  /** At unlock: reopens the session the lock cleared from the page, for the same clinician, as it was shown. */
  reopenAfterUnlock(): Promise<void>;
  /**
   * "Go on from here" on branch `index` of a session continued on two workstations: main rebuilds its live session
   * from the shared part and that branch only (so the next prompt holds nothing of the other), and the view shows
   * that branch as the one going on, the other collapsed (never dropped). Resolves true once it is live.
   */
  goOnFromBranch(index: number): Promise<boolean>;
  /**
   * Main delivered records (`vault.record`): when they hold a turn of the shown session that the view does not show
   * (another workstation's, pulled by sync), the view is read again from the store shortly after (once the store has
   * written them), keeping the mode, the branch chosen and the typed follow-up.
   */
  noteRecordsDelivered(delivery: RecordDelivery): void;
}

/** Options of the slice. */
export interface StoredSessionOptions {
  /** Delay before the shown session is read again after a delivery (the store writes it meanwhile). */
  refreshDelayMs?: number | undefined;
}

/** Every turn id the shown session's view holds (answers and branches included). */
function shownTurnIds(state: { turns: readonly { turnId: string | null; answers?: readonly { turnId: string }[] }[]; fork: { branches: { turns: { turnId: string | null }[] }[] } | null }): Set<string> {
  const ids = new Set<string>();
  const add = (turn: { turnId: string | null; answers?: readonly { turnId: string }[] }): void => {
    if (turn.turnId !== null) ids.add(turn.turnId.toLowerCase());
    for (const answer of turn.answers ?? []) ids.add(answer.turnId.toLowerCase());
  };
  state.turns.forEach(add);
  for (const branch of state.fork?.branches ?? []) branch.turns.forEach(add);
  return ids;
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
export function createStoredSessionSlice(api: AppApi, history: HistoryStore | null, options: StoredSessionOptions = {}): SliceCreator<StoredSessionSlice> {
  return (set, get) => {
    let openAttempt = 0;
    let refreshTimer: ReturnType<typeof setTimeout> | null = null;

    const openSession = async (sessionId: string, mode: SessionMode, branchTurnId: string | null = null, chosenByClinician = true): Promise<OpenOutcome> => {
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

        const view = storedSessionView(sessionId, stored, opened.data, branchTurnId, chosenByClinician);
        get().showStoredSession(view, mode);
        set((state) => ({
          historyEntries: sessionSetAside
            ? // Its session record is set aside, so the store no longer lists it.
              state.historyEntries.filter((entry) => entry.sessionId !== sessionId)
            : state.historyEntries.map((entry) =>
                entry.sessionId === sessionId && view.title !== null
                  ? { ...entry, title: view.title, patientLine: view.patient === null ? entry.patientLine : patientLine(view.patient), turnCount: view.turnCount }
                  : entry,
              ),
        }));
        return 'shown';
      } finally {
        if (attempt === openAttempt && isCurrentPeriod(get(), generation)) set({ openingSessionId: null });
      }
    };

    return {
      ...initialStoredSessionState,

      async openStoredSession(sessionId, mode = 'review', options = {}) {
        if (options.discardConfirmed !== true && get().sessionId !== sessionId && leavingLosesUnkeptSession(get())) {
          set({ pendingDiscard: { kind: 'openSession', sessionId, mode } });
          return false;
        }
        return (await openSession(sessionId, mode)) === 'shown';
      },

      async goOnFromBranch(index) {
        const { sessionId, fork, runningTurnKey, resuming } = get();
        const branch = fork?.branches[index];
        const owner = signedInOwner(get());
        if (!branch || sessionId === null || runningTurnKey !== null || resuming || history === null || owner === null) return false;
        const epochAtStart = get().sessionEpoch();
        set({ resuming: true, conversationError: null });
        const outcome = await resumeFromStore(api, history, owner, sessionId, branch.lastTurnId);
        if (get().sessionEpoch() !== epochAtStart) return false;
        if (!outcome.ok) {
          set({ resuming: false, conversationError: outcome.error });
          return false;
        }
        // Read again along the chosen branch (with anything stored since), now taking follow-ups.
        const draft = get().followUpDraft;
        const shown = await openSession(sessionId, 'live', branch.lastTurnId);
        if (shown !== 'shown') {
          if (get().sessionEpoch() === epochAtStart) set({ resuming: false });
          return false;
        }
        set({ followUpDraft: draft, sessionId: outcome.info.sessionId });
        return true;
      },

      noteRecordsDelivered(delivery) {
        const shownSession = get().sessionId;
        if (history === null || shownSession === null) return;
        const known = shownTurnIds(get());
        const unseen = delivery.records.some((record) => record.kind === 'turn' && record.sessionId === shownSession && !known.has(record.id.toLowerCase()));
        if (!unseen || refreshTimer !== null) return;
        const epochAtStart = get().sessionEpoch();
        const refresh = (): void => {
          refreshTimer = null;
          const state = get();
          if (state.sessionId !== shownSession || state.sessionEpoch() !== epochAtStart) return;
          // Not while this page writes a turn or resumes: read again once it is done.
          if (state.runningTurnKey !== null || state.resuming || state.openingSessionId !== null) {
            refreshTimer = setTimeout(refresh, options.refreshDelayMs ?? 300);
            return;
          }
          const { sessionMode, followUpDraft, fork, turns } = state;
          // Kept on the line it shows when a branch was chosen — and always when live: main's live copy of the session
          // goes on along the turns this page showed it, so a continuation pulled from another workstation (newer, so
          // "most recently used") must not take its place on screen while the model is still told this line. Not
          // marked as chosen unless the clinician chose: the page says where the next follow-up goes on.
          const chosenByClinician = fork?.chosen != null;
          const keepLine = chosenByClinician || sessionMode === 'live';
          const lineTurnId = keepLine ? ([...turns].reverse().find((turn) => turn.turnId !== null)?.turnId ?? null) : null;
          void openSession(shownSession, sessionMode, lineTurnId, chosenByClinician).then((outcome) => {
            if (outcome === 'shown' && get().sessionId === shownSession) set({ followUpDraft });
          });
        };
        refreshTimer = setTimeout(refresh, options.refreshDelayMs ?? 300);
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
