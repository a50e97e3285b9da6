import { KeyObject, createDecipheriv } from 'node:crypto';
import type { AesGcmParams, CryptoKey } from './webCryptoTypes';

/**
 * AES-256-GCM: the one place the vault chooses IV size, tag size and where the IV comes from. Keys are WebCrypto
 * keys (generated, wrapped and unwrapped by WebCrypto, non-extractable); sealing uses WebCrypto, opening uses Node's
 * cipher on the same key (see {@link gcmOpen}).
 */

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

/** Node cipher handles of WebCrypto keys, made once per key (the key bytes never leave the crypto library). */
const cipherKeys = new WeakMap<CryptoKey, KeyObject>();

/** The cipher handle of `key`, refusing a key WebCrypto itself would refuse for decryption. */
function decryptionKeyOf(key: CryptoKey): KeyObject {
  const algorithm = key.algorithm as { name?: string; length?: number };
  if (algorithm.name !== 'AES-GCM' || algorithm.length !== 256 || !key.usages.includes('decrypt')) {
    throw new TypeError('gcmOpen needs an AES-256-GCM key usable for decryption');
  }
  let handle = cipherKeys.get(key);
  if (!handle) {
    handle = KeyObject.from(key);
    cipherKeys.set(key, handle);
  }
  return handle;
}

/**
 * Opens what {@link gcmSeal} sealed; throws {@link GcmAuthenticationError} when anything does not match.
 *
 * Runs Node's AES-GCM on the WebCrypto key synchronously: opening is the bulk path (the search index opens the
 * whole history after every unlock), and a WebCrypto call costs ~30 µs of main-thread time per record in job
 * set-up against ~4 µs for the same cipher here. Same algorithm, key, IV, tag and additional data: what one seals
 * the other opens (tested both ways).
 */
export async function gcmOpen(key: CryptoKey, sealed: GcmSealed, additionalData: Uint8Array<ArrayBuffer>): Promise<Uint8Array<ArrayBuffer>> {
  if (sealed.iv.byteLength !== GCM_IV_BYTES || sealed.ciphertext.byteLength < GCM_TAG_BYTES) {
    throw new GcmAuthenticationError();
  }
  const handle = decryptionKeyOf(key);
  const bodyLength = sealed.ciphertext.byteLength - GCM_TAG_BYTES;
  try {
    const decipher = createDecipheriv('aes-256-gcm', handle, sealed.iv, { authTagLength: GCM_TAG_BYTES });
    decipher.setAAD(additionalData);
    decipher.setAuthTag(sealed.ciphertext.subarray(bodyLength));
    const plaintext = new Uint8Array(bodyLength);
    const head = decipher.update(sealed.ciphertext.subarray(0, bodyLength));
    plaintext.set(head, 0);
    // final() checks the tag: until it returns, nothing decrypted may be trusted (or returned).
    const tail = decipher.final();
    plaintext.set(tail, head.byteLength);
    return plaintext;
  } catch {
    throw new GcmAuthenticationError();
  }
}
