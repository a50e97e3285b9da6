/**
 * Slows password guessing: failed sign-ins are counted per profile name and per client address (both keyed by an
 * HMAC with the server secret, so the table holds no typed names or addresses). The first few failures are free;
 * then each one blocks further tries for a delay that doubles, up to 15 minutes. Kept in PostgreSQL, so every
 * server process enforces the same count. An attempt is counted before its hash is computed and given back only
 * when it succeeds (see {@link reserveSignInAttempt}).
 */
import { createHmac } from 'node:crypto';
import type { Pool } from 'pg';
import { inTransaction } from '../db/transaction';

/** Failures allowed before any delay. */
export const FREE_FAILURES = 3;
const FIRST_DELAY_MS = 1000;
const MAX_DELAY_MS = 15 * 60_000;

/** The two scopes a sign-in attempt is counted in. A registration is counted per address only (`name` null). */
export interface SignInScopes {
  readonly name: Buffer | null;
  readonly address: Buffer;
}

/** The keys of one attempt (`nameKey` null: a registration, counted per address only). */
export function signInScopes(secret: Buffer, nameKey: string | null, address: string): SignInScopes {
  const key = (label: string, value: string) => createHmac('sha256', secret).update(`${label}\0${value}`).digest();
  return { name: nameKey === null ? null : key('name', nameKey), address: key('address', address) };
}

/** The delay after `failures` consecutive failures. */
export function delayAfter(failures: number): number {
  if (failures <= FREE_FAILURES) return 0;
  return Math.min(MAX_DELAY_MS, FIRST_DELAY_MS * 2 ** (failures - FREE_FAILURES - 1));
}

/**
 * Reserves one attempt in both scopes before any hashing, atomically: the rows are locked, and while either is
 * blocked the attempt is refused (answers the wait, nothing counted); otherwise both counts go up by one and the
 * next tries are blocked as {@link delayAfter} says — as if this attempt had already failed. So concurrent guesses
 * cannot all pass the check before the first failure is written: past the free ones, only one runs at a time.
 * Answers 0 when the attempt may go on; a success then calls {@link signInSucceeded}.
 */
export async function reserveSignInAttempt(pool: Pool, scopes: SignInScopes, now: Date): Promise<number> {
  return inTransaction(pool, async (db) => {
    await db.query(`INSERT INTO sign_in_failures (scope, key, failures) VALUES ('address', $1, 0) ON CONFLICT DO NOTHING`, [scopes.address]);
    if (scopes.name !== null) {
      await db.query(`INSERT INTO sign_in_failures (scope, key, failures) VALUES ('name', $1, 0) ON CONFLICT DO NOTHING`, [scopes.name]);
    }
    const { rows } = await db.query<{ scope: 'name' | 'address'; failures: number; blocked_until: Date | null }>(
      `SELECT scope, failures, blocked_until FROM sign_in_failures
         WHERE (scope = 'name' AND key = $1) OR (scope = 'address' AND key = $2) ORDER BY scope FOR UPDATE`,
      [scopes.name, scopes.address],
    );
    const wait = Math.max(0, ...rows.map((row) => (row.blocked_until?.getTime() ?? 0) - now.getTime()));
    if (wait > 0) return wait;
    for (const row of rows) {
      const delay = delayAfter(row.failures + 1);
      await db.query('UPDATE sign_in_failures SET failures = failures + 1, blocked_until = $3 WHERE scope = $1 AND key = $2', [
        row.scope,
        row.scope === 'name' ? (scopes.name as Buffer) : scopes.address,
        delay > 0 ? new Date(now.getTime() + delay) : null,
      ]);
    }
    return 0;
  });
}

/**
 * A successful attempt: the name's failures are forgotten; the address only gives back this attempt's reservation
 * (its earlier failures stay, so signing in to one's own profile does not reset guessing at others'). The address's
 * block is lifted: it was over when this attempt was let through, and only the reservation set a new one.
 */
export async function signInSucceeded(pool: Pool, scopes: SignInScopes): Promise<void> {
  if (scopes.name !== null) await pool.query(`DELETE FROM sign_in_failures WHERE scope = 'name' AND key = $1`, [scopes.name]);
  await pool.query(`UPDATE sign_in_failures SET failures = greatest(failures - 1, 0), blocked_until = NULL WHERE scope = 'address' AND key = $1`, [
    scopes.address,
  ]);
}
