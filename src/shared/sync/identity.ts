/**
 * The sync protocol's identity messages: registering a clinic profile, prelogin, sign-in and passphrase change.
 *
 * The passphrase never leaves the workstation. The workstation runs the KDF, splits its output with HKDF into a
 * wrap key (wraps the profile data key) and an auth key (sent here), so the server holds a slow hash of the auth
 * key and a data key it cannot unwrap — nothing that opens a record without the passphrase.
 */
import { z } from 'zod';

/** PBKDF2-SHA256 iterations below which a workstation refuses parameters, whoever sent them (OWASP 2023). */
export const MIN_CLINIC_KDF_ITERATIONS = 600_000;
/** The highest count accepted: bounds the work a hostile server can make a workstation do at sign-in. */
export const MAX_CLINIC_KDF_ITERATIONS = 10_000_000;

const Base64 = /^[A-Za-z0-9+/]*={0,2}$/;
/** Base64 of exactly `bytes` bytes. */
const base64Of = (bytes: number) =>
  z
    .string()
    .length(4 * Math.ceil(bytes / 3))
    .regex(Base64, { error: 'must be base64' });

/** Key-derivation parameters of a clinic profile: the KDF, its cost and its salt (16 bytes). */
export const ClinicKdf = z.strictObject({
  algorithm: z.literal('PBKDF2-SHA256'),
  iterations: z.number().int().min(1).max(MAX_CLINIC_KDF_ITERATIONS),
  salt: base64Of(16),
});
/** @see ClinicKdf */
export type ClinicKdf = z.infer<typeof ClinicKdf>;

/** The 256-bit server-auth key derived from the passphrase (never the passphrase, never the wrap key). */
export const AuthKey = base64Of(32);

/** A profile's display name as sent to the server: what the clinician types on the lock screen. */
export const ClinicProfileName = z.string().trim().min(1).max(80);

/** The form names are compared in: two names differing only in case or Unicode form are one name. */
export function clinicNameKey(name: string): string {
  return name.trim().normalize('NFKC').toLowerCase();
}

/** A workstation's stable random id and IT's label for it ("Triage 2"), shown to colleagues on SESSION_BUSY. */
export const Workstation = z.strictObject({
  id: z.uuid({ version: 'v4' }),
  label: z.string().trim().min(1).max(64),
});
/** @see Workstation */
export type Workstation = z.infer<typeof Workstation>;

/** The profile's keys as the server keeps them: opaque blobs only a passphrase (or IT's private key) opens. */
export const ClinicProfileKeys = z.strictObject({
  kdf: ClinicKdf,
  /** The profile data key wrapped by the wrap key (base64, the workstation's own wrap format). */
  wrappedDataKey: z.string().min(1).max(512).regex(Base64),
  /** The data key escrowed to IT's recovery key (JSON of the workstation's escrow record), or null. */
  escrow: z.string().min(1).max(8192).nullable(),
});
/** @see ClinicProfileKeys */
export type ClinicProfileKeys = z.infer<typeof ClinicProfileKeys>;

/** `POST /v1/profiles`: publish a profile to the clinic (its id stays the same on every workstation). */
export const RegisterInput = z.strictObject({
  profileId: z.uuid({ version: 'v4' }),
  name: ClinicProfileName,
  authKey: AuthKey,
  keys: ClinicProfileKeys,
  workstation: Workstation,
  /** The clinic's enrollment secret, when IT set one on the server (CPA_SYNC_ENROLLMENT_SECRET); else omitted. */
  enrollmentSecret: z.string().min(1).max(256).optional(),
});
/** @see RegisterInput */
export type RegisterInput = z.infer<typeof RegisterInput>;

/** `POST /v1/prelogin`: the KDF parameters for a name — fake but stable ones for a name nobody has. */
export const PreloginInput = z.strictObject({ name: ClinicProfileName });
/** @see PreloginInput */
export type PreloginInput = z.infer<typeof PreloginInput>;
/** @see PreloginInput */
export const PreloginOutput = z.strictObject({ kdf: ClinicKdf });
/** @see PreloginOutput */
export type PreloginOutput = z.infer<typeof PreloginOutput>;

/** `POST /v1/sessions`: sign in with the auth key; answers a short-lived token and the profile's keys. */
export const SignInInput = z.strictObject({ name: ClinicProfileName, authKey: AuthKey, workstation: Workstation });
/** @see SignInInput */
export type SignInInput = z.infer<typeof SignInInput>;

/** The answer to register and sign-in. */
export const SignInOutput = z.strictObject({
  /** Bearer token (random, 256 bits); the server keeps only its hash. */
  token: z.string().min(43).max(64),
  expiresAt: z.iso.datetime(),
  profileId: z.uuid({ version: 'v4' }),
  name: ClinicProfileName,
  /** Grows at every passphrase change: a workstation holding an older one re-wraps from these keys. */
  keysVersion: z.number().int().min(1),
  keys: ClinicProfileKeys,
});
/** @see SignInOutput */
export type SignInOutput = z.infer<typeof SignInOutput>;

/** `PUT /v1/profile/keys`: a passphrase change — the old auth key proves it, the new keys replace the old. */
export const ChangeKeysInput = z.strictObject({
  currentAuthKey: AuthKey,
  authKey: AuthKey,
  keys: ClinicProfileKeys,
});
/** @see ChangeKeysInput */
export type ChangeKeysInput = z.infer<typeof ChangeKeysInput>;

/** `GET /v1/profile`: the profile's current keys (a workstation checks `keysVersion` at every contact). */
export const ProfileOutput = SignInOutput.omit({ token: true, expiresAt: true });
/** @see ProfileOutput */
export type ProfileOutput = z.infer<typeof ProfileOutput>;
