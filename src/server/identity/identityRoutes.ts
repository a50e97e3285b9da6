/**
 * Identity routes: prelogin, registering a profile, signing in and out, reading the profile and changing the
 * passphrase. The passphrase never arrives here — only the auth key derived from it on the workstation.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import {
  ChangeKeysInput,
  ClinicKdf,
  ClinicProfileKeys,
  MIN_CLINIC_KDF_ITERATIONS,
  PreloginInput,
  RegisterInput,
  SignInInput,
  clinicNameKey,
  type ProfileOutput,
  type SignInOutput,
} from '../../shared/sync/identity';
import { audit } from '../audit';
import { parseInput, type ServerContext } from '../context';
import { lockCallerProfile } from '../data/changeNumbers';
import { inTransaction } from '../db/transaction';
import { SyncError, unauthorized } from '../syncError';
import { hashAuthKey, verifyAuthKey } from './authKeyHash';
import { reserveSignInAttempt, signInScopes, signInSucceeded, type SignInScopes } from './signInLimiter';
import { authenticate, issueToken } from './tokens';

/** Identity bodies are small: keys and escrow are at most a few KB. */
const IDENTITY_BODY_LIMIT = 64 * 1024;

interface ProfileRow {
  id: string;
  name: string;
  name_key: string;
  kdf: ClinicKdf;
  auth_salt: Buffer;
  auth_hash: Buffer;
  keys: { wrappedDataKey: string; escrow: string | null } | null;
  keys_version: number;
  removed_at: Date | null;
}

function profileOutput(row: ProfileRow): ProfileOutput {
  return {
    profileId: row.id,
    name: row.name,
    keysVersion: row.keys_version,
    keys: ClinicProfileKeys.parse({ kdf: row.kdf, wrappedDataKey: row.keys?.wrappedDataKey, escrow: row.keys?.escrow ?? null }),
  };
}

function checkKdf(kdf: ClinicKdf): void {
  if (kdf.iterations < MIN_CLINIC_KDF_ITERATIONS) {
    throw new SyncError('WEAK_KDF', `The key derivation needs at least ${MIN_CLINIC_KDF_ITERATIONS} iterations.`);
  }
}

/** The KDF answered for a name nobody has: derived from the secret, so the same name always gets the same one. */
export function fakeKdf(secret: Buffer, nameKey: string): ClinicKdf {
  const salt = createHmac('sha256', secret).update(`prelogin\0${nameKey}`).digest().subarray(0, 16).toString('base64');
  return { algorithm: 'PBKDF2-SHA256', iterations: MIN_CLINIC_KDF_ITERATIONS, salt };
}

async function profileByNameKey(ctx: ServerContext, nameKey: string): Promise<ProfileRow | null> {
  const { rows } = await ctx.pool.query<ProfileRow>('SELECT * FROM profiles WHERE name_key = $1', [nameKey]);
  return rows[0] ?? null;
}

function clientAddress(request: FastifyRequest): string {
  return request.ip;
}

/** Compares the enrollment secret in constant time (hashes first, so lengths do not matter); true when none is set. */
function enrollmentSecretMatches(expected: string | null, given: string | undefined): boolean {
  if (expected === null) return true;
  const digest = (text: string) => createHash('sha256').update(text, 'utf8').digest();
  return timingSafeEqual(digest(expected), digest(given ?? '')) && given !== undefined;
}

/** Reserves a sign-in attempt (see signInLimiter.ts), or audits and refuses it with RATE_LIMITED. */
async function reserveOrRefuse(ctx: ServerContext, scopes: SignInScopes, now: Date, workstationId: string | null): Promise<void> {
  const wait = await reserveSignInAttempt(ctx.pool, scopes, now);
  if (wait > 0) {
    await audit(ctx.pool, now, 'sign_in_rate_limited', { workstationId });
    throw new SyncError('RATE_LIMITED', 'Too many failed sign-ins: wait before trying again.', { retryAfterMs: wait });
  }
}

/** Registers the identity routes on `app`. */
export function identityRoutes(app: FastifyInstance, ctx: ServerContext): void {
  const small = { bodyLimit: IDENTITY_BODY_LIMIT };

  app.post('/v1/prelogin', small, async (request) => {
    const { name } = parseInput(PreloginInput, request.body);
    const nameKey = clinicNameKey(name);
    const row = await profileByNameKey(ctx, nameKey);
    // Re-parsed so a real profile's KDF has the fake one's key order (jsonb reorders keys): same shape, no tell.
    return { kdf: ClinicKdf.parse(row === null ? fakeKdf(ctx.secret, nameKey) : row.kdf) };
  });

  app.post('/v1/profiles', small, async (request, reply): Promise<SignInOutput> => {
    const input = parseInput(RegisterInput, request.body);
    checkKdf(input.keys.kdf);
    const now = ctx.clock.now();
    // Counted per address like a failed sign-in (a taken name answers CONFLICT: probing names costs the same), and
    // given back on success. A wrong or missing enrollment secret counts as a failure too.
    const scopes = signInScopes(ctx.secret, null, clientAddress(request));
    await reserveOrRefuse(ctx, scopes, now, input.workstation.id);
    if (!enrollmentSecretMatches(ctx.settings.enrollmentSecret, input.enrollmentSecret)) {
      await audit(ctx.pool, now, 'register_refused', { workstationId: input.workstation.id });
      throw new SyncError('UNAUTHORIZED', "Registering a profile on this sync server needs the clinic's enrollment secret: ask IT.");
    }
    const { salt, hash } = await hashAuthKey(input.authKey);
    const answer = await inTransaction(ctx.pool, async (db) => {
      const inserted = await db.query(
        `INSERT INTO profiles (id, name, name_key, kdf, auth_salt, auth_hash, keys, keys_version, created_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, 1, $8) ON CONFLICT DO NOTHING`,
        [input.profileId, input.name, clinicNameKey(input.name), input.keys.kdf, salt, hash, { wrappedDataKey: input.keys.wrappedDataKey, escrow: input.keys.escrow }, now],
      );
      if (inserted.rowCount !== 1) throw new SyncError('CONFLICT', 'That profile name or id is already registered.');
      await db.query('INSERT INTO counters (profile_id) VALUES ($1)', [input.profileId]);
      const { token, expiresAt } = await issueToken(db, input.profileId, input.workstation, now, ctx.settings.tokenTtlMs, 1);
      await audit(db, now, 'register', { profileId: input.profileId, workstationId: input.workstation.id });
      return { token, expiresAt: expiresAt.toISOString(), profileId: input.profileId, name: input.name, keysVersion: 1, keys: input.keys };
    });
    await signInSucceeded(ctx.pool, scopes);
    reply.code(201);
    return answer;
  });

  app.post('/v1/sessions', small, async (request): Promise<SignInOutput> => {
    const input = parseInput(SignInInput, request.body);
    const nameKey = clinicNameKey(input.name);
    const scopes = signInScopes(ctx.secret, nameKey, clientAddress(request));
    const now = ctx.clock.now();
    await reserveOrRefuse(ctx, scopes, now, input.workstation.id);
    const row = await profileByNameKey(ctx, nameKey);
    const ok = await verifyAuthKey(input.authKey, row === null ? null : { salt: row.auth_salt, hash: row.auth_hash });
    if (!ok || row === null) {
      // The reservation stands as the failure.
      await audit(ctx.pool, now, 'sign_in_failed', { profileId: row?.id ?? null, workstationId: input.workstation.id });
      throw unauthorized();
    }
    await signInSucceeded(ctx.pool, scopes);
    if (row.removed_at !== null) throw new SyncError('PROFILE_REMOVED', 'This clinic profile was removed by IT.');
    const { token, expiresAt } = await issueToken(ctx.pool, row.id, input.workstation, now, ctx.settings.tokenTtlMs, row.keys_version);
    await audit(ctx.pool, now, 'sign_in', { profileId: row.id, workstationId: input.workstation.id });
    return { token, expiresAt: expiresAt.toISOString(), ...profileOutput(row) };
  });

  app.delete('/v1/sessions/current', async (request, reply) => {
    const now = ctx.clock.now();
    const caller = await authenticate(ctx.pool, request.headers.authorization, now);
    await ctx.pool.query('UPDATE tokens SET revoked_at = $2 WHERE hash = $1', [caller.tokenHash, now]);
    await audit(ctx.pool, now, 'sign_out', { profileId: caller.profileId, workstationId: caller.workstationId });
    return reply.code(204).send();
  });

  app.get('/v1/profile', async (request): Promise<ProfileOutput> => {
    const caller = await authenticate(ctx.pool, request.headers.authorization, ctx.clock.now());
    const { rows } = await ctx.pool.query<ProfileRow>('SELECT * FROM profiles WHERE id = $1', [caller.profileId]);
    return profileOutput(rows[0] as ProfileRow);
  });

  app.put('/v1/profile/keys', small, async (request): Promise<ProfileOutput> => {
    const now = ctx.clock.now();
    const caller = await authenticate(ctx.pool, request.headers.authorization, now);
    const input = parseInput(ChangeKeysInput, request.body);
    checkKdf(input.keys.kdf);
    // The current auth key is checked here too: a stolen token must not make this an unlimited guessing oracle.
    const { rows: named } = await ctx.pool.query<{ name_key: string }>('SELECT name_key FROM profiles WHERE id = $1', [caller.profileId]);
    const scopes = signInScopes(ctx.secret, named[0]?.name_key ?? '', clientAddress(request));
    await reserveOrRefuse(ctx, scopes, now, caller.workstationId);
    const fresh = await hashAuthKey(input.authKey);
    const row = await inTransaction(ctx.pool, async (db) => {
      // The counter lock first, as every write of the profile (and IT's removal) takes it: no deadlock, and a token
      // revoked or a profile removed meanwhile is refused here.
      await lockCallerProfile(db, caller, now);
      const { rows } = await db.query<ProfileRow>('SELECT * FROM profiles WHERE id = $1 FOR UPDATE', [caller.profileId]);
      const current = rows[0] as ProfileRow;
      if (!(await verifyAuthKey(input.currentAuthKey, { salt: current.auth_salt, hash: current.auth_hash }))) throw unauthorized();
      const updated = await db.query<ProfileRow>(
        `UPDATE profiles SET kdf = $2, auth_salt = $3, auth_hash = $4, keys = $5, keys_version = keys_version + 1
           WHERE id = $1 RETURNING *`,
        [caller.profileId, input.keys.kdf, fresh.salt, fresh.hash, { wrappedDataKey: input.keys.wrappedDataKey, escrow: input.keys.escrow }],
      );
      // The old passphrase must stop working everywhere: every other workstation signs in again with the new one.
      await db.query('UPDATE tokens SET revoked_at = $3 WHERE profile_id = $1 AND hash <> $2 AND revoked_at IS NULL', [caller.profileId, caller.tokenHash, now]);
      // The changer's own token follows the new keys; any sign-in still in flight with the old ones does not.
      await db.query('UPDATE tokens SET keys_version = $2 WHERE hash = $1', [caller.tokenHash, (updated.rows[0] as ProfileRow).keys_version]);
      await audit(db, now, 'keys_changed', { profileId: caller.profileId, workstationId: caller.workstationId });
      return updated.rows[0] as ProfileRow;
    });
    await signInSucceeded(ctx.pool, scopes);
    return profileOutput(row);
  });
}
