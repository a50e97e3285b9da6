import { z } from 'zod';
import { fromBase64Strict, toBase64, utf8 } from '../vault/encoding';
import { WRAPPING_KEY_USAGES } from '../vault/keyWrap';
import type { CryptoKey } from '../vault/webCryptoTypes';

/**
 * PBKDF2-SHA256 iterations for new profiles and passphrase changes: OWASP's figure for PBKDF2-HMAC-SHA256 (2023),
 * the minimum this app accepts (check 18 in docs/checks.md). Each profile stores its own count, so raising this
 * later upgrades old profiles at their next unlock.
 */
export const PBKDF2_ITERATIONS = 600_000;

/** Random salt bytes per profile (and per passphrase change): 128 bits, as NIST SP 800-132 asks at least. */
export const KDF_SALT_BYTES = 16;

/** The key-derivation parameters stored with a profile. */
export const KdfParams = z.strictObject({
  algorithm: z.literal('PBKDF2-SHA256'),
  // Low counts load (tests create them; a lowered count only makes the stored wrap fail to open) and are raised
  // to the current count at the next unlock.
  iterations: z.number().int().min(1).max(100_000_000),
  salt: z.string().refine((salt) => fromBase64Strict(salt, KDF_SALT_BYTES) !== null, { error: 'salt must be 16 bytes of base64' }),
});
/** @see KdfParams */
export type KdfParams = z.infer<typeof KdfParams>;

/** Fresh parameters: a new random salt and `iterations`. */
export function newKdfParams(iterations: number): KdfParams {
  return { algorithm: 'PBKDF2-SHA256', iterations, salt: toBase64(globalThis.crypto.getRandomValues(new Uint8Array(KDF_SALT_BYTES))) };
}

/**
 * The passphrase as it is fed to the KDF: NFKC-normalized (NIST SP 800-63B §5.1.1.2), so the same passphrase
 * typed on another keyboard or input method — composed or decomposed accents — derives the same key.
 */
export function normalizePassphrase(passphrase: string): string {
  return passphrase.normalize('NFKC');
}

/**
 * Derives the profile's key-encryption key: a non-extractable AES-256-GCM key that can only wrap and unwrap the
 * profile data key.
 *
 * Warning: at the production count this takes a noticeable fraction of a second of CPU (on libuv's thread pool,
 * not the main thread). That cost is the point; do not call it in loops.
 */
export async function deriveKek(passphrase: string, params: KdfParams): Promise<CryptoKey> {
  const salt = fromBase64Strict(params.salt, KDF_SALT_BYTES);
  if (!salt) throw new TypeError('KDF salt must be 16 bytes of base64');
  const material = await globalThis.crypto.subtle.importKey('raw', utf8(normalizePassphrase(passphrase)), 'PBKDF2', false, ['deriveKey']);
  return globalThis.crypto.subtle.deriveKey(
    { name: 'PBKDF2', hash: 'SHA-256', salt, iterations: params.iterations },
    material,
    { name: 'AES-GCM', length: 256 },
    false,
    [...WRAPPING_KEY_USAGES],
  );
}
