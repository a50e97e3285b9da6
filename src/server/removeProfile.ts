/**
 * IT removes a clinician from the clinic: the profile's data, keys, leases and tombstones are wiped and its tokens
 * revoked. The profile row stays (with its sign-in hash), so every workstation holding a token — or the right
 * passphrase — is told PROFILE_REMOVED and deletes its local copy, instead of a bare "sign in again".
 */
import type { Pool } from 'pg';
import { clinicNameKey } from '../shared/sync/identity';
import { audit } from './audit';
import type { Clock } from './clock';
import { lockProfileCounter } from './data/changeNumbers';
import { inTransaction } from './db/transaction';

/** Removes the profile called `name`; answers false when no such (unremoved) profile exists. */
export async function removeProfile(pool: Pool, name: string, clock: Clock): Promise<boolean> {
  const now = clock.now();
  return inTransaction(pool, async (db) => {
    const { rows } = await db.query<{ id: string }>('SELECT id FROM profiles WHERE name_key = $1 AND removed_at IS NULL', [clinicNameKey(name)]);
    const profileId = rows[0]?.id;
    if (profileId === undefined) return false;
    await lockProfileCounter(db, profileId);
    for (const table of ['items', 'tombstones', 'leases', 'retired_items']) await db.query(`DELETE FROM ${table} WHERE profile_id = $1`, [profileId]);
    await db.query('UPDATE tokens SET revoked_at = $2 WHERE profile_id = $1 AND revoked_at IS NULL', [profileId, now]);
    await db.query('UPDATE profiles SET removed_at = $2, keys = NULL WHERE id = $1', [profileId, now]);
    await audit(db, now, 'profile_removed', { profileId });
    return true;
  });
}
