import { GCM_IV_BYTES, GCM_TAG_BYTES, gcmParams, newGcmIv } from './aesGcm';
import { fromBase64Strict, toBase64 } from './encoding';
import type { CryptoKey, KeyUsage } from './webCryptoTypes';

/** A key that can be used only to seal and open record payloads. */
export const RECORD_KEY_USAGES: readonly KeyUsage[] = ['encrypt', 'decrypt'];
/** A key that can be used only to wrap and unwrap other keys. */
export const WRAPPING_KEY_USAGES: readonly KeyUsage[] = ['wrapKey', 'unwrapKey'];

/** A wrapped key could not be unwrapped: wrong wrapping key, wrong additional data, or altered bytes. */
export class KeyUnwrapError extends Error {
  override readonly name = 'KeyUnwrapError';
  constructor() {
    super('The key could not be unwrapped');
  }
}

/** A new random 256-bit AES-GCM key. It is extractable only so that it can be wrapped once; never keep it. */
export function newWrappableAesKey(usages: readonly KeyUsage[]): Promise<CryptoKey> {
  return globalThis.crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, true, [...usages]);
}

/**
 * Wraps the extractable AES `key` under `wrappingKey` (AES-256-GCM, random IV, `additionalData` bound) and returns
 * base64 of IV ‖ ciphertext ‖ tag. The additional data names what the key belongs to, so a wrapped key copied to
 * another entry does not unwrap there.
 */
export async function wrapAesKey(key: CryptoKey, wrappingKey: CryptoKey, additionalData: Uint8Array<ArrayBuffer>): Promise<string> {
  const iv = newGcmIv();
  const wrapped = new Uint8Array(await globalThis.crypto.subtle.wrapKey('raw', key, wrappingKey, gcmParams(iv, additionalData)));
  const out = new Uint8Array(iv.byteLength + wrapped.byteLength);
  out.set(iv, 0);
  out.set(wrapped, iv.byteLength);
  return toBase64(out);
}

/**
 * Unwraps what {@link wrapAesKey} produced into an AES-256-GCM key with `usages`. The result is NOT extractable
 * unless `extractable` is set, which only re-wrapping (passphrase change, recovery escrow) needs, for the length of
 * one call. Throws {@link KeyUnwrapError} on any mismatch.
 */
export async function unwrapAesKey(
  wrapped: string,
  wrappingKey: CryptoKey,
  additionalData: Uint8Array<ArrayBuffer>,
  usages: readonly KeyUsage[],
  extractable = false,
): Promise<CryptoKey> {
  const bytes = fromBase64Strict(wrapped);
  // 32 key bytes: a wrapped 256-bit key has exactly this length, anything else is damage.
  if (!bytes || bytes.byteLength !== GCM_IV_BYTES + 32 + GCM_TAG_BYTES) throw new KeyUnwrapError();
  try {
    return await globalThis.crypto.subtle.unwrapKey(
      'raw',
      bytes.subarray(GCM_IV_BYTES),
      wrappingKey,
      gcmParams(bytes.subarray(0, GCM_IV_BYTES), additionalData),
      { name: 'AES-GCM', length: 256 },
      extractable,
      [...usages],
    );
  } catch {
    throw new KeyUnwrapError();
  }
}
