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
  reason: 'deleted' | 'retention' | null;
  proof: Buffer | null;
  /** Whether the row is in the page (the size budget's prefix); the first row past it only says `more`. */
  taken: boolean;
  /** The item's blob, read only for a taken item (null for a tombstone and for a row past the page). */
  blob: Buffer | null;
}

function toChange(row: ChangeRow): Change {
  const changeNo = Number(row.change_no);
  if (row.kind === 'tombstone') {
    const tombstone = { kind: 'tombstone' as const, changeNo, sessionId: row.session_id, reason: row.reason ?? 'deleted', day: row.day ?? '' };
    return row.proof === null ? tombstone : { ...tombstone, proof: row.proof.toString('base64') };
  }
  const item = { changeNo, id: row.id ?? '', sessionId: row.session_id, version: row.version ?? 0, blob: row.blob?.toString('base64') ?? '' };
  return row.kind === 'key' ? { kind: 'key', ...item, day: row.day ?? '' } : { kind: 'record', ...item, day: null };
}

/**
 * One pull in ONE statement, so one round trip to PostgreSQL (a pull used to take five: BEGIN, the counter, the
 * sizes, the blobs, COMMIT — each a wait for a busy database, which dominated its latency). A single statement
 * reads one snapshot, so the counter's horizon checked is the one of the page's own moment, exactly as the
 * REPEATABLE READ transaction it replaces: a tombstone sweep committing meanwhile cannot make a page miss a
 * tombstone the horizon check let through.
 *
 * - `counter`: the profile's horizon and last change; `fresh` is false when the cursor is older than the horizon
 *   or beyond the last change (then no candidate is read at all).
 * - `candidates`: the next `limit + 1` changes (items and tombstones) in change-number order, with each item's
 *   size in base64 characters, read from the (profile_id, change_no) indexes without the blobs.
 * - the page is the candidates' prefix within `limit` changes and `blobChars` base64 characters, but at least one
 *   change; sizes are never negative, so the running sum makes it a prefix. Only the page's blobs are read, so an
 *   oversized candidate list never reaches memory.
 */
const PULL_SQL = `
  WITH counter AS (
    SELECT coalesce(max(horizon), 0) AS horizon, coalesce(max(last_change), 0) AS last_change
      FROM counters WHERE profile_id = $1
  ), fresh AS (
    SELECT NOT ($2::bigint > 0 AND ($2::bigint < horizon OR $2::bigint > last_change)) AS ok FROM counter
  ), candidates AS (
    SELECT * FROM (
      (SELECT change_no, kind, id, session_id, version, day::text AS day, (octet_length(blob)::bigint + 2) / 3 * 4 AS chars,
              NULL AS reason, NULL::bytea AS proof
         FROM items WHERE profile_id = $1 AND change_no > $2 AND (SELECT ok FROM fresh) ORDER BY change_no LIMIT $3)
      UNION ALL
      (SELECT change_no, 'tombstone', NULL, session_id, NULL, day::text, 0, reason, proof
         FROM tombstones WHERE profile_id = $1 AND change_no > $2 AND (SELECT ok FROM fresh) ORDER BY change_no LIMIT $3)
      ORDER BY change_no LIMIT $3
    ) AS merged
  ), sized AS (
    SELECT *, row_number() OVER (ORDER BY change_no) AS n, sum(chars) OVER (ORDER BY change_no) AS running FROM candidates
  ), paged AS (
    SELECT *, n < $3 AND (n = 1 OR running <= $4::bigint) AS taken FROM sized
  )
  SELECT (SELECT ok FROM fresh) AS fresh, paged.change_no, paged.kind, paged.id, paged.session_id, paged.version, paged.day,
         paged.reason, paged.proof, paged.taken,
         CASE WHEN paged.taken AND paged.kind <> 'tombstone'
           THEN (SELECT blob FROM items WHERE items.profile_id = $1 AND items.change_no = paged.change_no) END AS blob
    FROM (SELECT 1) AS one LEFT JOIN paged ON true
   ORDER BY paged.change_no`;

/**
 * The page after \`query.after\`: at most \`query.limit\` changes and at most \`blobChars\` base64 characters of
 * blobs (but at least one change). Answers \`resync\` (start again from 0, no changes) when the cursor is older than
 * the tombstone horizon, or beyond the profile's last change — the database was restored from a backup older than
 * what the workstation already pulled.
 */
export async function pullChanges(pool: Pool, caller: Caller, query: PullQuery, now: Date, blobChars: number): Promise<PullOutput> {
  const { rows } = await pool.query<ChangeRow & { fresh: boolean } | { fresh: boolean; change_no: null }>(PULL_SQL, [
    caller.profileId,
    query.after,
    query.limit + 1,
    blobChars,
  ]);
  if (rows[0]?.fresh !== true) return { changes: [], next: 0, more: true, resync: true };
  const candidates = rows.filter((row): row is ChangeRow & { fresh: boolean } => row.change_no !== null);
  const changes = candidates.filter((row) => row.taken).map(toChange);
  const more = candidates.length > changes.length;
  // Empty pulls (the periodic safety net) are not audited: they would bury the rows that say something.
  if (changes.length > 0) await audit(pool, now, 'pull', { profileId: caller.profileId, workstationId: caller.workstationId, count: changes.length });
  return { changes, next: changes.at(-1)?.changeNo ?? query.after, more, resync: false };
}
