/**
 * The server's audit trail: what happened, when, to which profile id from which workstation id, and how many
 * items. Ids, counts and times only — never names, labels, addresses or blobs.
 */
import type { Pool, PoolClient } from 'pg';

/** Every action the audit table records. */
export type AuditAction =
  | 'sign_in'
  | 'sign_in_failed'
  | 'sign_in_rate_limited'
  | 'sign_out'
  | 'register'
  | 'register_refused'
  | 'keys_changed'
  | 'push'
  | 'pull'
  | 'delete'
  | 'shred'
  | 'lease_granted'
  | 'tombstones_expired'
  | 'profile_removed';

/** One audit row. Runs on the caller's connection, so it commits (or not) with the work it describes. */
export async function audit(
  db: Pool | PoolClient,
  at: Date,
  action: AuditAction,
  ids: { profileId?: string | null; workstationId?: string | null; count?: number | null } = {},
): Promise<void> {
  await db.query('INSERT INTO audit (at, action, profile_id, workstation_id, count) VALUES ($1, $2, $3, $4, $5)', [
    at,
    action,
    ids.profileId ?? null,
    ids.workstationId ?? null,
    ids.count ?? null,
  ]);
}
