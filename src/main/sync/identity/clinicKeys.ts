/**
 * The two keys a clinic profile's passphrase gives: one wraps the profile data key (never leaves the workstation),
 * one authenticates to the sync server (sent as is; the server keeps only a slow hash of it). One PBKDF2 run,
 * split with HKDF under distinct labels, so knowing the auth key — as the server does — tells nothing about the
 * wrap key (Standard Notes' split; Bitwarden's master-password hash does the same with a second PBKDF2 round).
 */
import { ClinicKdf, MAX_CLINIC_KDF_ITERATIONS, MIN_CLINIC_KDF_ITERATIONS } from '../../../shared/sync/identity';
import { normalizePassphrase } from '../../profiles/kdf';
import { fromBase64Strict, toBase64, utf8 } from '../../vault/encoding';
import { WRAPPING_KEY_USAGES } from '../../vault/keyWrap';
import type { CryptoKey } from '../../vault/webCryptoTypes';
import { ClinicKdfRefusedError } from './clinicKdfRefusedError';

/** HKDF info of the key that wraps the profile data key. */
export const PROFILE_WRAP_KEY_LABEL = 'cpa/v1/profile-wrap-key';
/** HKDF info of the key the workstation proves itself with to the sync server. */
export const SERVER_AUTH_KEY_LABEL = 'cpa/v1/server-auth-key';

/** What {@link deriveClinicKeys} returns. */
export interface ClinicKeys {
  /** Non-extractable AES-256-GCM key, usable only to wrap and unwrap the profile data key. */
  readonly wrapKey: CryptoKey;
  /** 256 bits, base64: what `register`, `signIn` and `changeKeys` send. Opens nothing. */
  readonly authKey: string;
}

/**
 * Checks `kdf` against the protocol's shape and the workstation's bounds; throws {@link ClinicKdfRefusedError}.
 * Exported so callers can refuse a prelogin answer before they ask the clinician for anything.
 */
export function checkClinicKdf(kdf: unknown): ClinicKdf & { readonly saltBytes: Uint8Array<ArrayBuffer> } {
  // The bounds are checked first and on the raw number: the schema's own floor is 1 (it describes the wire), and a
  // count far over the maximum must be refused as costly, not as malformed.
  const iterations = (kdf as { iterations?: unknown } | null)?.iterations;
  if (typeof iterations === 'number' && Number.isInteger(iterations)) {
    if (iterations < MIN_CLINIC_KDF_ITERATIONS) throw new ClinicKdfRefusedError('too-weak');
    if (iterations > MAX_CLINIC_KDF_ITERATIONS) throw new ClinicKdfRefusedError('too-costly');
  }
  const parsed = ClinicKdf.safeParse(kdf);
  if (!parsed.success) throw new ClinicKdfRefusedError('malformed');
  const saltBytes = fromBase64Strict(parsed.data.salt, 16);
  if (!saltBytes) throw new ClinicKdfRefusedError('malformed');
  return { ...parsed.data, saltBytes };
}

/**
 * Derives a clinic profile's wrap key and auth key from the passphrase (NFKC-normalised, as for local profiles).
 *
 * Parameters outside [{@link MIN_CLINIC_KDF_ITERATIONS}, {@link MAX_CLINIC_KDF_ITERATIONS}] are refused with
 * {@link ClinicKdfRefusedError} before any derivation: they usually come from the sync server, which is not trusted
 * to choose how hard the passphrase is to guess.
 *
 * Warning: at the minimum count this is a noticeable fraction of a second of CPU (libuv's thread pool). Call it once
 * per sign-in, never in a loop.
 */
export async function deriveClinicKeys(passphrase: string, kdf: unknown): Promise<ClinicKeys> {
  const checked = checkClinicKdf(kdf);
  const subtle = globalThis.crypto.subtle;
  const material = await subtle.importKey('raw', utf8(normalizePassphrase(passphrase)), 'PBKDF2', false, ['deriveBits']);
  const stretched = new Uint8Array(
    await subtle.deriveBits({ name: 'PBKDF2', hash: 'SHA-256', salt: checked.saltBytes, iterations: checked.iterations }, material, 256),
  );
  try {
    const base = await subtle.importKey('raw', stretched, 'HKDF', false, ['deriveKey', 'deriveBits']);
    // No HKDF salt: PBKDF2's output is already uniformly random (RFC 5869 §3.1), and the KDF salt went into it.
    const hkdf = (label: string) => ({ name: 'HKDF', hash: 'SHA-256', salt: new Uint8Array(0), info: utf8(label) });
    const wrapKey = await subtle.deriveKey(hkdf(PROFILE_WRAP_KEY_LABEL), base, { name: 'AES-GCM', length: 256 }, false, [...WRAPPING_KEY_USAGES]);
    const authKey = toBase64(new Uint8Array(await subtle.deriveBits(hkdf(SERVER_AUTH_KEY_LABEL), base, 256)));
    return { wrapKey, authKey };
  } finally {
    // Best effort: the stretched passphrase is the root of both keys; do not leave it for the collector.
    stretched.fill(0);
  }
}
