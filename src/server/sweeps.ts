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
 * Tombstones (reason `retention`) every session whose key entry's last-turn day is more than `retentionDays`
 * before today (UTC), then removes tombstones older than `tombstoneDays` and raises each profile's horizon past
 * them, so a workstation whose cursor is older resyncs instead of missing a delete. Also drops tokens expired for
 * more than a day.
 */
export async function runSweeps(pool: Pool, settings: ServerSettings, clock: Clock): Promise<SweepResult> {
  const now = clock.now();
  return inTransaction(pool, async (db) => {
    const { rows: locked } = await db.query<{ ok: boolean }>('SELECT pg_try_advisory_xact_lock($1) AS ok', [SWEEP_LOCK]);
    if (locked[0]?.ok !== true) return { skipped: true, shredded: 0, tombstonesRemoved: 0 };
    const cutoff = utcDayBefore(now, settings.retentionDays);
    const { rows: expired } = await db.query<{ profile_id: string; session_id: string; day: string }>(
      `SELECT i.profile_id, i.session_id, i.day::text AS day FROM items i JOIN profiles p ON p.id = i.profile_id
         WHERE i.kind = 'key' AND i.day < $1 AND p.removed_at IS NULL ORDER BY i.profile_id`,
      [cutoff],
    );
    const byProfile = new Map<string, typeof expired>();
    for (const row of expired) byProfile.set(row.profile_id, [...(byProfile.get(row.profile_id) ?? []), row]);
    for (const [profileId, sessions] of byProfile) {
      await writeTombstones(db, profileId, sessions.map((s) => ({ sessionId: s.session_id, reason: 'retention' as const, day: s.day })), now, null);
    }
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
    return { skipped: false, shredded: expired.length, tombstonesRemoved };
  });
}
