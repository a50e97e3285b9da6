import { z } from 'zod';

/** Longest passphrase accepted over IPC; long passphrases are welcome, megabytes are not. */
export const MAX_PASSPHRASE_LENGTH = 1_024;

const Passphrase = z
  .string({ error: 'passphrase must be text' })
  .min(1, { error: 'passphrase is required' })
  .max(MAX_PASSPHRASE_LENGTH, { error: `passphrase is longer than ${MAX_PASSPHRASE_LENGTH} characters` });

const ProfileId = z.uuid({ version: 'v4', error: 'profileId is not a well-formed profile id' });

/** Who is signed in on this workstation, as the UI follows it. */
export const AuthState = z.strictObject({
  state: z.enum(['locked', 'unlocked']),
  profileId: z.string().nullable(),
  profileName: z.string().nullable(),
  /**
   * Why the app locked last, for the lock screen ("locked after 15 minutes without activity"). `switched`: another
   * clinician signed in, so the previous one was signed out first (a full lock: keys, search index, live sessions).
   */
  reason: z.enum(['start', 'manual', 'idle', 'os-lock', 'removed', 'switched']).nullable(),
});
/** @see AuthState */
export type AuthState = z.infer<typeof AuthState>;

/** A clinician profile as the lock screen lists it: no secrets, nothing about patients. */
export const ProfileSummary = z.strictObject({
  profileId: z.string(),
  name: z.string(),
  createdAt: z.iso.datetime(),
});
/** @see ProfileSummary */
export type ProfileSummary = z.infer<typeof ProfileSummary>;

/** Output of `api.auth.listProfiles`. */
export const ProfileList = z.strictObject({
  profiles: z.array(ProfileSummary),
  /** False when IT policy reserves profile creation to IT. */
  selfCreationAllowed: z.boolean(),
});
/** @see ProfileList */
export type ProfileList = z.infer<typeof ProfileList>;

/** Input of `api.auth.createProfile`. */
export const CreateProfileInput = z.strictObject({
  name: z.string({ error: 'name must be text' }).trim().min(1, { error: 'name is required' }).max(80, { error: 'name is longer than 80 characters' }),
  passphrase: Passphrase,
});
/** @see CreateProfileInput */
export type CreateProfileInput = z.input<typeof CreateProfileInput>;

/** Input of `api.auth.unlock`. */
export const UnlockInput = z.strictObject({ profileId: ProfileId, passphrase: Passphrase });
/** @see UnlockInput */
export type UnlockInput = z.input<typeof UnlockInput>;

/**
 * Input of `api.auth.signInWithClinicProfile`: a clinician's first sign-in on this workstation with the profile
 * they published from another one (sync on). The name is the one they type; the server compares it case-blind.
 */
export const SignInWithClinicProfileInput = z.strictObject({
  name: z.string({ error: 'name must be text' }).trim().min(1, { error: 'name is required' }).max(80, { error: 'name is longer than 80 characters' }),
  passphrase: Passphrase,
});
/** @see SignInWithClinicProfileInput */
export type SignInWithClinicProfileInput = z.input<typeof SignInWithClinicProfileInput>;

/** Input of `api.auth.changePassphrase` (for the unlocked profile). */
export const ChangePassphraseInput = z.strictObject({ currentPassphrase: Passphrase, newPassphrase: Passphrase });
/** @see ChangePassphraseInput */
export type ChangePassphraseInput = z.input<typeof ChangePassphraseInput>;

/** An answer with nothing to say beyond success. */
export const Done = z.strictObject({ done: z.literal(true) });
/** @see Done */
export type Done = z.infer<typeof Done>;
