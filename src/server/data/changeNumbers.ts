/**
 * Change numbers: the gap-free cursor of one profile.
 *
 * Every write transaction first locks the profile's `counters` row, then takes its numbers from it. The lock is
 * held to COMMIT, so a transaction holding number n+1 can only take it after the one holding n has committed (or
 * rolled back and given it up): a puller reading `change_no > after` in order never sees a later number before an
 * earlier one, and so never skips a row that commits late — the sequence-before-commit gap of a plain sequence.
 *
 * Warning (deadlocks): every transaction that writes a profile's data takes this lock FIRST, before any item, lease
 * or tombstone row of that profile. Taking it after another of the profile's row locks can deadlock.
 */
import type { PoolClient } from 'pg';
import { recheckCaller, type Caller } from '../identity/tokens';

/** Channel of the NOTIFY sent with every committed change (payload: `<profile id> <last change number>`). */
export const CHANGE_CHANNEL = 'cpa_sync_changes';

/** Locks the profile's counter for this transaction; answers its horizon (see the tombstone sweep). */
export async function lockProfileCounter(db: PoolClient, profileId: string): Promise<{ lastChange: number; horizon: number }> {
  const { rows } = await db.query<{ last_change: string; horizon: string }>(
    'SELECT last_change, horizon FROM counters WHERE profile_id = $1 FOR UPDATE',
    [profileId],
  );
  const row = rows[0];
  if (row === undefined) throw new Error('The profile has no change counter.');
  return { lastChange: Number(row.last_change), horizon: Number(row.horizon) };
}

/**
 * What every write on a caller's behalf starts with: the profile's counter lock (first, as above), then the
 * caller's token checked again under it, so a removal, sign-out or passphrase change that committed after the
 * request was authenticated refuses it instead of letting it commit (PROFILE_REMOVED / UNAUTHORIZED).
 */
export async function lockCallerProfile(db: PoolClient, caller: Caller, now: Date): Promise<{ lastChange: number; horizon: number }> {
  const counter = await lockProfileCounter(db, caller.profileId);
  await recheckCaller(db, caller, now);
  return counter;
}

/**
 * Takes `count` consecutive change numbers (after {@link lockProfileCounter}) and tells the other server processes
 * about them when the transaction commits (NOTIFY is delivered only on commit). Answers the first number.
 */
export async function takeChangeNumbers(db: PoolClient, profileId: string, count: number): Promise<number> {
  const { rows } = await db.query<{ last_change: string }>(
    'UPDATE counters SET last_change = last_change + $2 WHERE profile_id = $1 RETURNING last_change',
    [profileId, count],
  );
  const last = Number(rows[0]?.last_change);
  await db.query('SELECT pg_notify($1, $2)', [CHANGE_CHANNEL, `${profileId} ${last}`]);
  return last - count + 1;
}
