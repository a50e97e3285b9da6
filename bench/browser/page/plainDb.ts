/// <reference lib="dom" />
/**
 * The limit the store is measured against: plain Dexie on the same rows, in its own database in the same page, with
 * the same tables and indexes and the same durability (`strict`, as the app asks) — but no validation, no
 * check-before-write, no sync queue, no acknowledgement and no round trip to main.
 */
import Dexie, { type EntityTable } from 'dexie';
import type { SealedRecord } from '../../../src/shared/vault';
import { PLAIN_DB_NAME } from '../pageApi';
import type { SessionRow, TurnRow } from './rendererHistory';

export class PlainDb extends Dexie {
  declare sessions: EntityTable<SessionRow, 'id'>;
  declare turns: EntityTable<TurnRow, 'id'>;

  constructor() {
    super(PLAIN_DB_NAME, { chromeTransactionDurability: 'strict' });
    // The same keys and indexes as ClinicHistory version 1 (no quarantine: plain Dexie has nothing to set aside).
    this.version(1).stores({ sessions: 'id, ownerId, [ownerId+updatedAt], updatedAt', turns: 'id, [sessionId+seq], parentTurnId' });
  }
}

/** One delivery, one transaction: what the app's sync does per delivery, minus everything but the write. */
export async function plainPutDelivery(db: PlainDb, records: readonly SealedRecord[]): Promise<void> {
  await db.transaction('rw', db.sessions, db.turns, async () => {
    for (const record of records) {
      if (record.kind === 'session') await db.sessions.put(record as SessionRow);
      else await db.turns.put(record as TurnRow);
    }
  });
}

/** A session's turns, in `[sessionId+seq]` order. */
export function plainTurnsOf(db: PlainDb, sessionId: string): Promise<TurnRow[]> {
  return db.turns.where('[sessionId+seq]').between([sessionId, Dexie.minKey], [sessionId, Dexie.maxKey], true, true).toArray();
}

/** An owner's newest sessions. */
export function plainNewestSessions(db: PlainDb, ownerId: string, limit: number): Promise<SessionRow[]> {
  return db.sessions.where('[ownerId+updatedAt]').between([ownerId, Dexie.minKey], [ownerId, Dexie.maxKey], true, true).reverse().limit(limit).toArray();
}

/** An owner's sessions, newest first, `limit` at a time: those updated strictly before `before` (all when undefined). */
export function plainSessionsPage(db: PlainDb, ownerId: string, limit: number, before?: string): Promise<SessionRow[]> {
  const upper = before === undefined ? [ownerId, Dexie.maxKey] : [ownerId, before];
  return db.sessions.where('[ownerId+updatedAt]').between([ownerId, Dexie.minKey], upper, true, before === undefined).reverse().limit(limit).toArray();
}

/** Deletes sessions and their turns, `batchSize` sessions per transaction. Returns the turns deleted. */
export async function plainDeleteSessions(db: PlainDb, ids: readonly string[], batchSize: number): Promise<number> {
  let turns = 0;
  for (let start = 0; start < ids.length; start += batchSize) {
    const batch = ids.slice(start, start + batchSize);
    turns += await db.transaction('rw', db.sessions, db.turns, async () => {
      const counts = await Promise.all(
        batch.map((id) => db.turns.where('[sessionId+seq]').between([id, Dexie.minKey], [id, Dexie.maxKey], true, true).delete()),
      );
      await db.sessions.bulkDelete(batch);
      return counts.reduce((sum, count) => sum + count, 0);
    });
  }
  return turns;
}
