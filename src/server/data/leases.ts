/**
 * Session leases: one workstation writes a session at a time. A lease carries a fencing token that only grows
 * (even when the same workstation takes it again), so a holder that was paused past its lease cannot write late:
 * pushes are checked against the current token (see leaseCheck.ts).
 */
import type { Pool, PoolClient } from 'pg';
import type { LeaseOutput } from '../../shared/sync/changes';
import { audit } from '../audit';
import { inTransaction } from '../db/transaction';
import type { Caller } from '../identity/tokens';
import { SyncError } from '../syncError';
import { lockCallerProfile } from './changeNumbers';

interface LeaseRow {
  fencing: string;
  holder_workstation: string | null;
  holder_label: string | null;
  expires_at: Date;
}

const lost = () => new SyncError('FENCED', 'This workstation no longer holds the session: take it again.');

async function lockLease(db: PoolClient, caller: Caller, sessionId: string): Promise<LeaseRow | undefined> {
  const { rows } = await db.query<LeaseRow>(
    'SELECT fencing, holder_workstation, holder_label, expires_at FROM leases WHERE profile_id = $1 AND session_id = $2 FOR UPDATE',
    [caller.profileId, sessionId],
  );
  return rows[0];
}

/** Takes the lease of `sessionId`: SESSION_BUSY (with the holder's label) while another workstation holds it. */
export async function acquireLease(pool: Pool, caller: Caller, sessionId: string, now: Date, ttlMs: number): Promise<LeaseOutput> {
  return inTransaction(pool, async (db) => {
    // The counter lock first, as a push takes it: a push checked against "no lease yet" commits before this lease
    // exists, never after another workstation took it.
    await lockCallerProfile(db, caller, now);
    await db.query(
      `INSERT INTO leases (profile_id, session_id, fencing, expires_at) VALUES ($1, $2, 0, $3) ON CONFLICT DO NOTHING`,
      [caller.profileId, sessionId, new Date(0)],
    );
    const lease = (await lockLease(db, caller, sessionId)) as LeaseRow;
    if (lease.expires_at.getTime() > now.getTime() && lease.holder_workstation !== caller.workstationId) {
      throw new SyncError('SESSION_BUSY', 'The session is open on another workstation.', { holderLabel: lease.holder_label ?? '' });
    }
    const { rows } = await db.query<{ fencing: string }>(
      `UPDATE leases SET fencing = fencing + 1, holder_workstation = $3, holder_label = $4, expires_at = $5
         WHERE profile_id = $1 AND session_id = $2 RETURNING fencing`,
      [caller.profileId, sessionId, caller.workstationId, caller.workstationLabel, new Date(now.getTime() + ttlMs)],
    );
    await audit(db, now, 'lease_granted', { profileId: caller.profileId, workstationId: caller.workstationId });
    return { sessionId, fencing: Number(rows[0]?.fencing), ttlMs };
  });
}

/** Extends a lease this workstation holds with the current token; FENCED when it was lost meanwhile. */
export async function renewLease(pool: Pool, caller: Caller, sessionId: string, fencing: number, now: Date, ttlMs: number): Promise<LeaseOutput> {
  return inTransaction(pool, async (db) => {
    await lockCallerProfile(db, caller, now);
    const lease = await lockLease(db, caller, sessionId);
    if (lease === undefined || Number(lease.fencing) !== fencing || lease.holder_workstation !== caller.workstationId) throw lost();
    await db.query('UPDATE leases SET expires_at = $3 WHERE profile_id = $1 AND session_id = $2', [
      caller.profileId,
      sessionId,
      new Date(now.getTime() + ttlMs),
    ]);
    return { sessionId, fencing, ttlMs };
  });
}

/** Gives a lease up at once (the fencing token stays, so the next holder's is higher). */
export async function releaseLease(pool: Pool, caller: Caller, sessionId: string, fencing: number, now: Date): Promise<void> {
  await inTransaction(pool, async (db) => {
    await lockCallerProfile(db, caller, now);
    const lease = await lockLease(db, caller, sessionId);
    if (lease === undefined || Number(lease.fencing) !== fencing || lease.holder_workstation !== caller.workstationId) throw lost();
    await db.query('UPDATE leases SET expires_at = $3 WHERE profile_id = $1 AND session_id = $2', [caller.profileId, sessionId, now]);
  });
}
