/**
 * A push: up to MAX_PUSH_ITEMS sealed items committed in one transaction, each with a new change number.
 * The server only compares versions and hashes; it never opens a blob.
 */
import { createHash } from 'node:crypto';
import type { Pool, PoolClient } from 'pg';
import type { z } from 'zod';
import type { PushInput, PushOutput } from '../../shared/sync/changes';
import { audit, type AuditAction } from '../audit';
import { inTransaction } from '../db/transaction';
import type { Caller } from '../identity/tokens';
import { SyncError } from '../syncError';
import { CHANGE_CHANNEL, lockCallerProfile } from './changeNumbers';
import { fencedSessions } from './leaseCheck';

type Result = PushOutput['results'][number];
type ParsedPush = z.output<typeof PushInput>;

/** The blob's bytes; refuses base64 that does not round-trip, so every puller gets exactly the pushed text. */
function blobBytes(blob: string): Buffer {
  const bytes = Buffer.from(blob, 'base64');
  if (bytes.toString('base64') !== blob) throw new SyncError('INVALID_INPUT', 'Invalid items: a blob is not canonical base64.');
  return bytes;
}

/** What the database already knows of a push's sessions and items, as its transaction sees it. */
interface KnownState {
  readonly tombstoned: Set<string>;
  readonly existing: { kind: string; id: string; session_id: string; version: number; blob_sha256: Buffer }[];
  /** `kind:id` of the items of tombstoned sessions: never stored again, whatever session id a push gives them. */
  readonly retired: Set<string>;
}

/**
 * The push's three reads (tombstoned sessions, the stored items, the retired ids) in ONE statement: each round
 * trip inside the push's transaction is time the profile's counter lock and a pooled connection are held, and
 * under load the round trips, not the work, were most of a push. Plain reads, no locks: the counter lock taken
 * before them is what orders this push against every other write of the profile.
 */
async function knownState(db: PoolClient, profileId: string, sessionIds: readonly string[], items: ParsedPush['items']): Promise<KnownState> {
  const { rows } = await db.query<{ src: 'tombstone' | 'item' | 'retired'; kind: string; id: string; session_id: string; version: number; blob_sha256: Buffer }>(
    `SELECT 'tombstone' AS src, NULL::text AS kind, NULL::uuid AS id, session_id, NULL::integer AS version, NULL::bytea AS blob_sha256
       FROM tombstones WHERE profile_id = $1 AND session_id = ANY($2::uuid[])
     UNION ALL
     SELECT 'item', kind, id, session_id, version, blob_sha256
       FROM items WHERE profile_id = $1 AND (kind, id) IN (SELECT * FROM unnest($3::text[], $4::uuid[]))
     UNION ALL
     SELECT 'retired', kind, id, NULL, NULL, NULL
       FROM retired_items WHERE profile_id = $1 AND (kind, id) IN (SELECT * FROM unnest($3::text[], $4::uuid[]))`,
    [profileId, sessionIds, items.map((item) => item.kind), items.map((item) => item.id)],
  );
  return {
    tombstoned: new Set(rows.filter((row) => row.src === 'tombstone').map((row) => row.session_id)),
    existing: rows.filter((row) => row.src === 'item'),
    retired: new Set(rows.filter((row) => row.src === 'retired').map((row) => `${row.kind}:${row.id}`)),
  };
}

/** The column types of one row of {@link storeAccepted}'s VALUES, in its order. */
const ROW_TYPES = ['text', 'uuid', 'uuid', 'integer', 'date', 'bytea', 'bytea', 'bigint'] as const;

/** One item row to write, and its place among the push's accepted items (its change number's offset). */
interface AcceptedRow {
  readonly item: ParsedPush['items'][number];
  readonly blob: Buffer;
  readonly hash: Buffer;
  readonly offset: number;
}

/**
 * Takes `count` change numbers from the profile's counter (locked by {@link lockCallerProfile} at the start of the
 * transaction, as changeNumbers.ts's `takeChangeNumbers` does), NOTIFYs them (delivered at commit), writes the rows with their
 * numbers (first + offset) and the audit row — in ONE statement instead of four round trips. Data-modifying parts
 * of a WITH always run to completion; the notify part runs because the final SELECT reads it. Answers the first
 * change number.
 */
async function storeAccepted(db: PoolClient, caller: Caller, now: Date, count: number, rows: readonly AcceptedRow[]): Promise<number> {
  const action: AuditAction = 'push';
  const values: unknown[] = [caller.profileId, count, CHANGE_CHANNEL, now, action, caller.workstationId];
  // One parameter per value (a multi-row VALUES), not arrays: node-postgres sends a Buffer parameter as raw binary,
  // but a bytea[] array as hex text that PostgreSQL then parses back — twice the bytes and a parse per blob.
  const tuples = rows.map((row) => {
    const at = values.length;
    values.push(row.item.kind, row.item.id, row.item.sessionId, row.item.version, row.item.day, row.blob, row.hash, row.offset);
    return `(${ROW_TYPES.map((type, column) => `$${at + column + 1}::${type}`).join(', ')})`;
  });
  const { rows: answer } = await db.query<{ last_change: string; notified: string; stored: string }>(
    `WITH counter AS (
       UPDATE counters SET last_change = last_change + $2 WHERE profile_id = $1 RETURNING profile_id, last_change
     ), notified AS (
       SELECT pg_notify($3, profile_id::text || ' ' || last_change::text) FROM counter
     ), stored AS (
       INSERT INTO items (profile_id, kind, id, session_id, version, day, blob, blob_sha256, change_no)
         SELECT $1, u.kind, u.id, u.session_id, u.version, u.day, u.blob, u.sha, counter.last_change - $2 + u.change_offset + 1
           FROM (VALUES ${tuples.join(', ')}) AS u(kind, id, session_id, version, day, blob, sha, change_offset), counter
       ON CONFLICT (profile_id, kind, id) DO UPDATE SET session_id = excluded.session_id, version = excluded.version,
         day = excluded.day, blob = excluded.blob, blob_sha256 = excluded.blob_sha256, change_no = excluded.change_no
       RETURNING 1
     ), audited AS (
       INSERT INTO audit (at, action, profile_id, workstation_id, count) VALUES ($4, $5, $1, $6, $2) RETURNING 1
     )
     SELECT last_change, (SELECT count(*) FROM notified) AS notified, (SELECT count(*) FROM stored) AS stored,
            (SELECT count(*) FROM audited) AS audited
       FROM counter`,
    values,
  );
  const row = answer[0];
  if (row === undefined) throw new Error('The profile has no change counter.');
  if (Number(row.stored) !== rows.length || Number(row.notified) !== 1) throw new Error('A push wrote fewer rows than it accepted.');
  return Number(row.last_change) - count + 1;
}

/**
 * Applies one push for `caller`. Per item: refused as `deleted` if its session has a tombstone or its id belonged
 * to a tombstoned session, `stale` if the id is stored under another session (items never move), `fenced` if the
 * session's lease forbids it, `duplicate` if that version with the same bytes is stored, `stale` if the server
 * holds that version with other bytes or a higher one, else `stored` with its change number.
 */
export async function applyPush(pool: Pool, caller: Caller, input: ParsedPush, now: Date): Promise<PushOutput> {
  // A key entry carries its session's last-turn day (retention counts on it); a record never does. Pulled changes
  // must match the Change schema, so a push that breaks this is refused whole.
  if (input.items.some((item) => (item.kind === 'key') !== (item.day !== null) || (item.kind === 'key' && item.id !== item.sessionId))) {
    throw new SyncError('INVALID_INPUT', 'Invalid items: a key entry has its session id and a day, a record has no day.');
  }
  const bytes = input.items.map((item) => blobBytes(item.blob));
  const hashes = bytes.map((blob) => createHash('sha256').update(blob).digest());
  const sessionIds = [...new Set(input.items.map((item) => item.sessionId))];
  const proofs = new Map(input.fencing.map((proof) => [proof.sessionId, proof.fencing]));

  return inTransaction(pool, async (db) => {
    await lockCallerProfile(db, caller, now);
    const fenced = await fencedSessions(db, caller.profileId, caller.workstationId, sessionIds, proofs, now);
    const { tombstoned, existing, retired } = await knownState(db, caller.profileId, sessionIds, input.items);
    // The stored state as this push sees it, updated item by item so a repeated id inside one push is judged too.
    const stored = new Map(existing.map((row) => [`${row.kind}:${row.id}`, { sessionId: row.session_id, version: row.version, hash: row.blob_sha256 }]));

    const results: Result[] = [];
    const accepted: number[] = [];
    input.items.forEach((item, index) => {
      const base = { kind: item.kind, id: item.id, changeNo: null, serverVersion: null, holderLabel: null };
      const key = `${item.kind}:${item.id}`;
      const current = stored.get(key);
      const hash = hashes[index] as Buffer;
      if (tombstoned.has(item.sessionId) || retired.has(key)) {
        results.push({ ...base, status: 'deleted' });
      } else if (current !== undefined && current.sessionId !== item.sessionId) {
        // An item never changes session: moving it would take it out of its session's lease and tombstone.
        results.push({ ...base, status: 'stale', serverVersion: current.version });
      } else if (fenced.has(item.sessionId)) {
        results.push({ ...base, status: 'fenced', holderLabel: fenced.get(item.sessionId)?.holderLabel ?? null });
      } else if (current !== undefined && current.version === item.version && current.hash.equals(hash)) {
        results.push({ ...base, status: 'duplicate', serverVersion: current.version });
      } else if (current !== undefined && current.version >= item.version) {
        results.push({ ...base, status: 'stale', serverVersion: current.version });
      } else {
        stored.set(key, { sessionId: item.sessionId, version: item.version, hash });
        accepted.push(index);
        results.push({ ...base, status: 'stored' });
      }
    });

    if (accepted.length > 0) {
      // One row per item: when a push carries an id twice, its last accepted version is the one kept — and only kept
      // rows take change numbers (a superseded copy taking one would leave a gap in the profile's numbers). Both copies
      // answer the kept row's number.
      const keyOf = (index: number): string => `${input.items[index]?.kind}:${input.items[index]?.id}`;
      const kept = [...new Map(accepted.map((index) => [keyOf(index), index])).values()].sort((a, b) => a - b);
      const offsetOf = new Map(kept.map((index, offset) => [keyOf(index), offset]));
      const first = await storeAccepted(
        db,
        caller,
        now,
        kept.length,
        kept.map((index, offset) => ({ item: input.items[index] as ParsedPush['items'][number], blob: bytes[index] as Buffer, hash: hashes[index] as Buffer, offset })),
      );
      for (const index of accepted) (results[index] as Result).changeNo = first + (offsetOf.get(keyOf(index)) as number);
    } else {
      await audit(db, now, 'push', { profileId: caller.profileId, workstationId: caller.workstationId, count: 0 });
    }
    return { results };
  });
}
