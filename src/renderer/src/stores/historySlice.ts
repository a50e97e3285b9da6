/**
 * The signed-in clinician's past sessions, as the sidebar lists them, and opening one of them again.
 *
 * The list is read from the history store (ciphertext, newest first, a page at a time); each page's session records
 * are opened by main in ONE `api.vault.open` call to learn their titles (the chief complaint). Titles are plaintext
 * and live only here, in memory: a lock drops them with every other patient detail. A session whose key main no
 * longer has (`unknown-key`: its retention period ended) is deleted from the store and leaves the list.
 */
import type { AppApi } from '../../../preload/apiTypes';
import type { ErrorPayload } from '../../../shared/errors';
import { MAX_OPEN_BATCH, type SealedRecord } from '../../../shared/vault';
import type { SessionRecordRow } from '../db/database';
import { MAX_PAGE_SIZE } from '../db/recordStore';
import {
  BRIDGE_FAILED,
  loadSessionRecords,
  MAX_SCAN_PAGES,
  openThroughMain,
  READ_FAILED,
  RETENTION_ENDED_MESSAGE,
  storedSessionView,
  titleOf,
  turnCountOf,
  type HistoryStore,
} from './historyRecords';
import type { SessionMode } from './sessionSlice';
import type { DataOf, SliceCreator } from './types';

/** Sessions read (and titled) per page. */
export const HISTORY_PAGE_SIZE = 50;
/** After main delivers a record, the list refreshes once this long has passed without another. */
export const HISTORY_REFRESH_DELAY_MS = 300;
/** Longest search text kept. */
const MAX_QUERY_LENGTH = 200;
/** Sessions read per page by the background indexing pass. */
export const INDEX_PAGE_SIZE = 200;
/** The search runs once the clinician has stopped typing for this long. */
export const HISTORY_SEARCH_DELAY_MS = 200;

/** Progress of the background indexing pass: sessions handed to main so far, of how many (null while counting). */
export interface HistoryIndexing {
  done: number;
  total: number | null;
}

/** One session main's search found, and the excerpt it matched on (patient data: memory only). */
export interface HistorySearchHit {
  sessionId: string;
  snippet: string;
}

/** The search of the clinician's history through main (`api.vault.search`). */
export interface HistorySearch {
  /** The (trimmed) query the hits answer, or are being looked up for. */
  query: string;
  /** `searching` keeps the previous hits shown until the new ones arrive. */
  status: 'searching' | 'ready' | 'error';
  hits: HistorySearchHit[];
  /** Entries for hits the loaded list does not hold (read from the store and titled by main). */
  extraEntries: HistoryEntry[];
  /** Sessions main's index covered when it answered. */
  indexedSessions: number;
  error: ErrorPayload | null;
}

/** A search hit as the sidebar lists it. */
export interface HistorySearchResult {
  entry: HistoryEntry;
  snippet: string;
}

/** A session as the sidebar lists it. Only `title` is patient data (memory only). */
export interface HistoryEntry {
  sessionId: string;
  createdAt: string;
  /** When the session last changed (the list's order, newest first). */
  updatedAt: string;
  /** The session record's status: `pending` until its first answer was recorded. */
  status: SealedRecord['status'];
  /** The chief complaint, as main opened it; null when the record could not be opened. */
  title: string | null;
  /** Turns stored (regenerated siblings count once); null when they could not be read. */
  turnCount: number | null;
}

/** History data and actions. */
export interface HistorySlice {
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
  /** The search text; a non-empty one is searched by main (`api.vault.search`), shortly after the last keystroke. */
  historyQuery: string;
  /** The search through main; null while the query is empty (or before its first search starts). */
  historySearch: HistorySearch | null;
  /** The background indexing pass while it runs (started at unlock); null otherwise. */
  historyIndexing: HistoryIndexing | null;
  /** Something the clinician should know about the list (a session removed at the end of its retention). */
  historyNotice: string | null;
  /** The session being read and opened, if any. */
  openingSessionId: string | null;
  /**
   * Identity of the signed-in period the list belongs to: set at unlock, dropped by a lock. A read that finishes after
   * its period ended writes nothing. (Internal; compared by identity.)
   */
  historyGeneration: object | null;

  /** At unlock: reads the first page and reopens the session that was open when the page locked. */
  startHistory(): Promise<void>;
  /** Reads the first page again, from scratch. */
  loadHistory(): Promise<void>;
  /** Reads the next page ("Show more", or scrolling near the end). */
  loadMoreHistory(): Promise<void>;
  /** Brings the newest page up to date (after a turn), keeping the older pages already loaded. */
  refreshHistory(): Promise<void>;
  /** Sets the search text; a non-empty one is searched through main once typing pauses, an empty one clears it. */
  setHistoryQuery(query: string): void;
  /** Searches the current query through main now (the debounced step of {@link setHistoryQuery}). */
  searchHistory(): Promise<void>;
  /**
   * Reads a session's records from the store, has main open them (batches of ≤ 500) and shows it — read-only by
   * default. Records main cannot open are set aside (quarantined); an `unknown-key` session is deleted instead.
   * Resolves true when the session is shown.
   */
  openStoredSession(sessionId: string, mode?: SessionMode): Promise<boolean>;
  dismissHistoryNotice(): void;
  /** Event intake: main delivered a sealed record (the list refreshes shortly). Called by the store's subscription. */
  noteRecordDelivered(): void;
}

/** No list yet. */
export const initialHistoryState: Readonly<DataOf<HistorySlice>> = Object.freeze({
  historyEntries: [],
  historyNextBefore: null,
  historyStatus: 'idle',
  historyLoadingMore: false,
  historyError: null,
  historyQuery: '',
  historySearch: null,
  historyIndexing: null,
  historyNotice: null,
  openingSessionId: null,
  historyGeneration: null,
});

/**
 * The loaded sessions whose title holds every word of `query` (case-insensitive). An empty query keeps them all;
 * a session without a title matches no query.
 */
export function filterHistory(entries: readonly HistoryEntry[], query: string): readonly HistoryEntry[] {
  const words = query.toLocaleLowerCase().split(/\s+/).filter((word) => word !== '');
  if (words.length === 0) return entries;
  return entries.filter((entry) => {
    if (entry.title === null) return false;
    const title = entry.title.toLocaleLowerCase();
    return words.every((word) => title.includes(word));
  });
}

/**
 * The search's hits as the sidebar lists them, in main's order: the loaded entry where the list holds the session,
 * else the one the search read. Hits with neither (a session no longer stored) are left out.
 */
export function searchResults(entries: readonly HistoryEntry[], search: HistorySearch): HistorySearchResult[] {
  const byId = new Map(search.extraEntries.map((entry) => [entry.sessionId, entry]));
  for (const entry of entries) byId.set(entry.sessionId, entry);
  const results: HistorySearchResult[] = [];
  for (const hit of search.hits) {
    const entry = byId.get(hit.sessionId);
    if (entry !== undefined) results.push({ entry, snippet: hit.snippet });
  }
  return results;
}

/** Lets the page run (input, rendering) before the next step: a macrotask. */
function nextMacrotask(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/** True when `entry` lists after `row` (older `updatedAt`, or the same and a lower id: the store's order). */
function listsAfter(entry: HistoryEntry, row: SessionRecordRow): boolean {
  return entry.updatedAt < row.updatedAt || (entry.updatedAt === row.updatedAt && entry.sessionId < row.id);
}

/** Options of the history slice. */
export interface HistorySliceOptions {
  /** See {@link HISTORY_REFRESH_DELAY_MS}. */
  refreshDelayMs?: number;
  /** See {@link HISTORY_SEARCH_DELAY_MS}. */
  searchDelayMs?: number;
  /** Run the background indexing pass at unlock (default true; list tests turn it off to count `vault.open` calls). */
  indexHistory?: boolean;
  /** Awaited between indexing batches (default: a macrotask). */
  yieldToPage?: () => Promise<void>;
}

type OpenOutcome = 'shown' | 'gone' | 'failed' | 'stale';

/**
 * Builds the history slice over `api` and `history` (the app's `historyStore`; tests inject their own). Without a
 * history store (null) the list stays empty and nothing is reopened.
 */
export function createHistorySlice(api: AppApi, history: HistoryStore | null, options: HistorySliceOptions = {}): SliceCreator<HistorySlice> {
  const refreshDelayMs = options.refreshDelayMs ?? HISTORY_REFRESH_DELAY_MS;
  const searchDelayMs = options.searchDelayMs ?? HISTORY_SEARCH_DELAY_MS;
  const indexHistory = options.indexHistory ?? true;
  const yieldToPage = options.yieldToPage ?? nextMacrotask;
  return (set, get) => {
    // List reads run one after another, so a refresh and "Show more" never merge into each other's half-read state.
    let queue: Promise<unknown> = Promise.resolve();
    let refreshQueued: Promise<void> | null = null;
    let refreshTimer: ReturnType<typeof setTimeout> | null = null;
    let openAttempt = 0;
    let searchTimer: ReturnType<typeof setTimeout> | null = null;
    let searchAttempt = 0;

    const enqueue = (operation: () => Promise<void>): Promise<void> => {
      const run = queue.then(operation);
      queue = run.catch(() => undefined);
      return run;
    };

    const ownerId = (): string | null => {
      const auth = get().authState;
      return auth?.state === 'unlocked' ? auth.profileId : null;
    };
    const live = (generation: object): boolean => get().historyGeneration === generation;

    const noteError = (error: ErrorPayload): void => {
      // Main locked and the page missed the event: ask, so the lock screen shows.
      if (error.code === 'LOCKED') void get().loadAuth();
    };

    /** Deletes sessions whose key is gone from the store, and from the list. */
    const forget = async (store: HistoryStore, sessionIds: string[]): Promise<void> => {
      const result = await store.deleteSessions(sessionIds);
      if (!result.ok) console.warn(`History: ${sessionIds.length} expired session(s) could not be deleted yet (${result.code}).`);
      const gone = new Set(sessionIds);
      set((state) => ({ historyEntries: state.historyEntries.filter((entry) => !gone.has(entry.sessionId)) }));
    };

    const countTurns = async (store: HistoryStore, sessionId: string): Promise<number | null> => {
      try {
        return turnCountOf(await store.turnsOf(sessionId));
      } catch {
        return null;
      }
    };

    /**
     * Entries for a page of session rows. Rows the list already knows unchanged keep their title and count; the
     * others are counted and opened by main in ONE call. Sessions with `unknown-key` are deleted and left out.
     */
    const describeRows = async (
      store: HistoryStore,
      rows: readonly SessionRecordRow[],
    ): Promise<{ entries: HistoryEntry[]; error: ErrorPayload | null }> => {
      const known = new Map(get().historyEntries.map((entry) => [entry.sessionId, entry]));
      const isKnown = (row: SessionRecordRow): boolean => {
        const entry = known.get(row.id);
        return entry !== undefined && entry.updatedAt === row.updatedAt && entry.title !== null;
      };
      const changed = rows.filter((row) => !isKnown(row));
      const [counts, opened] = await Promise.all([
        Promise.all(changed.map(async (row) => [row.id, await countTurns(store, row.id)] as const)).then((pairs) => new Map(pairs)),
        changed.length === 0 ? Promise.resolve(null) : openThroughMain(api, changed),
      ]);
      const error = opened !== null && !opened.ok ? opened.error : null;
      const expired = opened?.ok ? opened.data.failed.filter((failure) => failure.reason === 'unknown-key') : [];
      const gone = new Set(expired.map((failure) => failure.record.sessionId));
      if (gone.size > 0) await forget(store, [...gone]);
      const entries = rows
        .filter((row) => !gone.has(row.id))
        .map((row): HistoryEntry => {
          if (isKnown(row)) return { ...known.get(row.id)!, status: row.status };
          const payload = opened?.ok ? opened.data.sessions.get(row.id) : undefined;
          return {
            sessionId: row.id,
            createdAt: row.createdAt,
            updatedAt: row.updatedAt,
            status: row.status,
            title: payload === undefined ? null : titleOf(payload),
            turnCount: counts.get(row.id) ?? null,
          };
        });
      return { entries, error };
    };

    /** Reads the first page from scratch (inside the queue). */
    const firstPage = async (store: HistoryStore, generation: object): Promise<void> => {
      const owner = ownerId();
      if (!live(generation) || owner === null) return;
      set({ historyStatus: 'loading', historyError: null });
      try {
        const page = await store.sessionsPage(owner, { ...get().historyListRange, limit: HISTORY_PAGE_SIZE });
        if (!live(generation)) return;
        const described = await describeRows(store, page.sessions);
        if (!live(generation)) return;
        set({ historyEntries: described.entries, historyNextBefore: page.nextBefore, historyStatus: 'ready', historyError: described.error });
        if (described.error !== null) noteError(described.error);
      } catch {
        if (live(generation)) set({ historyStatus: 'error', historyError: READ_FAILED });
      }
    };

    const openSession = async (sessionId: string, mode: SessionMode): Promise<OpenOutcome> => {
      const generation = get().historyGeneration;
      const owner = ownerId();
      if (history === null || generation === null || owner === null) return 'failed';
      const attempt = ++openAttempt;
      const epochAtStart = get().sessionEpoch();
      // Stale once another session is opened or shown, or the page locks, meanwhile.
      const current = (): boolean => live(generation) && attempt === openAttempt && get().sessionEpoch() === epochAtStart;
      set({ openingSessionId: sessionId, historyNotice: null, historyError: null });
      try {
        const hint = get().historyEntries.find((entry) => entry.sessionId === sessionId)?.updatedAt;
        let stored: Awaited<ReturnType<typeof loadSessionRecords>>;
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
          if (current()) set({ historyError: opened.error });
          noteError(opened.error);
          return 'failed';
        }
        const { failed } = opened.data;
        if (failed.some((failure) => failure.reason === 'unknown-key')) {
          // Main destroyed the session's key (retention): its records can never be opened again.
          await forget(history, [sessionId]);
          if (live(generation)) set({ historyNotice: RETENTION_ENDED_MESSAGE });
          return 'gone';
        }
        for (const { record, reason } of failed) {
          const result = await history.quarantine(record, `vault.open: ${reason}`);
          if (!result.ok) console.warn(`History: a record that could not be opened could not be set aside either (${result.code}).`);
        }
        const sessionSetAside = stored.session !== null && failed.some((failure) => failure.record.id === stored.session!.id);
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
        if (attempt === openAttempt && live(generation)) set({ openingSessionId: null });
      }
    };

    /**
     * The background indexing pass (once per unlock): pages through every session of the clinician and hands each
     * one's records (session record, then its turns) to `api.vault.index` in batches of ≤ {@link MAX_OPEN_BATCH}, so
     * main's search index covers the whole history. Main sends no plaintext back, only the records that did not open:
     * sessions whose key is gone (`unknown-key`) are deleted as the list does. One batch is with main while the page
     * reads the next; yields to the page between batches and stops as soon as the period ends (a lock).
     */
    const indexAll = async (store: HistoryStore, generation: object): Promise<void> => {
      const owner = ownerId();
      if (!live(generation) || owner === null) return;
      set({ historyIndexing: { done: 0, total: null } });
      let finished = false;
      try {
        // Count first (ciphertext rows only, nothing opened), so progress can say "N of M".
        let total = 0;
        let before: string | undefined;
        for (;;) {
          const page = await store.sessionsPage(owner, { ...(before === undefined ? {} : { before }), limit: INDEX_PAGE_SIZE });
          if (!live(generation)) return;
          total += page.sessions.length;
          if (page.nextBefore === null) break;
          before = page.nextBefore;
          await yieldToPage();
          if (!live(generation)) return;
        }
        set({ historyIndexing: { done: 0, total } });

        let done = 0;
        let batch: SealedRecord[] = [];
        /** Sessions whose last records are in `batch`. */
        let completing = 0;
        const expired = new Set<string>();
        /** The batch main is working on (at most one), resolving to false when the pass must stop. */
        let inFlight: Promise<boolean> | null = null;
        /** Has main index `records`; deletes the sessions whose key is gone. False when the pass must stop. */
        const send = async (records: SealedRecord[], completed: number): Promise<boolean> => {
          let answer: Awaited<ReturnType<AppApi['vault']['index']>>;
          try {
            answer = await api.vault.index({ records });
          } catch {
            return false;
          }
          if (!live(generation)) return false;
          if (!answer.ok) {
            noteError(answer.error);
            return false;
          }
          const sessionOf = new Map(records.map((record) => [record.id, record.sessionId]));
          const gone = new Set<string>();
          for (const failure of answer.data.failures) {
            const sessionId = sessionOf.get(failure.id);
            if (failure.reason === 'unknown-key' && sessionId !== undefined && !expired.has(sessionId)) gone.add(sessionId);
          }
          if (gone.size > 0) {
            gone.forEach((sessionId) => expired.add(sessionId));
            await forget(store, [...gone]);
          }
          done += completed;
          if (!live(generation)) return false;
          set({ historyIndexing: { done, total: Math.max(total, done) } });
          await yieldToPage();
          return live(generation);
        };
        /**
         * Hands `batch` to main once main has finished the previous one; false when the pass must stop. The page reads
         * the next batch while main decrypts and indexes this one, so reading and indexing overlap.
         */
        const flush = async (): Promise<boolean> => {
          if (batch.length === 0) return true;
          const records = batch;
          const completed = completing;
          batch = [];
          completing = 0;
          if (inFlight !== null && !(await inFlight)) return false;
          inFlight = send(records, completed);
          return true;
        };

        before = undefined;
        for (;;) {
          const page = await store.sessionsPage(owner, { ...(before === undefined ? {} : { before }), limit: INDEX_PAGE_SIZE });
          if (!live(generation)) return;
          for (const row of page.sessions) {
            if (expired.has(row.id)) continue;
            const turns = (await store.turnsOf(row.id)).filter((turn) => turn.ownerId === owner);
            if (!live(generation)) return;
            let records: SealedRecord[] = [row, ...turns];
            while (records.length > 0) {
              const room = MAX_OPEN_BATCH - batch.length;
              batch.push(...records.slice(0, room));
              records = records.slice(room);
              if (records.length === 0) completing++;
              if (batch.length >= MAX_OPEN_BATCH && !(await flush())) return;
            }
          }
          if (page.nextBefore === null) break;
          before = page.nextBefore;
        }
        if (!(await flush()) || (inFlight !== null && !(await inFlight))) return;
        finished = true;
      } catch {
        console.warn('History: the sessions could not all be read for search; search covers those opened so far.');
      } finally {
        if (live(generation)) set({ historyIndexing: null });
      }
      // Search again now that the index is whole.
      if (finished && live(generation) && get().historyQuery.trim() !== '') void get().searchHistory();
    };

    /** The stored session rows of `sessionIds` (paging the clinician's sessions until all are found). */
    const findRows = async (store: HistoryStore, owner: string, sessionIds: ReadonlySet<string>): Promise<SessionRecordRow[]> => {
      const found: SessionRecordRow[] = [];
      let before: string | undefined;
      // Bounded like findSessionRecord: a hit for a session no longer stored must not make every search read it all.
      for (let pages = 0; pages < MAX_SCAN_PAGES; pages++) {
        const page = await store.sessionsPage(owner, { ...(before === undefined ? {} : { before }), limit: MAX_PAGE_SIZE });
        found.push(...page.sessions.filter((row) => sessionIds.has(row.id)));
        if (found.length >= sessionIds.size || page.nextBefore === null) return found;
        before = page.nextBefore;
      }
      return found;
    };

    return {
      ...initialHistoryState,

      async startHistory() {
        if (history === null || ownerId() === null) return;
        const generation = {};
        set({ ...initialHistoryState, historyGeneration: generation });
        const listing = enqueue(() => firstPage(history, generation));
        const { resumeSessionId, resumeProfileId, resumeMode } = get();
        if (resumeSessionId !== null && resumeProfileId === ownerId() && get().sessionId === null) {
          // The lock cleared the page: put the clinician back where they were.
          const outcome = await openSession(resumeSessionId, resumeMode);
          if (live(generation) && outcome !== 'failed' && get().resumeSessionId === resumeSessionId) get().clearResumeSession();
        }
        await listing;
        // The list first; then, in the background, the whole history for search.
        if (indexHistory && live(generation)) void indexAll(history, generation);
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
          const owner = ownerId();
          const before = get().historyNextBefore;
          try {
            if (!live(generation) || owner === null || before === null) return;
            const page = await history.sessionsPage(owner, { ...get().historyListRange, before, limit: HISTORY_PAGE_SIZE });
            if (!live(generation)) return;
            const loaded = new Set(get().historyEntries.map((entry) => entry.sessionId));
            const described = await describeRows(
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
            if (described.error !== null) noteError(described.error);
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
          const owner = ownerId();
          if (!live(generation) || owner === null) return;
          if (get().historyStatus !== 'ready') {
            await firstPage(history, generation);
            return;
          }
          try {
            const page = await history.sessionsPage(owner, { ...get().historyListRange, limit: HISTORY_PAGE_SIZE });
            if (!live(generation)) return;
            const described = await describeRows(history, page.sessions);
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
            if (described.error !== null) noteError(described.error);
          } catch {
            if (live(generation)) set({ historyError: READ_FAILED });
          }
        });
        refreshQueued = queued;
        return queued;
      },

      setHistoryQuery(query) {
        const next = query.slice(0, MAX_QUERY_LENGTH);
        set({ historyQuery: next });
        if (searchTimer !== null) clearTimeout(searchTimer);
        searchTimer = null;
        if (next.trim() === '') {
          searchAttempt++;
          set({ historySearch: null });
          return;
        }
        if (get().historyGeneration === null) return;
        searchTimer = setTimeout(() => {
          searchTimer = null;
          void get().searchHistory();
        }, searchDelayMs);
      },

      async searchHistory() {
        const generation = get().historyGeneration;
        const owner = ownerId();
        if (generation === null || owner === null) return;
        if (searchTimer !== null) clearTimeout(searchTimer);
        searchTimer = null;
        const query = get().historyQuery.trim();
        const attempt = ++searchAttempt;
        if (query === '') {
          set({ historySearch: null });
          return;
        }
        // Stale once another search starts, the query changes or the page locks.
        const current = (): boolean => live(generation) && attempt === searchAttempt && get().historyQuery.trim() === query;
        const previous = get().historySearch;
        set({
          historySearch: {
            query,
            status: 'searching',
            hits: previous?.hits ?? [],
            extraEntries: previous?.extraEntries ?? [],
            indexedSessions: previous?.indexedSessions ?? 0,
            error: null,
          },
        });
        let answer: Awaited<ReturnType<AppApi['vault']['search']>>;
        try {
          answer = await api.vault.search({ query });
        } catch {
          answer = { ok: false, error: BRIDGE_FAILED };
        }
        if (!current()) return;
        if (!answer.ok) {
          const error = answer.error;
          set((state) => ({ historySearch: state.historySearch === null ? null : { ...state.historySearch, status: 'error', error } }));
          noteError(error);
          return;
        }
        // One hit per session (main's first), in main's order.
        const hits: HistorySearchHit[] = [];
        const seen = new Set<string>();
        for (const hit of answer.data.hits) {
          if (seen.has(hit.sessionId)) continue;
          seen.add(hit.sessionId);
          hits.push({ sessionId: hit.sessionId, snippet: hit.snippet });
        }
        const loaded = new Set(get().historyEntries.map((entry) => entry.sessionId));
        const reusable = new Map((previous?.extraEntries ?? []).map((entry) => [entry.sessionId, entry]));
        const extraEntries: HistoryEntry[] = [];
        const missing = new Set<string>();
        for (const hit of hits) {
          if (loaded.has(hit.sessionId)) continue;
          const entry = reusable.get(hit.sessionId);
          if (entry !== undefined) extraEntries.push(entry);
          else missing.add(hit.sessionId);
        }
        let error: ErrorPayload | null = null;
        if (missing.size > 0 && history !== null) {
          try {
            const rows = await findRows(history, owner, missing);
            if (!current()) return;
            const described = await describeRows(history, rows);
            extraEntries.push(...described.entries);
            error = described.error;
          } catch {
            error = READ_FAILED;
          }
          if (!current()) return;
        }
        set({ historySearch: { query, status: 'ready', hits, extraEntries, indexedSessions: answer.data.indexedSessions, error } });
        if (error !== null) noteError(error);
      },

      async openStoredSession(sessionId, mode = 'review') {
        return (await openSession(sessionId, mode)) === 'shown';
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
    };
  };
}
