/**
 * Runs the background indexing pass (history/indexHistory.ts) once per unlock and shows its progress; what main did
 * not open goes to the list (`noteUnopenedSessions`), and a search typed meanwhile runs again once the index is whole.
 */
import type { AppApi } from '../../../preload/apiTypes';
import type { HistoryStore } from './history/historyStore';
import { indexHistory, type HistoryIndexing } from './history/indexHistory';
import { followLockedAnswer, isCurrentPeriod, signedInOwner } from './history/signedInPeriod';
import type { DataOf, SliceCreator } from './types';

/** The indexing pass: data and actions. */
export interface HistoryIndexingSlice {
  /** The pass while it runs (started at unlock); null otherwise. */
  historyIndexing: HistoryIndexing | null;
  /** Runs the pass for the current signed-in period (started by `startHistory`). */
  indexAllHistory(): Promise<void>;
}

/** Not running. */
export const initialHistoryIndexingState: Readonly<DataOf<HistoryIndexingSlice>> = Object.freeze({
  historyIndexing: null,
});

/** Options of the indexing slice. */
export interface HistoryIndexingOptions {
  /** Run the pass at unlock (default true; list tests turn it off to count `vault.open` calls). */
  indexHistory?: boolean;
  /** Awaited between batches (default: a macrotask). */
  yieldToPage?: () => Promise<void>;
}

/** Builds the indexing slice over `api` and `history`. */
export function createHistoryIndexingSlice(api: AppApi, history: HistoryStore | null, options: HistoryIndexingOptions = {}): SliceCreator<HistoryIndexingSlice> {
  const enabled = options.indexHistory ?? true;
  return (set, get) => ({
    ...initialHistoryIndexingState,

    async indexAllHistory() {
      const generation = get().historyGeneration;
      const ownerId = signedInOwner(get());
      if (!enabled || history === null || generation === null || ownerId === null) return;
      const live = (): boolean => isCurrentPeriod(get(), generation);
      let outcome: Awaited<ReturnType<typeof indexHistory>> = 'stopped';
      try {
        outcome = await indexHistory({
          index: (input) => api.vault.index(input),
          store: history,
          ownerId,
          live,
          onProgress: (progress) => set({ historyIndexing: progress }),
          onFailures: (verdict) => get().noteUnopenedSessions(verdict),
          onRefused: (error) => followLockedAnswer(get(), error),
          ...(options.yieldToPage === undefined ? {} : { yieldToPage: options.yieldToPage }),
        });
      } catch {
        console.warn('History: the sessions could not all be read for search; search covers those opened so far.');
      } finally {
        if (live()) set({ historyIndexing: null });
      }
      // Search again now that the index is whole.
      if (outcome === 'finished' && live() && get().historyQuery.trim() !== '') void get().searchHistory();
    },
  });
}
