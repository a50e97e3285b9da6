/**
 * Queries of the history store for one session: finding its session record, reading its records, and choosing which
 * of them to hand main. Ciphertext rows only — nothing here opens anything.
 */
import { MAX_RESUME_RECORDS } from '../../../../shared/sessions';
import type { SealedRecord } from '../../../../shared/vault';
import type { SessionRecordRow, TurnRow } from '../../db/database';
import { MAX_PAGE_SIZE } from '../../db/recordStore';
import { sessionPages } from '../../db/sessionPages';
import type { HistoryStore } from './historyStore';

/** Pages scanned at most when looking a session up (× {@link MAX_PAGE_SIZE} sessions). */
export const MAX_SCAN_PAGES = 200;

/** The ISO time one millisecond after `time` (a `before` bound that still includes `time`). */
function justAfter(time: string): string | undefined {
  const ms = Date.parse(time);
  return Number.isFinite(ms) ? new Date(ms + 1).toISOString() : undefined;
}

/**
 * The stored session record of `sessionId`, or null. The store lists sessions newest first, so a recently used
 * session is on the first page; `hintUpdatedAt` (what the list last saw) jumps straight to an older one.
 * Throws the store's read error.
 */
export async function findSessionRecord(
  store: HistoryStore,
  ownerId: string,
  sessionId: string,
  hintUpdatedAt?: string,
): Promise<SessionRecordRow | null> {
  const hinted = hintUpdatedAt === undefined ? undefined : justAfter(hintUpdatedAt);
  if (hinted !== undefined) {
    const page = await store.sessionsPage(ownerId, { before: hinted, limit: MAX_PAGE_SIZE });
    const found = page.sessions.find((row) => row.id === sessionId);
    if (found !== undefined) return found;
  }
  for await (const rows of sessionPages(store, ownerId, { maxPages: MAX_SCAN_PAGES })) {
    const found = rows.find((row) => row.id === sessionId);
    if (found !== undefined) return found;
  }
  return null;
}

/**
 * The stored session rows of `sessionIds`, paging the clinician's sessions until all are found — bounded like
 * {@link findSessionRecord}, so a search hit for a session no longer stored does not make every search read it all.
 */
export async function findSessionRecords(store: HistoryStore, ownerId: string, sessionIds: ReadonlySet<string>): Promise<SessionRecordRow[]> {
  const found: SessionRecordRow[] = [];
  if (sessionIds.size === 0) return found;
  for await (const rows of sessionPages(store, ownerId, { maxPages: MAX_SCAN_PAGES })) {
    found.push(...rows.filter((row) => sessionIds.has(row.id)));
    if (found.length >= sessionIds.size) break;
  }
  return found;
}

/** A session's records as stored. */
export interface StoredSession {
  /** The session record, or null when it is not (or no longer) stored. */
  session: SessionRecordRow | null;
  /** Its turn records, siblings included, ordered by seq. */
  turns: TurnRow[];
}

/** Reads a session's records from the store. Throws the store's read error. */
export async function loadSessionRecords(
  store: HistoryStore,
  ownerId: string,
  sessionId: string,
  hintUpdatedAt?: string,
): Promise<StoredSession> {
  const [session, turns] = await Promise.all([findSessionRecord(store, ownerId, sessionId, hintUpdatedAt), store.turnsOf(sessionId)]);
  return { session, turns };
}

/** Per seq, the record that counts: the newest by `updatedAt` (the later in store order on a tie). */
export function newestPerSeq<R extends Pick<SealedRecord, 'seq' | 'updatedAt'>>(records: readonly R[]): R[] {
  const bySeq = new Map<number, R>();
  for (const record of records) {
    const seen = bySeq.get(record.seq);
    if (seen === undefined || record.updatedAt >= seen.updatedAt) bySeq.set(record.seq, record);
  }
  return [...bySeq.values()].sort((a, b) => a.seq - b.seq);
}

/**
 * The records `api.sessions.resume` (and export) take: the session record, then its turns, as stored. Only the
 * clinician's own records go (main refuses another owner's). Past {@link MAX_RESUME_RECORDS}, superseded siblings are
 * left out, and then the oldest turns (the prompt's token budget would leave those out anyway).
 */
export function resumeRecordsOf(stored: StoredSession, ownerId: string): SealedRecord[] {
  if (stored.session === null) return [];
  let turns = stored.turns.filter((turn) => turn.ownerId === ownerId);
  if (turns.length + 1 > MAX_RESUME_RECORDS) turns = newestPerSeq(turns);
  if (turns.length + 1 > MAX_RESUME_RECORDS) turns = turns.slice(turns.length - (MAX_RESUME_RECORDS - 1));
  return [stored.session, ...turns];
}
