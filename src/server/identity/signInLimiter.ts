/**
 * Slows password guessing: failed sign-ins are counted per profile name and per client address (both keyed by an
 * HMAC with the server secret, so the table holds no typed names or addresses). The first few failures are free;
 * then each one blocks further tries for a delay that doubles, up to 15 minutes. Kept in PostgreSQL, so every
 * server process enforces the same count.
 */
import { createHmac } from 'node:crypto';
import type { Pool } from 'pg';

/** Failures allowed before any delay. */
export const FREE_FAILURES = 3;
const FIRST_DELAY_MS = 1000;
const MAX_DELAY_MS = 15 * 60_000;

/** The two scopes a sign-in attempt is counted in. */
export interface SignInScopes {
  readonly name: Buffer;
  readonly address: Buffer;
}

/** The keys of one attempt. */
export function signInScopes(secret: Buffer, nameKey: string, address: string): SignInScopes {
  const key = (label: string, value: string) => createHmac('sha256', secret).update(`${label}\0${value}`).digest();
  return { name: key('name', nameKey), address: key('address', address) };
}

/** The delay after `failures` consecutive failures. */
export function delayAfter(failures: number): number {
  if (failures <= FREE_FAILURES) return 0;
  return Math.min(MAX_DELAY_MS, FIRST_DELAY_MS * 2 ** (failures - FREE_FAILURES - 1));
}

/** How long the attempt must still wait (0 = it may go on). */
export async function waitBeforeSignIn(pool: Pool, scopes: SignInScopes, now: Date): Promise<number> {
  const { rows } = await pool.query<{ blocked_until: Date | null }>(
    `SELECT blocked_until FROM sign_in_failures WHERE (scope = 'name' AND key = $1) OR (scope = 'address' AND key = $2)`,
    [scopes.name, scopes.address],
  );
  const until = Math.max(0, ...rows.map((row) => row.blocked_until?.getTime() ?? 0));
  return Math.max(0, until - now.getTime());
}

/** Counts a failure in both scopes and blocks the next tries as {@link delayAfter} says. */
export async function recordSignInFailure(pool: Pool, scopes: SignInScopes, now: Date): Promise<void> {
  for (const [scope, key] of [['name', scopes.name], ['address', scopes.address]] as const) {
    const { rows } = await pool.query<{ failures: number }>(
      `INSERT INTO sign_in_failures (scope, key, failures) VALUES ($1, $2, 1)
         ON CONFLICT (scope, key) DO UPDATE SET failures = sign_in_failures.failures + 1 RETURNING failures`,
      [scope, key],
    );
    const delay = delayAfter(rows[0]?.failures ?? 1);
    if (delay > 0) {
      await pool.query('UPDATE sign_in_failures SET blocked_until = $3 WHERE scope = $1 AND key = $2', [scope, key, new Date(now.getTime() + delay)]);
    }
  }
}

/** A successful sign-in forgets the failures of its name and address. */
export async function clearSignInFailures(pool: Pool, scopes: SignInScopes): Promise<void> {
  await pool.query(`DELETE FROM sign_in_failures WHERE (scope = 'name' AND key = $1) OR (scope = 'address' AND key = $2)`, [scopes.name, scopes.address]);
}
