import { z } from 'zod';
import { additionalData, fromBase64Strict, toBase64 } from '../vault/encoding';
import { WRAPPING_KEY_USAGES } from '../vault/keyWrap';
import type { CryptoKey } from '../vault/webCryptoTypes';
import { RECOVERY_KEY_SETTING, RecoveryKeyError } from './profileErrors';

/** Smallest RSA modulus accepted for escrow (NIST SP 800-57: 2048 bits gives 112-bit security). */
export const MIN_RECOVERY_KEY_BITS = 2048;

const RSA_OAEP = { name: 'RSA-OAEP', hash: 'SHA-256' } as const;

/** A profile data key escrowed to IT: RSA-OAEP-SHA256 under IT's public key, and which key that was. */
export const RecoveryEscrow = z.strictObject({
  /** SHA-256 of the public key's SPKI bytes, hex: tells which IT key can recover this profile. */
  keyId: z.string().regex(/^[0-9a-f]{64}$/),
  wrappedDataKey: z.string().min(1).max(4096),
});
/** @see RecoveryEscrow */
export type RecoveryEscrow = z.infer<typeof RecoveryEscrow>;

/** IT's recovery public key, imported once from policy. */
export interface RecoveryPublicKey {
  readonly key: CryptoKey;
  readonly keyId: string;
}

/** The DER bytes inside a PEM block labelled `label`, or null when the text is not exactly one such block. */
function pemBody(pem: string, label: string): Uint8Array<ArrayBuffer> | null {
  const match = new RegExp(`^\\s*-----BEGIN ${label}-----([A-Za-z0-9+/=\\s]+)-----END ${label}-----\\s*$`).exec(pem);
  return match ? fromBase64Strict(match[1]!.replace(/\s+/g, '')) : null;
}

/** The RSA-OAEP label: the escrowed key opens only as the data key of this profile. */
function escrowLabel(profileId: string): Uint8Array<ArrayBuffer> {
  return additionalData('cpa.recovery', profileId);
}

async function keyIdOf(spki: Uint8Array<ArrayBuffer>): Promise<string> {
  return Buffer.from(await globalThis.crypto.subtle.digest('SHA-256', spki)).toString('hex');
}

/**
 * Imports IT's recovery public key (an SPKI PEM, `-----BEGIN PUBLIC KEY-----`, RSA ≥ 2048 bits). Throws
 * {@link RecoveryKeyError} naming the policy setting when it is not usable; start-up should call this so a bad
 * policy is a start-up error.
 */
export async function importRecoveryPublicKey(pem: string): Promise<RecoveryPublicKey> {
  const spki = pemBody(pem, 'PUBLIC KEY');
  const invalid = new RecoveryKeyError(
    'invalid-key',
    `The policy setting ${RECOVERY_KEY_SETTING} must be an RSA public key of at least ${MIN_RECOVERY_KEY_BITS} bits in SPKI PEM form (-----BEGIN PUBLIC KEY-----).`,
  );
  if (!spki) throw invalid;
  let key: CryptoKey;
  try {
    key = await globalThis.crypto.subtle.importKey('spki', spki, RSA_OAEP, false, ['wrapKey']);
  } catch {
    throw invalid;
  }
  if ((key.algorithm as { modulusLength?: number }).modulusLength! < MIN_RECOVERY_KEY_BITS) throw invalid;
  return { key, keyId: await keyIdOf(spki) };
}

/** Escrows the (extractable, for this one call) `dataKey` of `profileId` to IT's recovery key. */
export async function escrowDataKey(dataKey: CryptoKey, profileId: string, recoveryKey: RecoveryPublicKey): Promise<RecoveryEscrow> {
  const wrapped = await globalThis.crypto.subtle.wrapKey('raw', dataKey, recoveryKey.key, { name: 'RSA-OAEP', label: escrowLabel(profileId) });
  return { keyId: recoveryKey.keyId, wrappedDataKey: toBase64(new Uint8Array(wrapped)) };
}

/**
 * The IT recovery step: opens the escrowed data key of `profileId` with IT's private key (PKCS#8 PEM,
 * `-----BEGIN PRIVATE KEY-----`). The result is extractable so that it can be wrapped under a new passphrase at once;
 * never keep it. Throws {@link RecoveryKeyError}: `invalid-key` for an unusable PEM, `wrong-key` for another key.
 */
export async function unwrapEscrowedDataKey(privateKeyPem: string, profileId: string, escrow: RecoveryEscrow): Promise<CryptoKey> {
  const pkcs8 = pemBody(privateKeyPem, 'PRIVATE KEY');
  const invalid = new RecoveryKeyError(
    'invalid-key',
    'The recovery private key must be an RSA key in PKCS#8 PEM form (-----BEGIN PRIVATE KEY-----); convert a PKCS#1 key with `openssl pkcs8 -topk8 -nocrypt`.',
  );
  if (!pkcs8) throw invalid;
  let privateKey: CryptoKey;
  try {
    privateKey = await globalThis.crypto.subtle.importKey('pkcs8', pkcs8, RSA_OAEP, false, ['unwrapKey']);
  } catch {
    throw invalid;
  }
  const wrapped = fromBase64Strict(escrow.wrappedDataKey);
  const wrongKey = new RecoveryKeyError('wrong-key', 'This private key cannot recover the profile: its key was escrowed to another IT recovery key.');
  if (!wrapped) throw wrongKey;
  try {
    return await globalThis.crypto.subtle.unwrapKey(
      'raw',
      wrapped,
      privateKey,
      { name: 'RSA-OAEP', label: escrowLabel(profileId) },
      { name: 'AES-GCM', length: 256 },
      true,
      [...WRAPPING_KEY_USAGES],
    );
  } catch {
    throw wrongKey;
  }
}
