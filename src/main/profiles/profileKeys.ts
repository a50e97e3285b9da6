import { z } from 'zod';
import type { SecretStorage } from '../core/platformInterfaces';
import { additionalData } from '../vault/encoding';
import { KeyUnwrapError, WRAPPING_KEY_USAGES, newWrappableAesKey, unwrapAesKey, wrapAesKey } from '../vault/keyWrap';
import type { CryptoKey } from '../vault/webCryptoTypes';
import { KdfParams, deriveKek, newKdfParams } from './kdf';
import { RecoveryKeyError, WrongPassphraseError } from './profileErrors';
import { RecoveryEscrow, unwrapEscrowedDataKey, escrowDataKey, type RecoveryPublicKey } from './recoveryEscrow';
import { SecretStorageSealed, openWithSecretStorage, sealWithSecretStorage, type SecretStoragePolicy } from './secretStorageLayer';

/**
 * A profile's wrapped data key as stored. Layers, inside out: the random 256-bit data key, wrapped (AES-GCM, bound
 * to the profile id) by the KEK derived from the passphrase with `kdf`; that, sealed by the OS secret store; and,
 * beside it, optionally the same data key escrowed to IT's recovery key.
 */
export const ProfileKeys = z.strictObject({
  kdf: KdfParams,
  wrappedDataKey: SecretStorageSealed,
  recovery: RecoveryEscrow.nullable(),
});
/** @see ProfileKeys */
export type ProfileKeys = z.infer<typeof ProfileKeys>;

/** What the key operations need from policy. */
export interface ProfileKeyPolicy extends SecretStoragePolicy {
  /** IT's escrow key (policy `recoveryPublicKeyPem`, imported), or null when IT escrows nothing. */
  readonly recoveryKey: RecoveryPublicKey | null;
}

/** Where the key operations run: the OS secret store, policy, and the PBKDF2 count for new wraps. */
export interface ProfileKeyEnvironment {
  readonly storage: SecretStorage;
  readonly policy: ProfileKeyPolicy;
  readonly iterations: number;
}

/** Additional data of the passphrase wrap: the data key unwraps only as the key of this profile. */
function dataKeyAdditionalData(profileId: string): Uint8Array<ArrayBuffer> {
  return additionalData('cpa.profile-data-key', profileId);
}

/**
 * Wraps the extractable `dataKey` under a new KEK from `passphrase` (fresh salt) and seals that with the OS store.
 * Also offers a non-extractable copy of the key, unwrapped with the same KEK, so creation derives only once.
 */
async function wrapUnderPassphrase(profileId: string, dataKey: CryptoKey, passphrase: string, env: ProfileKeyEnvironment) {
  const kdf = newKdfParams(env.iterations);
  const kek = await deriveKek(passphrase, kdf);
  const inner = await wrapAesKey(dataKey, kek, dataKeyAdditionalData(profileId));
  const stored: Pick<ProfileKeys, 'kdf' | 'wrappedDataKey'> = { kdf, wrappedDataKey: await sealWithSecretStorage(env.storage, env.policy, inner) };
  return { stored, nonExtractableCopy: () => unwrapAesKey(inner, kek, dataKeyAdditionalData(profileId), WRAPPING_KEY_USAGES) };
}

/** The escrow to store: refreshed when policy names another IT key than the one on record; kept otherwise. */
async function escrowFor(profileId: string, dataKey: CryptoKey, current: RecoveryEscrow | null, env: ProfileKeyEnvironment): Promise<RecoveryEscrow | null> {
  const recoveryKey = env.policy.recoveryKey;
  // No key in policy keeps an existing escrow: taking the setting out must not strand a profile IT could recover.
  if (!recoveryKey || current?.keyId === recoveryKey.keyId) return current;
  return escrowDataKey(dataKey, profileId, recoveryKey);
}

/** Unwraps the data key through both layers; a KEK that does not fit is {@link WrongPassphraseError}. */
async function openDataKey(profileId: string, keys: ProfileKeys, passphrase: string, env: ProfileKeyEnvironment) {
  const inner = await openWithSecretStorage(env.storage, env.policy, keys.wrappedDataKey);
  const kek = await deriveKek(passphrase, keys.kdf);
  const unwrap = async (extractable: boolean): Promise<CryptoKey> => {
    try {
      return await unwrapAesKey(inner, kek, dataKeyAdditionalData(profileId), WRAPPING_KEY_USAGES, extractable);
    } catch (error) {
      if (error instanceof KeyUnwrapError) throw new WrongPassphraseError();
      throw error;
    }
  };
  return { dataKey: await unwrap(false), unwrapExtractable: () => unwrap(true) };
}

/**
 * Creates the keys of a new profile: a random data key, wrapped under the passphrase and the OS secret store, and
 * escrowed to IT when policy names a recovery key. Returns what to store and the data key (non-extractable).
 */
export async function createProfileKeys(
  profileId: string,
  passphrase: string,
  env: ProfileKeyEnvironment,
): Promise<{ keys: ProfileKeys; dataKey: CryptoKey }> {
  // Extractable only inside this call, to be wrapped; callers get the non-extractable unwrapped copy.
  const fresh = await newWrappableAesKey(WRAPPING_KEY_USAGES);
  const wrapped = await wrapUnderPassphrase(profileId, fresh, passphrase, env);
  const keys: ProfileKeys = { ...wrapped.stored, recovery: await escrowFor(profileId, fresh, null, env) };
  return { keys, dataKey: await wrapped.nonExtractableCopy() };
}

/**
 * Unwraps a profile's data key with its passphrase. Also returns replacement keys when stored ones are due for
 * upkeep — fewer PBKDF2 iterations than the current count, or escrow to an IT key policy no longer names — or null.
 * Throws {@link WrongPassphraseError}, or `SecretStorageError` when the OS store refuses.
 */
export async function unlockProfileKeys(
  profileId: string,
  keys: ProfileKeys,
  passphrase: string,
  env: ProfileKeyEnvironment,
): Promise<{ dataKey: CryptoKey; upgraded: ProfileKeys | null }> {
  const opened = await openDataKey(profileId, keys, passphrase, env);
  const weakKdf = keys.kdf.iterations < env.iterations;
  const staleEscrow = env.policy.recoveryKey !== null && keys.recovery?.keyId !== env.policy.recoveryKey.keyId;
  if (!weakKdf && !staleEscrow) return { dataKey: opened.dataKey, upgraded: null };

  const extractable = await opened.unwrapExtractable();
  const rewrapped = weakKdf ? (await wrapUnderPassphrase(profileId, extractable, passphrase, env)).stored : keys;
  const upgraded: ProfileKeys = { ...rewrapped, recovery: await escrowFor(profileId, extractable, keys.recovery, env) };
  return { dataKey: opened.dataKey, upgraded };
}

/**
 * Re-wraps the same data key under `next` (fresh salt, current iteration count). Nothing else changes: session keys
 * stay wrapped by the same data key, records stay sealed by the same session keys.
 */
export async function changeProfilePassphrase(
  profileId: string,
  keys: ProfileKeys,
  current: string,
  next: string,
  env: ProfileKeyEnvironment,
): Promise<ProfileKeys> {
  const dataKey = await (await openDataKey(profileId, keys, current, env)).unwrapExtractable();
  return { ...(await wrapUnderPassphrase(profileId, dataKey, next, env)).stored, recovery: await escrowFor(profileId, dataKey, keys.recovery, env) };
}

/**
 * IT's recovery flow (docs: a clinician forgot the passphrase, or the OS secret store changed): opens the escrowed
 * data key with IT's private key and wraps it under `newPassphrase` and the OS secret store running now. The data
 * key itself is unchanged, so every session of the profile stays readable. Throws {@link RecoveryKeyError}.
 */
export async function recoverWithPrivateKey(
  privateKeyPem: string,
  profileId: string,
  keys: ProfileKeys,
  newPassphrase: string,
  env: ProfileKeyEnvironment,
): Promise<ProfileKeys> {
  if (!keys.recovery) throw new RecoveryKeyError('no-escrow', 'This profile has no key escrowed to IT, so it cannot be recovered.');
  const dataKey = await unwrapEscrowedDataKey(privateKeyPem, profileId, keys.recovery);
  return {
    ...(await wrapUnderPassphrase(profileId, dataKey, newPassphrase, env)).stored,
    recovery: await escrowFor(profileId, dataKey, keys.recovery, env),
  };
}

/**
 * Opens the profile's data key extractable for the length of `use` only — to wrap it once more for the clinic sync
 * server (publishing a local profile at its first unlock with sync on, or sending a passphrase change). Throws
 * {@link WrongPassphraseError}.
 *
 * Warning: `use` must not keep the key. Whatever it wraps it with leaves this call; the key itself must not.
 */
export async function withExtractableDataKey<T>(
  profileId: string,
  keys: ProfileKeys,
  passphrase: string,
  env: ProfileKeyEnvironment,
  use: (dataKey: CryptoKey) => Promise<T>,
): Promise<T> {
  const opened = await openDataKey(profileId, keys, passphrase, env);
  return use(await opened.unwrapExtractable());
}

/**
 * The keys to store for a profile whose data key came from elsewhere — signing in on a new workstation with a clinic
 * profile: the same data key (extractable, for this call) wrapped under a KEK from `passphrase` with a fresh local
 * salt and sealed by this workstation's OS secret store; the escrow IT already holds is kept when it is for the key
 * policy names, made afresh otherwise. Returns what to store and the non-extractable copy of the data key.
 */
export async function adoptProfileKeys(
  profileId: string,
  dataKey: CryptoKey,
  passphrase: string,
  escrow: RecoveryEscrow | null,
  env: ProfileKeyEnvironment,
): Promise<{ keys: ProfileKeys; dataKey: CryptoKey }> {
  const wrapped = await wrapUnderPassphrase(profileId, dataKey, passphrase, env);
  const keys: ProfileKeys = { ...wrapped.stored, recovery: await escrowFor(profileId, dataKey, escrow, env) };
  return { keys, dataKey: await wrapped.nonExtractableCopy() };
}
