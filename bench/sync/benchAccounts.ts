/**
 * Clinicians and workstations for the server benchmarks, made fast. Registration and sign-in cost a scrypt hash
 * each (tens of ms, and limited to a few at once per address): 250 of them would take most of the sync section's
 * time on this machine and measure nothing the figures are about. So one clinician registers through the API (the
 * real path, and its rows are the template), and the others — and every further workstation's token — are written
 * straight into the server's tables as the server itself writes them (identity/identityRoutes.ts, tokens.ts).
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type pg from 'pg';
import { clinicNameKey } from '../../src/shared/sync/identity';
import { registerClinician, type BenchWorkstation } from './rawClient';

/** A clinician as the benchmarks use it: its profile id and one signed-in workstation's token. */
export interface BenchClinician extends BenchWorkstation {
  readonly profileId: string;
}

const TOKEN_TTL_MS = 12 * 60 * 60_000;

/** A token for `profileId` on a new workstation, stored as the server stores one (its SHA-256 only). */
export async function issueBenchToken(pool: pg.Pool, profileId: string, label: string): Promise<string> {
  const token = randomBytes(32).toString('base64url');
  await pool.query(
    'INSERT INTO tokens (hash, profile_id, workstation_id, workstation_label, expires_at, keys_version) VALUES ($1, $2, $3, $4, $5, 1)',
    [createHash('sha256').update(token, 'utf8').digest(), profileId, randomUUID(), label, new Date(Date.now() + TOKEN_TTL_MS)],
  );
  return token;
}

/** `count` clinicians: the first registered through the API, the others copied from its rows with new ids and names. */
export async function benchClinicians(base: string, pool: pg.Pool, count: number): Promise<BenchClinician[]> {
  const first = await registerClinician(base);
  const { rows } = await pool.query<{ id: string }>('SELECT id FROM profiles WHERE name_key = $1', [clinicNameKey(first.profileName)]);
  const template = rows[0]?.id;
  if (template === undefined) throw new Error('the registered clinician is not in the profiles table');
  const clinicians: BenchClinician[] = [{ ...first, profileId: template }];
  for (let index = 1; index < count; index += 1) {
    const profileId = randomUUID();
    const profileName = `Bench ${randomUUID().slice(0, 12)}`;
    await pool.query(
      `INSERT INTO profiles (id, name, name_key, kdf, auth_salt, auth_hash, keys, keys_version, created_at)
         SELECT $1, $2, $3, kdf, auth_salt, auth_hash, keys, keys_version, created_at FROM profiles WHERE id = $4`,
      [profileId, profileName, clinicNameKey(profileName), template],
    );
    await pool.query('INSERT INTO counters (profile_id) VALUES ($1)', [profileId]);
    clinicians.push({ profileId, profileName, authKey: first.authKey, token: await issueBenchToken(pool, profileId, 'Bench 1') });
  }
  return clinicians;
}
