/**
 * Searching the clinician's history through main (`api.vault.search`), shortly after the last keystroke. Main's
 * index covers what it opened since unlock (the indexing pass opens it all); hits for sessions the list has not loaded
 * are read from the store and titled by main. The query, hits and excerpts are patient data: memory only.
 */
import type { AppApi } from '../../../preload/apiTypes';
import type { ErrorPayload } from '../../../shared/errors';
import { describeRows } from './history/describeRows';
import type { HistoryEntry } from './history/historyEntry';
import { BRIDGE_FAILED, historyError, READ_FAILED } from './history/historyErrors';
import type { HistoryStore } from './history/historyStore';
import type { HistorySearch, HistorySearchHit } from './history/searchResults';
import { markEntries } from './history/sessionProblems';
import { followLockedAnswer, isCurrentPeriod, signedInOwner } from './history/signedInPeriod';
import { findSessionRecords } from './history/storedRecords';
import type { DataOf, SliceCreator } from './types';

/** Longest search text kept. */
const MAX_QUERY_LENGTH = 200;
/** The search runs once the clinician has stopped typing for this long. */
export const HISTORY_SEARCH_DELAY_MS = 200;

/** The sessions search: data and actions. */
export interface HistorySearchSlice {
  /** The search text; a non-empty one is searched by main (`api.vault.search`), shortly after the last keystroke. */
  historyQuery: string;
  /** The search through main; null while the query is empty (or before its first search starts). */
  historySearch: HistorySearch | null;
  /** Sets the search text; a non-empty one is searched through main once typing pauses, an empty one clears it. */
  setHistoryQuery(query: string): void;
  /** Searches the current query through main now (the debounced step of {@link setHistoryQuery}). */
  searchHistory(): Promise<void>;
}

/** No search. */
export const initialHistorySearchState: Readonly<DataOf<HistorySearchSlice>> = Object.freeze({
  historyQuery: '',
  historySearch: null,
});

/** Options of the search slice. */
export interface HistorySearchOptions {
  /** See {@link HISTORY_SEARCH_DELAY_MS}. */
  searchDelayMs?: number;
}

/** Builds the search slice over `api` and `history`. */
export function createHistorySearchSlice(api: AppApi, history: HistoryStore | null, options: HistorySearchOptions = {}): SliceCreator<HistorySearchSlice> {
  const searchDelayMs = options.searchDelayMs ?? HISTORY_SEARCH_DELAY_MS;
  return (set, get) => {
    let searchTimer: ReturnType<typeof setTimeout> | null = null;
    let searchAttempt = 0;

    /** Entries for hits the list has not loaded: read from the store, titled by main, main's refusals applied. */
    const entriesFor = async (store: HistoryStore, owner: string, sessionIds: ReadonlySet<string>): Promise<{ entries: HistoryEntry[]; error: ErrorPayload | null }> => {
      const rows = await findSessionRecords(store, owner, sessionIds);
      const described = await describeRows(api, store, rows, new Map());
      await get().noteUnopenedSessions(described.verdict, { opened: described.opened });
      return { entries: markEntries(described.entries, get().historySessionProblems), error: described.error };
    };

    return {
      ...initialHistorySearchState,

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
        const owner = signedInOwner(get());
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
        const current = (): boolean => isCurrentPeriod(get(), generation) && attempt === searchAttempt && get().historyQuery.trim() === query;
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
          const error = historyError(answer.error, 'search');
          set((state) => ({ historySearch: state.historySearch === null ? null : { ...state.historySearch, status: 'error', error } }));
          followLockedAnswer(get(), error);
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
            const found = await entriesFor(history, owner, missing);
            if (!current()) return;
            extraEntries.push(...found.entries);
            error = found.error;
          } catch {
            error = READ_FAILED;
          }
          if (!current()) return;
        }
        set({ historySearch: { query, status: 'ready', hits, extraEntries, indexedSessions: answer.data.indexedSessions, error } });
        if (error !== null) followLockedAnswer(get(), error);
      },
    };
  };
}
