/**
 * The signed-in clinician's past sessions as the sidebar lists them, a page at a time.
 *
 * The list is read from the history store (ciphertext, newest first); each page's session records are opened by main
 * in ONE `api.vault.open` call to learn their titles (the chief complaint). Titles are plaintext and live only here,
 * in memory: a lock drops them with every other patient detail. What main does not open is handled as
 * history/openFailures.ts decides: a shredded session is deleted and leaves the list; a session whose key is not on
 * this workstation, or that was rolled back, stays listed, marked, and counted under the list.
 */
import type { AppApi } from '../../../preload/apiTypes';
import type { ErrorPayload } from '../../../shared/errors';
import type { SessionRecordRow } from '../db/database';
import { describeRows, type DescribedRows } from './history/describeRows';
import { NO_SESSION_PROBLEMS, type HistoryEntry, type SessionProblems } from './history/historyEntry';
import { DELETED_ELSEWHERE_MESSAGE, DELETED_HERE_MESSAGE, READ_FAILED, SHREDDED_MESSAGE } from './history/historyErrors';
import type { HistoryStore } from './history/historyStore';
import { noFailures, type OpenFailureVerdict } from './history/openFailures';
import { markEntries, nextProblems, type SessionsSeen } from './history/sessionProblems';
import { followLockedAnswer, isCurrentPeriod, signedInOwner } from './history/signedInPeriod';
import type { DataOf, SliceCreator } from './types';

/** Sessions read (and titled) per page. */
export const HISTORY_PAGE_SIZE = 50;
/** After main delivers a record, the list refreshes once this long has passed without another. */
export const HISTORY_REFRESH_DELAY_MS = 300;

/** The sessions list: data and actions. */
export interface HistoryListSlice {
  /** The sessions loaded so far, newest first. */
  historyEntries: HistoryEntry[];
  /** Where the next page starts; null when every session is loaded. */
  historyNextBefore: string | null;
  /** `idle` until a clinician unlocks; then the first page's progress. */
  historyStatus: 'idle' | 'loading' | 'ready' | 'error';
  /** A further page is being read. */
  historyLoadingMore: boolean;
  /** The last failure reading or opening the history (a message for the clinician). */
  historyError: ErrorPayload | null;
  /** Something the clinician should know about the list (a session removed, or not openable here). */
  historyNotice: string | null;
  /** Sessions known not to open on this workstation, or rolled back (ids only), for the line under the list. */
  historySessionProblems: SessionProblems;
  /**
   * Identity of the signed-in period the list belongs to: set at unlock, dropped by a lock. A read that finishes after
   * its period ended writes nothing. (Internal; compared by identity.)
   */
  historyGeneration: object | null;

  /** At unlock: reads the first page, reopens the session that was open when the page locked, then indexes. */
  startHistory(): Promise<void>;
  /** Reads the first page again, from scratch. */
  loadHistory(): Promise<void>;
  /** Reads the next page ("Show more", or scrolling near the end). */
  loadMoreHistory(): Promise<void>;
  /** Brings the newest page up to date (after a turn), keeping the older pages already loaded. */
  refreshHistory(): Promise<void>;
  dismissHistoryNotice(): void;
  /** Event intake: main delivered a sealed record (the list refreshes shortly). Called by the store's subscription. */
  noteRecordDelivered(): void;
  /**
   * Applies what main did not open (from the list, opening a session, a search or the indexing pass): deletes the
   * shredded sessions' rows and drops them from the list; marks and counts the sessions whose key is not here or that
   * were rolled back. `seen` clears marks the same call showed to be out of date.
   */
  noteUnopenedSessions(verdict: OpenFailureVerdict, seen?: SessionsSeen, shownNotice?: string): Promise<void>;
  /**
   * Sessions main has shredded — deleted here by the clinician, deleted on another workstation, or past retention:
   * the same path as a `shredded` answer (rows deleted from the store, gone from the list and the search, the open
   * one closed), with the clinician told what happened.
   */
  removeSessions(sessionIds: readonly string[], why: SessionGoneReason): Promise<void>;
}

/** Why sessions left the page: see {@link HistoryListSlice.removeSessions}. */
export type SessionGoneReason = 'deleted-here' | 'deleted-elsewhere' | 'retention';

/** No list yet. */
export const initialHistoryListState: Readonly<DataOf<HistoryListSlice>> = Object.freeze({
  historyEntries: [],
  historyNextBefore: null,
  historyStatus: 'idle',
  historyLoadingMore: false,
  historyError: null,
  historyNotice: null,
  historySessionProblems: NO_SESSION_PROBLEMS,
  historyGeneration: null,
});

/** True when `entry` lists after `row` (older `updatedAt`, or the same and a lower id: the store's order). */
function listsAfter(entry: HistoryEntry, row: SessionRecordRow): boolean {
  return entry.updatedAt < row.updatedAt || (entry.updatedAt === row.updatedAt && entry.sessionId < row.id);
}

/** Options of the list slice. */
export interface HistoryListOptions {
  /** See {@link HISTORY_REFRESH_DELAY_MS}. */
  refreshDelayMs?: number;
}

/**
 * Builds the list slice over `api` and `history` (the app's `historyStore`; tests inject their own). Without a
 * history store (null) the list stays empty and nothing is reopened.
 */
export function createHistoryListSlice(api: AppApi, history: HistoryStore | null, options: HistoryListOptions = {}): SliceCreator<HistoryListSlice> {
  const refreshDelayMs = options.refreshDelayMs ?? HISTORY_REFRESH_DELAY_MS;
  return (set, get) => {
    // List reads run one after another, so a refresh and "Show more" never merge into each other's half-read state.
    let queue: Promise<unknown> = Promise.resolve();
    let refreshQueued: Promise<void> | null = null;
    let refreshTimer: ReturnType<typeof setTimeout> | null = null;

    const enqueue = (operation: () => Promise<void>): Promise<void> => {
      const run = queue.then(operation);
      queue = run.catch(() => undefined);
      return run;
    };
    const live = (generation: object): boolean => isCurrentPeriod(get(), generation);

    /** Entries for `rows`, after main's refusals are applied (shredded sessions deleted, the others marked). */
    const describe = async (store: HistoryStore, rows: readonly SessionRecordRow[]): Promise<DescribedRows> => {
      const known = new Map(get().historyEntries.map((entry) => [entry.sessionId, entry]));
      const described = await describeRows(api, store, rows, known);
      await get().noteUnopenedSessions(described.verdict, { opened: described.opened });
      return { ...described, entries: markEntries(described.entries, get().historySessionProblems) };
    };

    /** Reads the first page from scratch (inside the queue). */
    const firstPage = async (store: HistoryStore, generation: object): Promise<void> => {
      const owner = signedInOwner(get());
      if (!live(generation) || owner === null) return;
      set({ historyStatus: 'loading', historyError: null });
      try {
        const page = await store.sessionsPage(owner, { ...get().historyListRange, limit: HISTORY_PAGE_SIZE });
        if (!live(generation)) return;
        const described = await describe(store, page.sessions);
        if (!live(generation)) return;
        set({ historyEntries: described.entries, historyNextBefore: page.nextBefore, historyStatus: 'ready', historyError: described.error });
        if (described.error !== null) followLockedAnswer(get(), described.error);
      } catch {
        if (live(generation)) set({ historyStatus: 'error', historyError: READ_FAILED });
      }
    };

    return {
      ...initialHistoryListState,

      async startHistory() {
        if (history === null || signedInOwner(get()) === null) return;
        const generation = {};
        // A new signed-in period: nothing of the last one's history state carries over.
        set({ ...initialHistoryListState, historyGeneration: generation });
        const listing = enqueue(() => firstPage(history, generation));
        await get().reopenAfterUnlock();
        await listing;
        // The list first; then, in the background, the whole history for search.
        if (live(generation)) void get().indexAllHistory();
      },

      loadHistory() {
        const generation = get().historyGeneration;
        if (history === null || generation === null) return Promise.resolve();
        return enqueue(() => firstPage(history, generation));
      },

      loadMoreHistory() {
        const generation = get().historyGeneration;
        const { historyNextBefore, historyLoadingMore, historyStatus } = get();
        if (history === null || generation === null || historyNextBefore === null || historyLoadingMore || historyStatus !== 'ready') {
          return Promise.resolve();
        }
        set({ historyLoadingMore: true });
        return enqueue(async () => {
          const owner = signedInOwner(get());
          const before = get().historyNextBefore;
          try {
            if (!live(generation) || owner === null || before === null) return;
            const page = await history.sessionsPage(owner, { ...get().historyListRange, before, limit: HISTORY_PAGE_SIZE });
            if (!live(generation)) return;
            const loaded = new Set(get().historyEntries.map((entry) => entry.sessionId));
            const described = await describe(
              history,
              page.sessions.filter((row) => !loaded.has(row.id)),
            );
            if (!live(generation)) return;
            set((state) => {
              const present = new Set(state.historyEntries.map((entry) => entry.sessionId));
              return {
                historyEntries: [...state.historyEntries, ...described.entries.filter((entry) => !present.has(entry.sessionId))],
                historyNextBefore: page.nextBefore,
                historyError: described.error,
              };
            });
            if (described.error !== null) followLockedAnswer(get(), described.error);
          } catch {
            if (live(generation)) set({ historyError: READ_FAILED });
          } finally {
            if (live(generation)) set({ historyLoadingMore: false });
          }
        });
      },

      refreshHistory() {
        const generation = get().historyGeneration;
        if (history === null || generation === null) return Promise.resolve();
        // One refresh waiting is enough: it reads the store when it runs.
        if (refreshQueued !== null) return refreshQueued;
        const queued = enqueue(async () => {
          refreshQueued = null;
          const owner = signedInOwner(get());
          if (!live(generation) || owner === null) return;
          if (get().historyStatus !== 'ready') {
            await firstPage(history, generation);
            return;
          }
          try {
            const page = await history.sessionsPage(owner, { ...get().historyListRange, limit: HISTORY_PAGE_SIZE });
            if (!live(generation)) return;
            const described = await describe(history, page.sessions);
            if (!live(generation)) return;
            const inPage = new Set(page.sessions.map((row) => row.id));
            const last = page.sessions.at(-1);
            set((state) => {
              if (page.nextBefore === null || last === undefined) {
                // The first page is the whole list.
                return { historyEntries: described.entries, historyNextBefore: null, historyError: described.error };
              }
              // Older pages stay as loaded: everything listing after the fresh page's last row, minus what moved up.
              const older = state.historyEntries.filter((entry) => !inPage.has(entry.sessionId) && listsAfter(entry, last));
              return {
                historyEntries: [...described.entries, ...older],
                historyNextBefore: older.length > 0 ? state.historyNextBefore : page.nextBefore,
                historyError: described.error,
              };
            });
            if (described.error !== null) followLockedAnswer(get(), described.error);
          } catch {
            if (live(generation)) set({ historyError: READ_FAILED });
          }
        });
        refreshQueued = queued;
        return queued;
      },

      dismissHistoryNotice() {
        set({ historyNotice: null });
      },

      noteRecordDelivered() {
        if (history === null || get().historyGeneration === null) return;
        if (refreshTimer !== null) clearTimeout(refreshTimer);
        refreshTimer = setTimeout(() => {
          refreshTimer = null;
          void get().refreshHistory();
        }, refreshDelayMs);
      },

      async noteUnopenedSessions(verdict, seen = {}, shownNotice = SHREDDED_MESSAGE) {
        const generation = get().historyGeneration;
        if (history !== null && verdict.shredded.size > 0) {
          // Main destroyed these keys on purpose: the rows can never be opened again. Session ids only in the log.
          const result = await history.deleteSessions([...verdict.shredded]);
          if (!result.ok) console.warn(`History: ${verdict.shredded.size} session(s) whose key was destroyed could not be deleted yet (${result.code}).`);
        }
        if (!isCurrentPeriod(get(), generation)) return;
        // Gone for good: not on screen either — the open conversation, and any search hit for it.
        const shown = get().sessionId;
        if (shown !== null && verdict.shredded.has(shown)) get().discardSession({ historyNotice: shownNotice });
        set((state) => {
          const problems = nextProblems(state.historySessionProblems, verdict, seen);
          const search = state.historySearch;
          return {
            historySessionProblems: problems,
            unsyncedSessionIds: verdict.shredded.size === 0 ? state.unsyncedSessionIds : state.unsyncedSessionIds.filter((id) => !verdict.shredded.has(id)),
            historyEntries: markEntries(state.historyEntries, problems, verdict.shredded),
            historySearch:
              search === null
                ? null
                : {
                    ...search,
                    hits: search.hits.filter((hit) => !verdict.shredded.has(hit.sessionId)),
                    extraEntries: search.extraEntries.filter((entry) => !verdict.shredded.has(entry.sessionId)),
                  },
          };
        });
      },

      async removeSessions(sessionIds, why) {
        if (sessionIds.length === 0) return;
        const generation = get().historyGeneration;
        const verdict = { ...noFailures(), shredded: new Set(sessionIds) };
        const shownNotice = why === 'deleted-here' ? DELETED_HERE_MESSAGE : why === 'deleted-elsewhere' ? DELETED_ELSEWHERE_MESSAGE : SHREDDED_MESSAGE;
        await get().noteUnopenedSessions(verdict, {}, shownNotice);
        // The clinician's own delete is confirmed wherever they asked for it; a removal from elsewhere is only said
        // when it closed what they were looking at (the row simply leaves the list).
        if (why === 'deleted-here' && isCurrentPeriod(get(), generation)) set({ historyNotice: DELETED_HERE_MESSAGE });
      },
    };
  };
}
