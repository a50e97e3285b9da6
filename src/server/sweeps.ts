/**
 * The periodic sweeps: the server's own retention shred and the expiry of old tombstones. Each runs under a
 * transaction-scoped advisory lock, so with several server processes one sweeps and the others skip. Time comes
 * from the injected clock.
 */
import type { Pool } from 'pg';
import { audit } from './audit';
import { utcDayBefore, type Clock } from './clock';
import type { ServerSettings } from './config';
import { lockProfileCounter } from './data/changeNumbers';
import { writeTombstones } from './data/tombstones';
import { inTransaction } from './db/transaction';

/** Advisory lock key the sweeps take (distinct from the migrations'). */
export const SWEEP_LOCK = 7_310_002;

/** What one sweep did. `skipped` when another process was sweeping. */
export interface SweepResult {
  readonly skipped: boolean;
  readonly shredded: number;
  readonly tombstonesRemoved: number;
}

/**
 * Shreds one profile's sessions whose key entry's last-turn day is before `cutoff`, in one transaction under the
 * profile's counter lock. The key rows are deleted with the day re-checked (`day < cutoff`), so a session whose key
 * was pushed with a newer day since the candidates were listed is kept; only the sessions actually deleted get a
 * tombstone. Answers how many were shredded.
 */
async function shredProfile(pool: Pool, profileId: string, cutoff: string, now: Date): Promise<number> {
  return inTransaction(pool, async (db) => {
    await lockProfileCounter(db, profileId);
    const { rows } = await db.query<{ session_id: string; day: string }>(
      `DELETE FROM items i USING profiles p
         WHERE i.profile_id = $1 AND p.id = i.profile_id AND p.removed_at IS NULL AND i.kind = 'key' AND i.day < $2
         RETURNING i.session_id, i.day::text AS day`,
      [profileId, cutoff],
    );
    if (rows.length > 0) {
      await writeTombstones(db, profileId, rows.map((row) => ({ sessionId: row.session_id, reason: 'retention' as const, day: row.day })), now, null);
    }
    return rows.length;
  });
}

/**
 * Tombstones (reason `retention`) every session whose key entry's last-turn day is more than `retentionDays`
 * before today (UTC), one transaction per profile (see {@link shredProfile}), then removes tombstones older than
 * `tombstoneDays` and raises each profile's horizon past them, so a workstation whose cursor is older resyncs
 * instead of missing a delete. Also drops tokens expired for more than a day. The advisory lock is held by one
 * pooled connection for the whole sweep (session-scoped, released at the end).
 */
export async function runSweeps(pool: Pool, settings: ServerSettings, clock: Clock): Promise<SweepResult> {
  const now = clock.now();
  const holder = await pool.connect();
  try {
    const { rows: locked } = await holder.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1) AS ok', [SWEEP_LOCK]);
    if (locked[0]?.ok !== true) return { skipped: true, shredded: 0, tombstonesRemoved: 0 };
    try {
      const cutoff = utcDayBefore(now, settings.retentionDays);
      const { rows: candidates } = await pool.query<{ profile_id: string }>(
        `SELECT DISTINCT i.profile_id FROM items i JOIN profiles p ON p.id = i.profile_id
           WHERE i.kind = 'key' AND i.day < $1 AND p.removed_at IS NULL ORDER BY i.profile_id`,
        [cutoff],
      );
      let shredded = 0;
      for (const { profile_id: profileId } of candidates) shredded += await shredProfile(pool, profileId, cutoff, now);
      const tombstonesRemoved = await expireTombstones(pool, settings, now);
      return { skipped: false, shredded, tombstonesRemoved };
    } finally {
      await holder.query('SELECT pg_advisory_unlock($1)', [SWEEP_LOCK]);
    }
  } finally {
    holder.release();
  }
}

/** Removes tombstones past `tombstoneDays`, raises the horizons past them and drops long-expired tokens. */
async function expireTombstones(pool: Pool, settings: ServerSettings, now: Date): Promise<number> {
  return inTransaction(pool, async (db) => {
    const { rows: removed } = await db.query<{ profile_id: string; last: string; n: string }>(
      `WITH gone AS (DELETE FROM tombstones WHERE created_at < $1 RETURNING profile_id, change_no)
       SELECT profile_id, max(change_no) AS last, count(*) AS n FROM gone GROUP BY profile_id ORDER BY profile_id`,
      [new Date(now.getTime() - settings.tombstoneDays * 86_400_000)],
    );
    let tombstonesRemoved = 0;
    for (const row of removed) {
      await lockProfileCounter(db, row.profile_id);
      await db.query('UPDATE counters SET horizon = greatest(horizon, $2) WHERE profile_id = $1', [row.profile_id, row.last]);
      tombstonesRemoved += Number(row.n);
    }
    if (tombstonesRemoved > 0) await audit(db, now, 'tombstones_expired', { count: tombstonesRemoved });
    // Expired tokens are dead weight, except a removed profile's: they must keep answering PROFILE_REMOVED.
    await db.query(
      'DELETE FROM tokens t USING profiles p WHERE p.id = t.profile_id AND p.removed_at IS NULL AND t.expires_at < $1',
      [new Date(now.getTime() - 86_400_000)],
    );
    return tombstonesRemoved;
  });
}
