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

/** Creates and stores a token for `profileId` on `workstation`; answers the token and its expiry. */
export async function issueToken(
  db: Pool | PoolClient,
  profileId: string,
  workstation: Workstation,
  now: Date,
  ttlMs: number,
): Promise<{ token: string; expiresAt: Date }> {
  const token = randomBytes(32).toString('base64url');
  const expiresAt = new Date(now.getTime() + ttlMs);
  await db.query(
    'INSERT INTO tokens (hash, profile_id, workstation_id, workstation_label, expires_at) VALUES ($1, $2, $3, $4, $5)',
    [hashToken(token), profileId, workstation.id, workstation.label, expiresAt],
  );
  return { token, expiresAt };
}

/** The bearer token of an `Authorization` header, or null. */
export function bearerToken(header: string | undefined): string | null {
  const match = /^Bearer ([A-Za-z0-9_-]{43,64})$/.exec(header ?? '');
  return match?.[1] ?? null;
}

/**
 * The caller of a token. A removed profile answers PROFILE_REMOVED even for an expired or revoked token, so a
 * workstation that was away learns to delete its copy; anything else wrong answers UNAUTHORIZED.
 */
export async function authenticate(db: Pool | PoolClient, header: string | undefined, now: Date): Promise<Caller> {
  const token = bearerToken(header);
  if (token === null) throw unauthorized();
  const tokenHash = hashToken(token);
  const { rows } = await db.query<{
    profile_id: string;
    workstation_id: string;
    workstation_label: string;
    expires_at: Date;
    revoked_at: Date | null;
    removed_at: Date | null;
  }>(
    `SELECT t.profile_id, t.workstation_id, t.workstation_label, t.expires_at, t.revoked_at, p.removed_at
       FROM tokens t JOIN profiles p ON p.id = t.profile_id WHERE t.hash = $1`,
    [tokenHash],
  );
  const row = rows[0];
  if (row === undefined) throw unauthorized();
  if (row.removed_at !== null) throw new SyncError('PROFILE_REMOVED', 'This clinic profile was removed by IT.');
  if (row.revoked_at !== null || row.expires_at.getTime() <= now.getTime()) throw unauthorized();
  return { profileId: row.profile_id, workstationId: row.workstation_id, workstationLabel: row.workstation_label, tokenHash };
}
