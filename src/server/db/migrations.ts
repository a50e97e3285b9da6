/**
 * The database schema as numbered migrations, applied at every start. Released migrations are never edited:
 * a change is a new entry. Several server processes may start at once; the transaction-scoped advisory lock makes
 * one apply and the others find the work done.
 */
import { randomBytes } from 'node:crypto';
import type { Pool } from 'pg';
import { inTransaction } from './transaction';

/** Advisory lock key of the migration step (any constant distinct from the sweeps'). */
const MIGRATION_LOCK = 7_310_001;

/** Every migration, in order. Version numbers are the array position + 1. */
export const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE profiles (
    id uuid PRIMARY KEY,
    name text NOT NULL,
    name_key text NOT NULL UNIQUE,
    kdf jsonb NOT NULL,
    auth_salt bytea NOT NULL,
    auth_hash bytea NOT NULL,
    keys jsonb,
    keys_version integer NOT NULL DEFAULT 1,
    removed_at timestamptz,
    created_at timestamptz NOT NULL
  );
  CREATE TABLE tokens (
    hash bytea PRIMARY KEY,
    profile_id uuid NOT NULL REFERENCES profiles(id),
    workstation_id uuid NOT NULL,
    workstation_label text NOT NULL,
    expires_at timestamptz NOT NULL,
    revoked_at timestamptz
  );
  CREATE INDEX tokens_profile ON tokens(profile_id);
  CREATE TABLE counters (
    profile_id uuid PRIMARY KEY REFERENCES profiles(id),
    last_change bigint NOT NULL DEFAULT 0,
    horizon bigint NOT NULL DEFAULT 0
  );
  CREATE TABLE items (
    profile_id uuid NOT NULL REFERENCES profiles(id),
    kind text NOT NULL CHECK (kind IN ('record', 'key')),
    id uuid NOT NULL,
    session_id uuid NOT NULL,
    version integer NOT NULL,
    day date,
    blob bytea NOT NULL,
    blob_sha256 bytea NOT NULL,
    change_no bigint NOT NULL,
    PRIMARY KEY (profile_id, kind, id)
  );
  CREATE INDEX items_changes ON items(profile_id, change_no);
  CREATE INDEX items_session ON items(profile_id, session_id);
  CREATE INDEX items_key_day ON items(day) WHERE kind = 'key';
  CREATE TABLE tombstones (
    profile_id uuid NOT NULL REFERENCES profiles(id),
    session_id uuid NOT NULL,
    reason text NOT NULL CHECK (reason IN ('deleted', 'retention')),
    day date NOT NULL,
    change_no bigint NOT NULL,
    created_at timestamptz NOT NULL,
    PRIMARY KEY (profile_id, session_id)
  );
  CREATE INDEX tombstones_changes ON tombstones(profile_id, change_no);
  CREATE INDEX tombstones_created ON tombstones(created_at);
  CREATE TABLE leases (
    profile_id uuid NOT NULL REFERENCES profiles(id),
    session_id uuid NOT NULL,
    fencing bigint NOT NULL DEFAULT 0,
    holder_workstation uuid,
    holder_label text,
    expires_at timestamptz NOT NULL,
    PRIMARY KEY (profile_id, session_id)
  );
  CREATE TABLE sign_in_failures (
    scope text NOT NULL CHECK (scope IN ('name', 'address')),
    key bytea NOT NULL,
    failures integer NOT NULL,
    blocked_until timestamptz,
    PRIMARY KEY (scope, key)
  );
  CREATE TABLE server_secret (
    only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row),
    secret bytea NOT NULL
  );
  CREATE TABLE audit (
    id bigserial PRIMARY KEY,
    at timestamptz NOT NULL,
    action text NOT NULL,
    profile_id uuid,
    workstation_id uuid,
    count integer
  );
  `,
  // 2: tokens remember the keys version they were issued under (a sign-in racing a passphrase change must not
  // outlive it); tombstones keep the workstation's sealed proof (null for the server's retention shred); the ids of a
  // tombstoned session's items stay retired, so a push cannot bring them back under another session id.
  `
  ALTER TABLE tokens ADD COLUMN keys_version integer NOT NULL DEFAULT 1;
  UPDATE tokens t SET keys_version = p.keys_version FROM profiles p WHERE p.id = t.profile_id;
  ALTER TABLE tombstones ADD COLUMN proof bytea;
  CREATE TABLE retired_items (
    profile_id uuid NOT NULL REFERENCES profiles(id),
    kind text NOT NULL,
    id uuid NOT NULL,
    PRIMARY KEY (profile_id, kind, id)
  );
  `,
];

/**
 * Brings the schema up to date and makes sure the server secret exists. Safe to call from several processes at
 * once: they queue on the advisory lock, and the later ones see the versions already applied.
 */
export async function migrate(pool: Pool): Promise<{ applied: number[] }> {
  return inTransaction(pool, async (db) => {
    await db.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    // Checked before creating, so a runtime role without CREATE rights starts fine once the schema is current.
    const { rows: exists } = await db.query<{ found: string | null }>("SELECT to_regclass('schema_migrations')::text AS found");
    if (exists[0]?.found === null) {
      await db.query('CREATE TABLE schema_migrations (version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())');
    }
    const done = new Set((await db.query<{ version: number }>('SELECT version FROM schema_migrations')).rows.map((row) => row.version));
    const applied: number[] = [];
    for (const [index, sql] of MIGRATIONS.entries()) {
      const version = index + 1;
      if (done.has(version)) continue;
      await db.query(sql);
      await db.query('INSERT INTO schema_migrations (version) VALUES ($1)', [version]);
      applied.push(version);
    }
    await db.query('INSERT INTO server_secret (secret) VALUES ($1) ON CONFLICT DO NOTHING', [randomBytes(32)]);
    return { applied };
  });
}

/** The clinic's random server secret (fake prelogin salts, rate-limit keys). Never changes once written. */
export async function readServerSecret(pool: Pool): Promise<Buffer> {
  const { rows } = await pool.query<{ secret: Buffer }>('SELECT secret FROM server_secret');
  const secret = rows[0]?.secret;
  if (secret === undefined) throw new Error('The server secret is missing: run the migrations first.');
  return secret;
}
