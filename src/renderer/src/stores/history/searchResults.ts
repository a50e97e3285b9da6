/** What the sessions search shows: the loaded titles filtered in memory, or main's hits with their excerpts. */
import type { ErrorPayload } from '../../../../shared/errors';
import type { HistoryEntry } from './historyEntry';

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
