/**
 * Sign-in tokens: 32 random bytes handed to the workstation once; the database keeps only their SHA-256, so a copy
 * of it holds nothing a request can be made with.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Pool, PoolClient } from 'pg';
import type { Workstation } from '../../shared/sync/identity';
import { SyncError, unauthorized } from '../syncError';

/** Who a request comes from: only ever read from its token, never from its body. */
export interface Caller {
  readonly profileId: string;
  readonly workstationId: string;
  readonly workstationLabel: string;
  /** The token's hash, to revoke exactly this one. */
  readonly tokenHash: Buffer;
}

/** SHA-256 of a token as sent by the workstation. */
export function hashToken(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}

/**
 * Creates and stores a token for `profileId` on `workstation`; answers the token and its expiry. `keysVersion` is
 * the profile's keys version the sign-in was checked against: a passphrase change committed meanwhile bumps the
 * profile's, and {@link authenticate} then refuses this token (a sign-in with the old passphrase must not win).
 */
export async function issueToken(
  db: Pool | PoolClient,
  profileId: string,
  workstation: Workstation,
  now: Date,
  ttlMs: number,
  keysVersion: number,
): Promise<{ token: string; expiresAt: Date }> {
  const token = randomBytes(32).toString('base64url');
  const expiresAt = new Date(now.getTime() + ttlMs);
  await db.query(
    'INSERT INTO tokens (hash, profile_id, workstation_id, workstation_label, expires_at, keys_version) VALUES ($1, $2, $3, $4, $5, $6)',
    [hashToken(token), profileId, workstation.id, workstation.label, expiresAt, keysVersion],
  );
  return { token, expiresAt };
}

/** The bearer token of an `Authorization` header, or null. */
export function bearerToken(header: string | undefined): string | null {
  const match = /^Bearer ([A-Za-z0-9_-]{43,64})$/.exec(header ?? '');
  return match?.[1] ?? null;
}

interface TokenRow {
  profile_id: string;
  workstation_id: string;
  workstation_label: string;
  expires_at: Date;
  revoked_at: Date | null;
  removed_at: Date | null;
  current: boolean;
}

/** The refusal for a token row (null = valid). A removed profile wins over every other reason. */
function refusal(row: TokenRow | undefined, now: Date): SyncError | null {
  if (row === undefined) return unauthorized();
  if (row.removed_at !== null) return new SyncError('PROFILE_REMOVED', 'This clinic profile was removed by IT.');
  if (row.revoked_at !== null || !row.current || row.expires_at.getTime() <= now.getTime()) return unauthorized();
  return null;
}

/** `lock` adds FOR SHARE on the token row: a revocation then waits for the caller's transaction to commit. */
async function tokenRow(db: Pool | PoolClient, tokenHash: Buffer, lock: boolean): Promise<TokenRow | undefined> {
  const { rows } = await db.query<TokenRow>(
    `SELECT t.profile_id, t.workstation_id, t.workstation_label, t.expires_at, t.revoked_at, p.removed_at,
            t.keys_version = p.keys_version AS current
       FROM tokens t JOIN profiles p ON p.id = t.profile_id WHERE t.hash = $1${lock ? ' FOR SHARE OF t' : ''}`,
    [tokenHash],
  );
  return rows[0];
}

/**
 * The caller of a token. A removed profile answers PROFILE_REMOVED even for an expired or revoked token, so a
 * workstation that was away learns to delete its copy; anything else wrong (including a token issued under keys
 * a passphrase change has replaced) answers UNAUTHORIZED.
 */
export async function authenticate(db: Pool | PoolClient, header: string | undefined, now: Date): Promise<Caller> {
  const token = bearerToken(header);
  if (token === null) throw unauthorized();
  const tokenHash = hashToken(token);
  const row = await tokenRow(db, tokenHash, false);
  const refused = refusal(row, now);
  if (refused !== null || row === undefined) throw refused ?? unauthorized();
  return { profileId: row.profile_id, workstationId: row.workstation_id, workstationLabel: row.workstation_label, tokenHash };
}

/**
 * Checks `caller`'s token again inside a write transaction, after the profile's counter lock (which IT's removal
 * also takes): a request authenticated before a removal, sign-out, passphrase change or expiry must not commit
 * after it. The token row stays share-locked to COMMIT, so a revocation waits for this write instead of racing it.
 */
export async function recheckCaller(db: PoolClient, caller: Caller, now: Date): Promise<void> {
  const refused = refusal(await tokenRow(db, caller.tokenHash, true), now);
  if (refused !== null) throw refused;
}
