import type { AesGcmParams, CryptoKey } from './webCryptoTypes';

/** AES-256-GCM over WebCrypto: the one place the vault chooses IV size, tag size and where the IV comes from. */

/** 96-bit IV: the size GCM is designed for (other sizes are hashed into one and weaken the bound on reuse). */
export const GCM_IV_BYTES = 12;
/** 128-bit authentication tag, appended to the ciphertext. */
export const GCM_TAG_BITS = 128;
/** Bytes the tag adds to every ciphertext. */
export const GCM_TAG_BYTES = GCM_TAG_BITS / 8;

/** A sealed message: the IV and the ciphertext with its tag at the end. */
export interface GcmSealed {
  readonly iv: Uint8Array<ArrayBuffer>;
  readonly ciphertext: Uint8Array<ArrayBuffer>;
}

/** Authentication failed: wrong key, wrong additional data, or altered IV, ciphertext or tag. */
export class GcmAuthenticationError extends Error {
  override readonly name = 'GcmAuthenticationError';
  constructor() {
    super('AES-GCM authentication failed');
  }
}

/** A fresh random 96-bit IV. Random IVs stay safe for far more than 2^32 messages per key would allow. */
export function newGcmIv(): Uint8Array<ArrayBuffer> {
  return globalThis.crypto.getRandomValues(new Uint8Array(GCM_IV_BYTES));
}

/**
 * The AES-GCM parameters for `iv` and `additionalData`.
 *
 * Warning: never reuse an IV with the same key — GCM then leaks the XOR of plaintexts and the authentication
 * key. Use {@link newGcmIv} for every message.
 */
export function gcmParams(iv: Uint8Array<ArrayBuffer>, additionalData: Uint8Array<ArrayBuffer>): AesGcmParams {
  return { name: 'AES-GCM', iv, additionalData, tagLength: GCM_TAG_BITS };
}

/** Seals `plaintext` under a 256-bit AES-GCM `key`, binding `additionalData`, with a fresh random IV. */
export async function gcmSeal(key: CryptoKey, plaintext: Uint8Array<ArrayBuffer>, additionalData: Uint8Array<ArrayBuffer>): Promise<GcmSealed> {
  const iv = newGcmIv();
  const ciphertext = new Uint8Array(await globalThis.crypto.subtle.encrypt(gcmParams(iv, additionalData), key, plaintext));
  return { iv, ciphertext };
}

/** Opens what {@link gcmSeal} sealed; throws {@link GcmAuthenticationError} when anything does not match. */
export async function gcmOpen(key: CryptoKey, sealed: GcmSealed, additionalData: Uint8Array<ArrayBuffer>): Promise<Uint8Array<ArrayBuffer>> {
  if (sealed.iv.byteLength !== GCM_IV_BYTES || sealed.ciphertext.byteLength < GCM_TAG_BYTES) {
    throw new GcmAuthenticationError();
  }
  try {
    return new Uint8Array(await globalThis.crypto.subtle.decrypt(gcmParams(sealed.iv, additionalData), key, sealed.ciphertext));
  } catch {
    throw new GcmAuthenticationError();
  }
}
