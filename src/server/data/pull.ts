/** A pull: the caller's changes after its cursor, in change-number order, a page at a time. */
import type { Pool, PoolClient } from 'pg';
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
  /** Bytes of the item's blob (null for a tombstone). */
  bytes: number | null;
  reason: 'deleted' | 'retention' | null;
  proof: Buffer | null;
}

/** Base64 characters of `bytes` bytes. */
const base64Chars = (bytes: number) => Math.ceil(bytes / 3) * 4;

function toChange(row: ChangeRow, blob: Buffer | undefined): Change {
  const changeNo = Number(row.change_no);
  if (row.kind === 'tombstone') {
    const tombstone = { kind: 'tombstone' as const, changeNo, sessionId: row.session_id, reason: row.reason ?? 'deleted', day: row.day ?? '' };
    return row.proof === null ? tombstone : { ...tombstone, proof: row.proof.toString('base64') };
  }
  const item = { changeNo, id: row.id ?? '', sessionId: row.session_id, version: row.version ?? 0, blob: blob?.toString('base64') ?? '' };
  return row.kind === 'key' ? { kind: 'key', ...item, day: row.day ?? '' } : { kind: 'record', ...item, day: null };
}

/**
 * The changes after `after`, at most `limit` of them and at most `blobChars` base64 characters of blobs (but at
 * least one change). The sizes are read first and only the blobs of the page are fetched, so an oversized
 * candidate list never reaches memory.
 */
async function page(db: PoolClient, profileId: string, after: number, limit: number, blobChars: number): Promise<{ changes: Change[]; more: boolean }> {
  const { rows } = await db.query<ChangeRow>(
    `(SELECT change_no, kind, id, session_id, version, day::text AS day, octet_length(blob) AS bytes, NULL AS reason, NULL::bytea AS proof
        FROM items WHERE profile_id = $1 AND change_no > $2 ORDER BY change_no LIMIT $3)
     UNION ALL
     (SELECT change_no, 'tombstone', NULL, session_id, NULL, day::text, NULL, reason, proof
        FROM tombstones WHERE profile_id = $1 AND change_no > $2 ORDER BY change_no LIMIT $3)
     ORDER BY change_no LIMIT $3`,
    [profileId, after, limit + 1],
  );
  let taken = 0;
  let chars = 0;
  for (const row of rows.slice(0, limit)) {
    const size = row.bytes === null ? 0 : base64Chars(row.bytes);
    if (taken > 0 && chars + size > blobChars) break;
    chars += size;
    taken += 1;
  }
  const chosen = rows.slice(0, taken);
  const itemNos = chosen.filter((row) => row.kind !== 'tombstone').map((row) => row.change_no);
  const { rows: blobs } = await db.query<{ change_no: string; blob: Buffer }>(
    'SELECT change_no, blob FROM items WHERE profile_id = $1 AND change_no = ANY($2::bigint[])',
    [profileId, itemNos],
  );
  const blobOf = new Map(blobs.map((row) => [row.change_no, row.blob]));
  return { changes: chosen.map((row) => toChange(row, blobOf.get(row.change_no))), more: rows.length > taken };
}

/**
 * The page after `query.after`, read in one REPEATABLE READ snapshot together with the profile's counter: the
 * horizon checked is the one of the page's own moment (a tombstone sweep committing between the two reads cannot
 * make a page miss a tombstone the horizon check let through). Answers `resync` (start again from 0, no changes)
 * when the cursor is older than the tombstone horizon, or beyond the profile's last change — the database was
 * restored from a backup older than what the workstation already pulled.
 */
export async function pullChanges(pool: Pool, caller: Caller, query: PullQuery, now: Date, blobChars: number): Promise<PullOutput> {
  const db = await pool.connect();
  let answer: { changes: Change[]; more: boolean } | null;
  try {
    await db.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    const { rows: counters } = await db.query<{ horizon: string; last_change: string }>(
      'SELECT horizon, last_change FROM counters WHERE profile_id = $1',
      [caller.profileId],
    );
    const horizon = Number(counters[0]?.horizon ?? 0);
    const lastChange = Number(counters[0]?.last_change ?? 0);
    const stale = query.after > 0 && (query.after < horizon || query.after > lastChange);
    answer = stale ? null : await page(db, caller.profileId, query.after, query.limit, blobChars);
    await db.query('COMMIT');
  } catch (error) {
    await db.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    db.release();
  }
  if (answer === null) return { changes: [], next: 0, more: true, resync: true };
  const { changes, more } = answer;
  // Empty pulls (the periodic safety net) are not audited: they would bury the rows that say something.
  if (changes.length > 0) await audit(pool, now, 'pull', { profileId: caller.profileId, workstationId: caller.workstationId, count: changes.length });
  return { changes, next: changes.at(-1)?.changeNo ?? query.after, more, resync: false };
}
