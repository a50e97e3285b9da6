/** A pull: the caller's changes after its cursor, in change-number order, a page at a time. */
import type { Pool } from 'pg';
import type { Change, PullOutput, PullQuery } from '../../shared/sync/changes';
import { audit } from '../audit';
import type { Caller } from '../identity/tokens';

interface ChangeRow {
  change_no: string;
  kind: 'record' | 'key' | 'tombstone';
  id: string | null;
  session_id: string;
  version: number | null;
  day: string | null;
  blob: Buffer | null;
  reason: 'deleted' | 'retention' | null;
  proof: Buffer | null;
}

function toChange(row: ChangeRow): Change {
  const changeNo = Number(row.change_no);
  if (row.kind === 'tombstone') return { kind: 'tombstone', changeNo, sessionId: row.session_id, reason: row.reason ?? 'deleted', day: row.day ?? '', ...(row.proof === null ? {} : { proof: row.proof.toString('base64') }) };
  const item = { changeNo, id: row.id ?? '', sessionId: row.session_id, version: row.version ?? 0, blob: row.blob?.toString('base64') ?? '' };
  return row.kind === 'key' ? { kind: 'key', ...item, day: row.day ?? '' } : { kind: 'record', ...item, day: null };
}

/**
 * The page after `query.after`. A cursor older than the profile's tombstone horizon may have missed a delete whose
 * tombstone is gone: the answer is `resync` (start again from 0), with no changes.
 */
export async function pullChanges(pool: Pool, caller: Caller, query: PullQuery, now: Date): Promise<PullOutput> {
  const { rows: counters } = await pool.query<{ horizon: string }>('SELECT horizon FROM counters WHERE profile_id = $1', [caller.profileId]);
  const horizon = Number(counters[0]?.horizon ?? 0);
  if (query.after > 0 && query.after < horizon) return { changes: [], next: 0, more: true, resync: true };
  const { rows } = await pool.query<ChangeRow>(
    `(SELECT change_no, kind, id, session_id, version, day::text AS day, blob, NULL AS reason, NULL::bytea AS proof FROM items
        WHERE profile_id = $1 AND change_no > $2 ORDER BY change_no LIMIT $3)
     UNION ALL
     (SELECT change_no, 'tombstone', NULL, session_id, NULL, day::text, NULL, reason, proof FROM tombstones
        WHERE profile_id = $1 AND change_no > $2 ORDER BY change_no LIMIT $3)
     ORDER BY change_no LIMIT $3`,
    [caller.profileId, query.after, query.limit + 1],
  );
  const more = rows.length > query.limit;
  const changes = rows.slice(0, query.limit).map(toChange);
  // Empty pulls (the periodic safety net) are not audited: they would bury the rows that say something.
  if (changes.length > 0) await audit(pool, now, 'pull', { profileId: caller.profileId, workstationId: caller.workstationId, count: changes.length });
  return { changes, next: changes.at(-1)?.changeNo ?? query.after, more, resync: false };
}
