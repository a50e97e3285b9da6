/**
 * The page's durable history: ONE IndexedDB database (`ClinicHistory`) through Dexie, holding only what main sealed.
 *
 * What is plaintext here: ids, owner ids, times, counts (`seq`), kind, status and the format version (`v`, `rv`).
 * Everything a clinician typed or the model answered lives only in `iv`/`ct`, sealed by main; the page never holds a
 * key. No index is built on anything derived from patient data (database.test.ts asserts the exact index list).
 *
 * Versions — the rule:
 * - Every released version stays in {@link SCHEMA_VERSIONS}, unchanged, forever. Never edit a released entry (not
 *   even to add an index): a workstation that already opened it would never see the change.
 * - A change is a new entry `{ version: n + 1, stores: { …only the tables that change… }, upgrade }`. Dexie applies
 *   the versions in order on open. Index additions and removals need no `upgrade`; any change to the rows' data
 *   does, and it must only use the transaction it is given (`tx.table(…)`), never `await` anything but Dexie there
 *   (no IPC, no WebCrypto: the transaction would close) — the page cannot open ciphertext anyway, so an upgrade can
 *   only move, rename or drop plaintext fields and must carry `iv`/`ct` over byte for byte.
 * - Before releasing version n + 1, add `testing/historyV{n}.fixture.ts` (rows written at version n) to
 *   `testing/fixtures.ts`; migrations.test.ts upgrades every fixture to the current version and checks nothing is
 *   lost (check 24), and refuses a released version without a fixture.
 */
import Dexie, { type EntityTable, type Transaction } from 'dexie';
import type { SealedRecord } from '../../../shared/vault';

/** The name of the database in the page's origin. Tests pass their own name per test. */
export const HISTORY_DB_NAME = 'ClinicHistory';

/** A session's sealed record as stored: kind `session`, and its `id` is the session id. */
export type SessionRecordRow = SealedRecord & { kind: 'session' };

/**
 * What is left of a deleted session (retention, or the clinician deleting it after main crypto-shredded its key):
 * enough to tell a workstation — later, a sync server — that it is gone, and NO payload (`iv`/`ct` removed).
 */
export interface SessionTombstone {
  id: string;
  ownerId: string;
  /** When it was deleted; never older than the record it replaced. */
  updatedAt: string;
  deleted: true;
}

/** A row of `sessions`: a live session record or a tombstone. */
export type SessionRow = SessionRecordRow | SessionTombstone;

/** A turn's sealed record as stored. Regenerated answers are siblings: same `seq`, `parentTurnId` set, own `id`. */
export type TurnRow = SealedRecord & { kind: 'turn' };

/** A record main could not open (tampered, swapped, garbage): kept for IT, never shown as history. */
export interface QuarantineRow {
  /** The record's id. */
  id: string;
  kind: SealedRecord['kind'];
  sessionId: string;
  ownerId: string;
  /** Why it was quarantined: a short code or sentence, never patient data. */
  reason: string;
  quarantinedAt: string;
  /** The record exactly as it was stored. */
  record: SealedRecord;
}

/** True when a `sessions` row is a tombstone. */
export function isTombstone(row: SessionRow): row is SessionTombstone {
  return (row as Partial<SessionTombstone>).deleted === true;
}

/** One released schema version. `stores` lists only the tables it adds or changes (`null` drops a table). */
export interface SchemaVersion {
  readonly version: number;
  readonly stores: Readonly<Record<string, string | null>>;
  /** Data changes from the previous version; Dexie runs it inside the version-change transaction. */
  readonly upgrade?: (tx: Transaction) => PromiseLike<unknown> | void;
}

/**
 * Every released version, oldest first. NEVER edit a released entry; append `version: n + 1` (see the file comment).
 *
 * Version 1:
 * - `sessions`: key `id` (the session id); `ownerId`; `[ownerId+updatedAt]` for a clinician's newest-first list;
 *   `updatedAt` (retention and, later, sync by time).
 * - `turns`: key `id` (the turn's record id — not `[sessionId+seq]`, since regenerated answers share a seq);
 *   `[sessionId+seq]` for a session's turns in order; `parentTurnId` for a turn's regenerated siblings.
 * - `quarantine`: key `id` (the record's id); `sessionId`, so deleting a session removes its quarantined records too.
 *
 * Version 2:
 * - `sessions` and `turns` gain an index on `v`, the record's format version (plaintext, never patient data), so the
 *   page can count the records still in format v1 (main re-seals them as v2 when their session is continued).
 *   Tombstones have no `v` and stay out of that index. Rows are untouched: no `upgrade`.
 */
export const SCHEMA_VERSIONS: readonly SchemaVersion[] = [
  {
    version: 1,
    stores: {
      sessions: 'id, ownerId, [ownerId+updatedAt], updatedAt',
      turns: 'id, [sessionId+seq], parentTurnId',
      quarantine: 'id, sessionId',
    },
  },
  {
    version: 2,
    stores: {
      sessions: 'id, ownerId, [ownerId+updatedAt], updatedAt, v',
      turns: 'id, [sessionId+seq], parentTurnId, v',
    },
  },
];

/** The version this build opens. */
export const CURRENT_SCHEMA_VERSION: number = SCHEMA_VERSIONS.at(-1)!.version;

/**
 * Options every connection uses. `chromeTransactionDurability: 'strict'` is how Dexie 4 asks for strict durability:
 * a database-wide option passed to every `IDBDatabase.transaction(…, { durability })` (Dexie 4 has no per-transaction
 * durability argument). Chromium then reports a read-write transaction complete only once it is flushed to disk, so
 * an acknowledged record survives a crash or power loss (check 22). Read-only transactions ignore it.
 */
export const HISTORY_DB_OPTIONS = { chromeTransactionDurability: 'strict' } as const;

/** Declares the released versions up to `upTo` on `db` (all of them by default). */
export function declareSchema(db: Dexie, upTo: number = CURRENT_SCHEMA_VERSION): void {
  for (const { version, stores, upgrade } of SCHEMA_VERSIONS) {
    if (version > upTo) break;
    const declared = db.version(version).stores({ ...stores });
    if (upgrade) declared.upgrade(upgrade);
  }
}

/** The history database at the current schema version. Opens lazily on first use. */
export class ClinicHistoryDb extends Dexie {
  declare sessions: EntityTable<SessionRow, 'id'>;
  declare turns: EntityTable<TurnRow, 'id'>;
  declare quarantine: EntityTable<QuarantineRow, 'id'>;

  constructor(name: string = HISTORY_DB_NAME) {
    super(name, HISTORY_DB_OPTIONS);
    declareSchema(this);
  }
}

/** Opens (lazily) the history database; the page creates exactly one, at start-up. */
export function openHistoryDb(name: string = HISTORY_DB_NAME): ClinicHistoryDb {
  return new ClinicHistoryDb(name);
}
