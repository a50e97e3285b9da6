/**
 * Tombstones: a session deleted on a workstation, or shredded for retention by a workstation or the server. The
 * session's items (records and its key entry) are wiped in the same transaction; the tombstone keeps only the
 * session id, the reason and the day, so every workstation learns to destroy its copy.
 */
import type { PoolClient } from 'pg';
import type { TombstoneReason } from '../../shared/sync/changes';
import { audit } from '../audit';
import { SyncError } from '../syncError';
import { lockProfileCounter, takeChangeNumbers } from './changeNumbers';

/** One session to tombstone. */
export interface TombstoneRequest {
  readonly sessionId: string;
  readonly reason: TombstoneReason;
  readonly day: string;
  /** The workstation's sealed proof (base64, stored as bytes); absent for the server's retention shred. */
  readonly proof?: string | undefined;
}

/** The proof's bytes; refuses base64 that does not round-trip, so every puller gets exactly the sent text. */
function proofBytes(proof: string | undefined): Buffer | null {
  if (proof === undefined) return null;
  const bytes = Buffer.from(proof, 'base64');
  if (bytes.toString('base64') !== proof) throw new SyncError('INVALID_INPUT', 'Invalid sessions: a proof is not canonical base64.');
  return bytes;
}

/**
 * Tombstones `sessions` of `profileId` inside the caller's transaction and answers each one's change number (the
 * existing one when the session already had a tombstone: a retried request changes nothing).
 */
export async function writeTombstones(
  db: PoolClient,
  profileId: string,
  sessions: readonly TombstoneRequest[],
  now: Date,
  workstationId: string | null,
): Promise<number[]> {
  await lockProfileCounter(db, profileId);
  const ids = sessions.map((session) => session.sessionId);
  const { rows } = await db.query<{ session_id: string; change_no: string }>(
    'SELECT session_id, change_no FROM tombstones WHERE profile_id = $1 AND session_id = ANY($2::uuid[])',
    [profileId, ids],
  );
  const known = new Map(rows.map((row) => [row.session_id, Number(row.change_no)]));
  const fresh = sessions.filter((session, index) => !known.has(session.sessionId) && ids.indexOf(session.sessionId) === index);
  if (fresh.length > 0) {
    const first = await takeChangeNumbers(db, profileId, fresh.length);
    fresh.forEach((session, offset) => known.set(session.sessionId, first + offset));
    const freshIds = fresh.map((session) => session.sessionId);
    // The ids stay retired (the key's id is its session's, deleted already by the retention sweep or not).
    await db.query(
      `WITH gone AS (DELETE FROM items WHERE profile_id = $1 AND session_id = ANY($2::uuid[]) RETURNING kind, id)
       INSERT INTO retired_items (profile_id, kind, id)
         SELECT $1, kind, id FROM gone UNION SELECT $1, 'key', unnest($2::uuid[]) ON CONFLICT DO NOTHING`,
      [profileId, freshIds],
    );
    await db.query('DELETE FROM leases WHERE profile_id = $1 AND session_id = ANY($2::uuid[])', [profileId, freshIds]);
    await db.query(
      `INSERT INTO tombstones (profile_id, session_id, reason, day, change_no, proof, created_at)
         SELECT $1, *, $7 FROM unnest($2::uuid[], $3::text[], $4::date[], $5::bigint[], $6::bytea[])`,
      [
        profileId,
        freshIds,
        fresh.map((s) => s.reason),
        fresh.map((s) => s.day),
        fresh.map((s) => known.get(s.sessionId)),
        fresh.map((s) => proofBytes(s.proof)),
        now,
      ],
    );
    const deleted = fresh.filter((session) => session.reason === 'deleted').length;
    if (deleted > 0) await audit(db, now, 'delete', { profileId, workstationId, count: deleted });
    if (fresh.length > deleted) await audit(db, now, 'shred', { profileId, workstationId, count: fresh.length - deleted });
  }
  return sessions.map((session) => known.get(session.sessionId) as number);
}
