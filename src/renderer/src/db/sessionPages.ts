/**
 * A clinician's stored sessions page by page — the one loop over `sessionsPage` that every reader of the whole list
 * uses (the indexing pass, looking a session up, finding search hits):
 *
 * ```ts
 * for await (const rows of sessionPages(store, ownerId, { limit: 200 })) { … }
 * ```
 *
 * Each page is read only when the loop asks for the next one, so a loop that stops (`break`, `return`, a lock noticed
 * between pages) reads nothing further.
 */
import type { SessionRecordRow } from './database';
import { MAX_PAGE_SIZE, type RecordStore, type SessionsPageOptions } from './recordStore';

/** Options of {@link sessionPages}. */
export interface SessionPagesOptions {
  /** Sessions per page, 1 to {@link MAX_PAGE_SIZE} (default: the largest). */
  limit?: number;
  /** A date range on last activity, as `sessionsPage` takes it. */
  since?: SessionsPageOptions['since'];
  until?: SessionsPageOptions['until'];
  /** Pages read at most (a lookup that must not read a whole long history); default: every page. */
  maxPages?: number;
}

/**
 * Yields the clinician's sessions newest first, one page (an array of session rows, tombstones excluded) at a time,
 * until the last page or `maxPages`. Throws the store's read error.
 */
export async function* sessionPages(
  store: Pick<RecordStore, 'sessionsPage'>,
  ownerId: string,
  { limit = MAX_PAGE_SIZE, since, until, maxPages = Number.POSITIVE_INFINITY }: SessionPagesOptions = {},
): AsyncGenerator<SessionRecordRow[], void, undefined> {
  const range = { ...(since === undefined ? {} : { since }), ...(until === undefined ? {} : { until }) };
  let before: string | undefined;
  for (let pages = 0; pages < maxPages; pages++) {
    const page = await store.sessionsPage(ownerId, { ...range, ...(before === undefined ? {} : { before }), limit });
    yield page.sessions;
    if (page.nextBefore === null) return;
    before = page.nextBefore;
  }
}
