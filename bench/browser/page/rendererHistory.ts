/// <reference lib="dom" />
/**
 * The app's history store under test — `createRecordStore(new ClinicHistoryDb())` from src/renderer/src/db, the
 * same code the app runs — typed with the part of its surface the benchmark uses. The types mirror
 * src/renderer/src/db/database.ts and recordStore.ts (which this project cannot import: see virtualModules.d.ts);
 * the rows themselves are the contract's `SealedRecord`.
 */
import { openRendererHistory } from 'virtual:cpa-renderer-history';
import type { SealedRecord } from '../../../src/shared/vault';

/** A session's record as stored (`SessionRecordRow`). */
export type SessionRecordRow = SealedRecord & { kind: 'session' };
/** A turn's record as stored (`TurnRow`). */
export type TurnRow = SealedRecord & { kind: 'turn' };
/** What is left of a deleted session (`SessionTombstone`). */
export interface SessionTombstone {
  id: string;
  ownerId: string;
  updatedAt: string;
  deleted: true;
}
export type SessionRow = SessionRecordRow | SessionTombstone;

type StoreFailure = { ok: false; code: string; message: string };

/** The part of `RecordStore` the benchmark calls. */
export interface HistoryStore {
  putRecords(records: readonly SealedRecord[]): Promise<{ ok: true; written: number; skipped: number } | StoreFailure>;
  sessionsPage(ownerId: string, options: { limit: number; before?: string }): Promise<{ sessions: SessionRecordRow[]; nextBefore: string | null }>;
  turnsOf(sessionId: string): Promise<TurnRow[]>;
  deleteSessions(sessionIds: readonly string[], options?: { batchSize?: number }): Promise<{ ok: true; sessions: number; turns: number } | StoreFailure>;
}

/** The part of `ClinicHistoryDb` (a Dexie database) the benchmark reads directly. */
export interface HistoryDb {
  open(): Promise<unknown>;
  readonly sessions: { get(id: string): Promise<SessionRow | undefined>; count(): Promise<number> };
  readonly turns: { count(): Promise<number> };
}

export interface RendererHistory {
  readonly db: HistoryDb;
  readonly store: HistoryStore;
}

/** True when a `sessions` row is a tombstone (as `isTombstone` in database.ts). */
export function isTombstone(row: SessionRow): row is SessionTombstone {
  return (row as Partial<SessionTombstone>).deleted === true;
}

/** Opens (lazily, as Dexie does) the app's database and store. */
export function openHistory(): RendererHistory {
  return openRendererHistory() as RendererHistory;
}
