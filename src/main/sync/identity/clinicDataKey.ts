/**
 * The profile data key as the sync server keeps it: wrapped by the clinic wrap key (`deriveClinicKeys`),
 * in the vault's wrap format, bound to the profile id. The server stores it and hands it to any workstation that
 * signs in; only the passphrase opens it.
 */
import type { ClinicKdf } from '../../../shared/sync/identity';
import { MIN_CLINIC_KDF_ITERATIONS } from '../../../shared/sync/identity';
import { PBKDF2_ITERATIONS, newKdfParams } from '../../profiles/kdf';
import { additionalData } from '../../vault/encoding';
import { WRAPPING_KEY_USAGES, unwrapAesKey, wrapAesKey } from '../../vault/keyWrap';
import type { CryptoKey } from '../../vault/webCryptoTypes';

/**
 * Additional data of the clinic wrap: another purpose than the local profile's passphrase wrap, so neither wrapped
 * blob can stand in for the other even for the same profile id.
 */
function clinicDataKeyAdditionalData(profileId: string): Uint8Array<ArrayBuffer> {
  return additionalData('cpa.clinic-data-key', profileId);
}

/** Fresh clinic KDF parameters (new random salt) at the workstation's current count, never below the clinic floor. */
export function newClinicKdf(): ClinicKdf {
  return newKdfParams(Math.max(PBKDF2_ITERATIONS, MIN_CLINIC_KDF_ITERATIONS));
}

/**
 * Wraps the extractable `dataKey` under the clinic `wrapKey`, bound to `profileId`: the `wrappedDataKey` sent at
 * registration and passphrase change.
 */
export function wrapDataKeyForClinic(dataKey: CryptoKey, wrapKey: CryptoKey, profileId: string): Promise<string> {
  return wrapAesKey(dataKey, wrapKey, clinicDataKeyAdditionalData(profileId));
}

/**
 * Opens a `wrappedDataKey` from the sync server. Throws `KeyUnwrapError` when the passphrase (so the wrap key) is
 * not the one it was wrapped under, or the blob belongs to another profile. The key is non-extractable unless
 * `extractable` is set — only to re-wrap it under the workstation's own layers, for the length of one call.
 */
export function unwrapDataKeyFromClinic(wrapped: string, wrapKey: CryptoKey, profileId: string, extractable = false): Promise<CryptoKey> {
  return unwrapAesKey(wrapped, wrapKey, clinicDataKeyAdditionalData(profileId), WRAPPING_KEY_USAGES, extractable);
}
