/**
 * The page's only reader and writer of the history database. It stores sealed records exactly as main delivered
 * them and never sees plaintext.
 *
 * Warning: inside a transaction, await nothing but Dexie — no IPC to main, no WebCrypto, no timers. The transaction
 * closes as soon as it has no pending request (fake-indexeddb fails at once; Chromium only sometimes). Everything is
 * sealed by main before it gets here; validation happens before the transaction opens.
 */
import Dexie from 'dexie';
import { isNewerVersion, SealedRecord } from '../../../shared/vault';
import {
  isTombstone,
  type ClinicHistoryDb,
  type QuarantineRow,
  type SessionRecordRow,
  type SessionRow,
  type SessionTombstone,
  type TurnRow,
} from './database';
import { HistoryReadError, storageFailure, writeFailure, type StorageFailure } from './storageErrors';

/** `putRecords` succeeded: `written` rows were stored; `skipped` were older versions than (or deleted by) what is stored. */
export interface PutRecordsOk {
  ok: true;
  written: number;
  skipped: number;
}
/** @see RecordStore.putRecords */
export type PutRecordsResult = PutRecordsOk | StorageFailure;

/** `deleteSessions` succeeded: how many sessions became tombstones and how many turns were deleted. */
export interface DeleteSessionsOk {
  ok: true;
  sessions: number;
  turns: number;
}
/** @see RecordStore.deleteSessions */
export type DeleteSessionsResult = DeleteSessionsOk | StorageFailure;

/** @see RecordStore.quarantine */
export type QuarantineResult = { ok: true } | StorageFailure;

/** One page of a clinician's sessions, newest first. */
export interface SessionsPage {
  sessions: SessionRecordRow[];
  /** Pass as `before` for the next page; `null` when this page was the last. */
  nextBefore: string | null;
}

/** @see RecordStore.sessionsPage */
export interface SessionsPageOptions {
  /** A `nextBefore` from the previous page, or an ISO time (only sessions updated strictly before it). */
  before?: string;
  /** Sessions per page, 1 to {@link MAX_PAGE_SIZE}. */
  limit: number;
  /**
   * A date range on `updatedAt` (last activity), read from the `[ownerId+updatedAt]` index so a filter costs only
   * the rows in range, however long the history: `since` inclusive, `until` exclusive, both canonical ISO times.
   * Pages of a range continue with `before` as usual (keep passing the range).
   */
  since?: string;
  until?: string;
}

/** The largest page `sessionsPage` serves. */
export const MAX_PAGE_SIZE = 500;
/** Sessions deleted per transaction by `deleteSessions`. */
export const DEFAULT_DELETE_BATCH_SIZE = 50;
/** Longest quarantine reason kept. */
const MAX_REASON_LENGTH = 200;

/** @see RecordStore.putRecords */
export interface PutRecordsOptions {
  /**
   * The records are a delivery main just sealed (`vault.record`): each replaces what is stored under its id whatever
   * counter the stored row claims (a deleted session still stays deleted). Main is the only writer of versions and
   * seals them in increasing order, one delivery of a session at a time; a stored row claiming a higher counter can
   * only be an edit or damage, and keeping it would refuse — and silently acknowledge — every later version main
   * seals, so the session could never repair itself.
   */
  readonly fromMain?: boolean;
}

/** The history store. Writes answer results (never throw); reads throw {@link HistoryReadError}. */
export interface RecordStore {
  /**
   * Stores main's sealed records in ONE read-write transaction with strict durability: all of them or none.
   * Keeps, per id, the newer version by `isNewerVersion` (the higher `rv`; a v2 re-seal replaces a v1 row; two v1
   * versions by `updatedAt`): an older version is skipped whatever its `updatedAt`, so a late or replayed copy never
   * undoes a re-seal. A deleted session stays deleted (its records are skipped: its key is gone).
   * Malformed records fail the whole batch (`STORAGE_FAILED`) before anything is written.
   */
  putRecords(records: readonly SealedRecord[], options?: PutRecordsOptions): Promise<PutRecordsResult>;
  /** A clinician's sessions, newest `updatedAt` first, tombstones excluded. */
  sessionsPage(ownerId: string, options: SessionsPageOptions): Promise<SessionsPage>;
  /** A session's turns ordered by `seq`, then `createdAt` (regenerated siblings after the answer they redo). */
  turnsOf(sessionId: string): Promise<TurnRow[]>;
  /**
   * Deletes sessions after main crypto-shredded their keys (retention, or a delete): their turns and quarantined
   * records go, and each session row becomes a tombstone without payload. Runs in batches, one transaction each;
   * safe to repeat after a failure (already-deleted sessions are left as they are).
   */
  deleteSessions(sessionIds: readonly string[], options?: { batchSize?: number }): Promise<DeleteSessionsResult>;
  /**
   * Moves a record main could not open out of the history into `quarantine` (with a reason that holds no patient
   * data). A newer version of the record already stored (by `isNewerVersion`) is left in place.
   */
  quarantine(record: SealedRecord, reason: string): Promise<QuarantineResult>;
  /** How many turns are stored (every session, every owner). */
  countTurns(): Promise<number>;
  /**
   * How many of a clinician's records (sessions and turns) are still in format v1, read from the `v` index: main
   * re-seals them as v2 when their session is continued.
   */
  countOlderFormat(ownerId: string): Promise<number>;
}

/** Dependencies of the store; the clock is injected so tests are exact. */
export interface RecordStoreOptions {
  now?: () => Date;
}

/** True when `time` is exactly what `Date.prototype.toISOString()` produces (fixed width, so it sorts as text). */
function isCanonicalTime(time: string): boolean {
  const ms = Date.parse(time);
  return Number.isFinite(ms) && new Date(ms).toISOString() === time;
}

/** Later of two canonical ISO times. */
function later(a: string, b: string): string {
  return a >= b ? a : b;
}

type Validation = { ok: true; records: SealedRecord[] } | StorageFailure;

/**
 * Checks every record before the transaction opens. Times must be canonical ISO strings (the `[ownerId+updatedAt]`
 * index orders them as text) and a session record's id must be its session id (the `sessions` key). Records are
 * stored as given, never rewritten: main's seal binds some of these fields. Messages name fields, never values.
 */
function validate(records: readonly SealedRecord[]): Validation {
  const valid: SealedRecord[] = [];
  for (const [position, record] of records.entries()) {
    const parsed = SealedRecord.safeParse(record);
    let problem: string | undefined;
    if (!parsed.success) {
      const fields = [...new Set(parsed.error.issues.map((issue) => issue.path.join('.') || 'record'))];
      problem = `invalid ${fields.slice(0, 3).join(', ')}${fields.length > 3 ? ', …' : ''}`;
    } else if (parsed.data.sessionId !== record.sessionId) {
      problem = 'sessionId is not lower case';
    } else if (!isCanonicalTime(record.createdAt) || !isCanonicalTime(record.updatedAt)) {
      problem = 'a time is not in canonical ISO form';
    } else if (record.kind === 'session' && record.id !== record.sessionId) {
      problem = "a session record's id is not its session id";
    }
    if (problem !== undefined) {
      return storageFailure(
        'STORAGE_FAILED',
        `Conversation history could not be saved: record ${position + 1} of ${records.length} from the app is malformed ` +
          `(${problem}). Nothing was saved. Please report this to IT.`,
      );
    }
    // A plain copy: exactly the schema's fields, as delivered.
    valid.push({ ...record });
  }
  return { ok: true, records: valid };
}

/** Keeps, per id, the newer version by `isNewerVersion` (the later one in the batch on a full tie). */
function newestPerId<R extends SealedRecord>(records: readonly R[]): Map<string, R> {
  const byId = new Map<string, R>();
  for (const record of records) {
    const seen = byId.get(record.id);
    if (seen === undefined || isNewerVersion(seen, record)) byId.set(record.id, record);
  }
  return byId;
}

/** Cursor text: `<updatedAt>~<id>`; a bare time means "strictly before this time". */
const CURSOR_SEPARATOR = '~';

function encodeCursor(row: SessionRecordRow): string {
  return `${row.updatedAt}${CURSOR_SEPARATOR}${row.id}`;
}

function decodeCursor(before: string): { updatedAt: string; id?: string } {
  const at = before.indexOf(CURSOR_SEPARATOR);
  const cursor = at < 0 ? { updatedAt: before } : { updatedAt: before.slice(0, at), id: before.slice(at + 1) };
  if (!isCanonicalTime(cursor.updatedAt)) throw new RangeError('sessionsPage: `before` is not a page cursor or an ISO time');
  return cursor;
}

function compareTurns(a: TurnRow, b: TurnRow): number {
  return a.seq - b.seq || (a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : 0) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

async function read<T>(operation: () => Promise<T>): Promise<T> {
  try {
    return await operation();
  } catch (error) {
    throw new HistoryReadError(error);
  }
}

/** Builds the store over an open (or lazily opening) history database. */
export function createRecordStore(db: ClinicHistoryDb, options: RecordStoreOptions = {}): RecordStore {
  const now = options.now ?? (() => new Date());
  const turnsOfSession = (sessionId: string) =>
    db.turns.where('[sessionId+seq]').between([sessionId, Dexie.minKey], [sessionId, Dexie.maxKey], true, true);

  async function putRecords(records: readonly SealedRecord[], { fromMain = false }: PutRecordsOptions = {}): Promise<PutRecordsResult> {
    const checked = validate(records);
    if (!checked.ok) return checked;
    if (checked.records.length === 0) return { ok: true, written: 0, skipped: 0 };

    const sessions = newestPerId(checked.records.filter((r): r is SessionRecordRow => r.kind === 'session'));
    const turns = newestPerId(checked.records.filter((r): r is TurnRow => r.kind === 'turn'));
    const sessionIds = [...new Set([...sessions.keys(), ...[...turns.values()].map((turn) => turn.sessionId)])];
    const turnIds = [...turns.keys()];

    try {
      return await db.transaction('rw', db.sessions, db.turns, async () => {
        const storedSessions = new Map<string, SessionRow>();
        for (const row of await db.sessions.bulkGet(sessionIds)) if (row) storedSessions.set(row.id, row);
        const storedTurns = new Map<string, TurnRow>();
        for (const row of await db.turns.bulkGet(turnIds)) if (row) storedTurns.set(row.id, row);

        const deleted = (sessionId: string) => {
          const row = storedSessions.get(sessionId);
          return row !== undefined && isTombstone(row);
        };
        // A tombstone never reaches this test: `deleted` filters its session's records first.
        const newerStored = (stored: SessionRow | TurnRow | undefined, incoming: SealedRecord) =>
          !fromMain && stored !== undefined && !isNewerVersion(stored as SealedRecord, incoming);

        const sessionRows = [...sessions.values()].filter((r) => !deleted(r.id) && !newerStored(storedSessions.get(r.id), r));
        const turnRows = [...turns.values()].filter((r) => !deleted(r.sessionId) && !newerStored(storedTurns.get(r.id), r));
        if (sessionRows.length > 0) await db.sessions.bulkPut(sessionRows);
        if (turnRows.length > 0) await db.turns.bulkPut(turnRows);
        const written = sessionRows.length + turnRows.length;
        return { ok: true as const, written, skipped: checked.records.length - written };
      });
    } catch (error) {
      return writeFailure(error);
    }
  }

  async function sessionsPage(ownerId: string, { before, limit, since, until }: SessionsPageOptions): Promise<SessionsPage> {
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE_SIZE) {
      throw new RangeError(`sessionsPage: limit must be an integer from 1 to ${MAX_PAGE_SIZE}`);
    }
    for (const bound of [since, until]) {
      if (bound !== undefined && !isCanonicalTime(bound)) throw new RangeError('sessionsPage: `since` and `until` must be ISO times');
    }
    const decoded = before === undefined ? undefined : decodeCursor(before);
    // The tighter upper bound wins; `until` is a bare time ("strictly before"), like a cursor without an id.
    const cursor = until !== undefined && (decoded === undefined || until <= decoded.updatedAt) ? { updatedAt: until } : decoded;
    const rows = await read(() =>
      db.sessions
        .where('[ownerId+updatedAt]')
        // Index order is (updatedAt, id); reversed, ties come newest id first, so a cursor's tie-break skips ids >= its id.
        .between([ownerId, since ?? Dexie.minKey], [ownerId, cursor?.updatedAt ?? Dexie.maxKey], true, cursor?.id !== undefined)
        .reverse()
        .filter((row) => !isTombstone(row) && !(cursor?.id !== undefined && row.updatedAt === cursor.updatedAt && row.id >= cursor.id))
        .limit(limit)
        .toArray(),
    );
    const sessions = rows as SessionRecordRow[];
    const last = sessions.at(-1);
    return { sessions, nextBefore: sessions.length === limit && last ? encodeCursor(last) : null };
  }

  async function turnsOf(sessionId: string): Promise<TurnRow[]> {
    const rows = await read(() => turnsOfSession(sessionId).toArray());
    return rows.sort(compareTurns);
  }

  async function deleteSessions(
    sessionIds: readonly string[],
    { batchSize = DEFAULT_DELETE_BATCH_SIZE }: { batchSize?: number } = {},
  ): Promise<DeleteSessionsResult> {
    if (!Number.isInteger(batchSize) || batchSize < 1) throw new RangeError('deleteSessions: batchSize must be a positive integer');
    const ids = [...new Set(sessionIds)];
    const deletedAt = now().toISOString();
    let sessions = 0;
    let turns = 0;
    for (let start = 0; start < ids.length; start += batchSize) {
      const batch = ids.slice(start, start + batchSize);
      try {
        const counts = await db.transaction('rw', db.sessions, db.turns, db.quarantine, async () => {
          const stored = await db.sessions.bulkGet(batch);
          const tombstones: SessionTombstone[] = [];
          let deletedTurns = 0;
          for (const [index, sessionId] of batch.entries()) {
            const row = stored[index];
            if (row && isTombstone(row)) {
              // Already deleted; only leftovers (none, normally) are removed.
              deletedTurns += await turnsOfSession(sessionId).delete();
              continue;
            }
            // Without a session row, the owner comes from any of its turns or quarantined records.
            const ownerId =
              row?.ownerId ??
              (await turnsOfSession(sessionId).first())?.ownerId ??
              (await db.quarantine.where('sessionId').equals(sessionId).first())?.ownerId;
            deletedTurns += await turnsOfSession(sessionId).delete();
            if (ownerId !== undefined) {
              tombstones.push({ id: sessionId, ownerId, updatedAt: row ? later(deletedAt, row.updatedAt) : deletedAt, deleted: true });
            }
          }
          await db.quarantine.where('sessionId').anyOf(batch).delete();
          // put replaces the whole row: iv/ct and every other field of the record are gone.
          if (tombstones.length > 0) await db.sessions.bulkPut(tombstones);
          return { sessions: tombstones.length, turns: deletedTurns };
        });
        sessions += counts.sessions;
        turns += counts.turns;
      } catch (error) {
        // Earlier batches stay deleted; a retry repeats only what is left.
        return writeFailure(error);
      }
    }
    return { ok: true, sessions, turns };
  }

  async function quarantine(record: SealedRecord, reason: string): Promise<QuarantineResult> {
    const { id, sessionId, ownerId, kind } = record as Partial<SealedRecord>;
    if (typeof id !== 'string' || typeof sessionId !== 'string' || typeof ownerId !== 'string' || (kind !== 'session' && kind !== 'turn')) {
      return storageFailure('STORAGE_FAILED', 'A damaged history record could not be set aside: it has no usable id. Please report this to IT.');
    }
    const row: QuarantineRow = {
      id,
      kind,
      sessionId,
      ownerId,
      reason: reason.trim().slice(0, MAX_REASON_LENGTH) || 'unspecified',
      quarantinedAt: now().toISOString(),
      record: { ...record },
    };
    try {
      await db.transaction('rw', db.sessions, db.turns, db.quarantine, async () => {
        const table = kind === 'session' ? db.sessions : db.turns;
        const stored = await table.get(id);
        const sameOrOlder =
          stored !== undefined && !(kind === 'session' && isTombstone(stored as SessionRow)) && isNewerVersion(stored as SealedRecord, record);
        if (sameOrOlder) await table.delete(id);
        await db.quarantine.put(row);
      });
      return { ok: true };
    } catch (error) {
      return writeFailure(error);
    }
  }

  function countTurns(): Promise<number> {
    return read(() => db.turns.count());
  }

  async function countOlderFormat(ownerId: string): Promise<number> {
    // The `v` index holds only the v1 rows to look at; the owner is checked on those alone.
    const mine = (row: { ownerId: string }) => row.ownerId === ownerId;
    const [sessions, turns] = await Promise.all([
      read(() => db.sessions.where('v').equals(1).filter(mine).count()),
      read(() => db.turns.where('v').equals(1).filter(mine).count()),
    ]);
    return sessions + turns;
  }

  return { putRecords, sessionsPage, turnsOf, deleteSessions, quarantine, countTurns, countOlderFormat };
}
