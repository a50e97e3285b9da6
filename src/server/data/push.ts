/**
 * A push: up to MAX_PUSH_ITEMS sealed items committed in one transaction, each with a new change number.
 * The server only compares versions and hashes; it never opens a blob.
 */
import { createHash } from 'node:crypto';
import type { Pool } from 'pg';
import type { z } from 'zod';
import type { PushInput, PushOutput } from '../../shared/sync/changes';
import { audit } from '../audit';
import { inTransaction } from '../db/transaction';
import type { Caller } from '../identity/tokens';
import { SyncError } from '../syncError';
import { lockCallerProfile, takeChangeNumbers } from './changeNumbers';
import { fencedSessions } from './leaseCheck';

type Result = PushOutput['results'][number];
type ParsedPush = z.output<typeof PushInput>;

/** The blob's bytes; refuses base64 that does not round-trip, so every puller gets exactly the pushed text. */
function blobBytes(blob: string): Buffer {
  const bytes = Buffer.from(blob, 'base64');
  if (bytes.toString('base64') !== blob) throw new SyncError('INVALID_INPUT', 'Invalid items: a blob is not canonical base64.');
  return bytes;
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
    const tombstoned = new Set(
      (
        await db.query<{ session_id: string }>('SELECT session_id FROM tombstones WHERE profile_id = $1 AND session_id = ANY($2::uuid[])', [
          caller.profileId,
          sessionIds,
        ])
      ).rows.map((row) => row.session_id),
    );
    const fenced = await fencedSessions(db, caller.profileId, caller.workstationId, sessionIds, proofs, now);
    const kinds = input.items.map((item) => item.kind);
    const ids = input.items.map((item) => item.id);
    const { rows: existing } = await db.query<{ kind: string; id: string; session_id: string; version: number; blob_sha256: Buffer }>(
      `SELECT kind, id, session_id, version, blob_sha256 FROM items
         WHERE profile_id = $1 AND (kind, id) IN (SELECT * FROM unnest($2::text[], $3::uuid[]))`,
      [caller.profileId, kinds, ids],
    );
    // Ids of tombstoned sessions: never stored again, whatever session id a push gives them.
    const retired = new Set(
      (
        await db.query<{ kind: string; id: string }>(
          `SELECT kind, id FROM retired_items WHERE profile_id = $1 AND (kind, id) IN (SELECT * FROM unnest($2::text[], $3::uuid[]))`,
          [caller.profileId, kinds, ids],
        )
      ).rows.map((row) => `${row.kind}:${row.id}`),
    );
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
      const first = await takeChangeNumbers(db, caller.profileId, accepted.length);
      const changeNos = accepted.map((_, offset) => first + offset);
      accepted.forEach((index, offset) => {
        (results[index] as Result).changeNo = changeNos[offset] as number;
      });
      // One row per item: when a push carries an id twice, its last accepted version is the one kept.
      const lastOf = new Map(accepted.map((index, offset) => [`${input.items[index]?.kind}:${input.items[index]?.id}`, offset]));
      const rows = [...lastOf.values()].map((offset) => ({ index: accepted[offset] as number, changeNo: changeNos[offset] as number }));
      await db.query(
        `INSERT INTO items (profile_id, kind, id, session_id, version, day, blob, blob_sha256, change_no)
           SELECT $1, * FROM unnest($2::text[], $3::uuid[], $4::uuid[], $5::int[], $6::date[], $7::bytea[], $8::bytea[], $9::bigint[])
         ON CONFLICT (profile_id, kind, id) DO UPDATE SET session_id = excluded.session_id, version = excluded.version,
           day = excluded.day, blob = excluded.blob, blob_sha256 = excluded.blob_sha256, change_no = excluded.change_no`,
        [
          caller.profileId,
          rows.map((row) => input.items[row.index]?.kind),
          rows.map((row) => input.items[row.index]?.id),
          rows.map((row) => input.items[row.index]?.sessionId),
          rows.map((row) => input.items[row.index]?.version),
          rows.map((row) => input.items[row.index]?.day),
          rows.map((row) => bytes[row.index]),
          rows.map((row) => hashes[row.index]),
          rows.map((row) => row.changeNo),
        ],
      );
    }
    await audit(db, now, 'push', { profileId: caller.profileId, workstationId: caller.workstationId, count: accepted.length });
    return { results };
  });
}
