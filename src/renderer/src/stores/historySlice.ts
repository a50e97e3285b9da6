/**
 * Everything the page knows of the signed-in clinician's past sessions, assembled from one slice per idea: the list
 * (historyListSlice), the background indexing pass (historyIndexingSlice), the search (historySearchSlice) and
 * opening a stored session (storedSessionSlice). Their shared pieces live in ./history.
 */
import type { AppApi } from '../../../preload/apiTypes';
import type { HistoryStore } from './history/historyStore';
import { createHistoryIndexingSlice, initialHistoryIndexingState, type HistoryIndexingOptions, type HistoryIndexingSlice } from './historyIndexingSlice';
import { createHistoryListSlice, initialHistoryListState, type HistoryListOptions, type HistoryListSlice } from './historyListSlice';
import { createHistorySearchSlice, initialHistorySearchState, type HistorySearchOptions, type HistorySearchSlice } from './historySearchSlice';
import { createStoredSessionSlice, initialStoredSessionState, type StoredSessionOptions, type StoredSessionSlice } from './storedSessionSlice';
import type { DataOf, SliceCreator } from './types';

/** History data and actions. */
export type HistorySlice = HistoryListSlice & HistoryIndexingSlice & HistorySearchSlice & StoredSessionSlice;

/** Nothing of anyone's history. */
export const initialHistoryState: Readonly<DataOf<HistorySlice>> = Object.freeze({
  ...initialHistoryListState,
  ...initialHistoryIndexingState,
  ...initialHistorySearchState,
  ...initialStoredSessionState,
});

/** Options of the history slices. */
export type HistorySliceOptions = HistoryListOptions & HistoryIndexingOptions & HistorySearchOptions & StoredSessionOptions;

/**
 * Builds the history slices over `api` and `history` (the app's `historyStore`; tests inject their own). Without a
 * history store (null) the list stays empty and nothing is reopened.
 */
export function createHistorySlice(api: AppApi, history: HistoryStore | null, options: HistorySliceOptions = {}): SliceCreator<HistorySlice> {
  return (...args) => ({
    ...createHistoryListSlice(api, history, options)(...args),
    ...createHistoryIndexingSlice(api, history, options)(...args),
    ...createHistorySearchSlice(api, history, options)(...args),
    ...createStoredSessionSlice(api, history, options)(...args),
  });
}
