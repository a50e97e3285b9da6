/**
 * The profile's sync key: the AES-256-GCM key that seals what a workstation pushes (the envelope around a sealed
 * record or a session-key entry). It comes from the profile data key, so every workstation holding the data key —
 * and nobody else — derives the same one, and it survives passphrase changes (the data key does not change).
 *
 * How, given that the data key is non-extractable and may only wrap and unwrap (profiles/profileKeys.ts hands
 * out only such a copy, and vault/unlockedOwner.ts holds it): WebCrypto cannot feed such a key to HKDF, so the
 * data key is first used as a PRF. It wraps a fixed public 32-byte key with AES-GCM under a fixed IV and fixed
 * additional data; the 48 bytes out (the AES keystream of two counter blocks XOR the public key, and the tag) are
 * a deterministic pseudorandom function of the data key alone. Those bytes are the input keying material of
 * HKDF-SHA256 with the info label "cpa/v1/sync-envelope", which gives the sync key (non-extractable, encrypt and
 * decrypt only). The bytes never leave this function and are zeroed after use.
 *
 * Why this is safe: AES-GCM under a fixed IV is only unsafe when two different messages use it; this derivation
 * always encrypts the same message with the same additional data, so it only ever repeats one ciphertext. Every
 * other use of the data key (wrapping session keys) draws a random 96-bit IV, which meets the fixed one with
 * probability 2^-96 per wrap. The alternative — export the data key's bytes once at unlock and run HKDF on them —
 * would need the unlock path to hand out an extractable copy (or a second key) beside `UnlockedOwner`; this keeps
 * the data key non-extractable everywhere.
 */
import { utf8 } from '../../vault/encoding';
import type { CryptoKey } from '../../vault/webCryptoTypes';

/** HKDF info of the sync key; also names the PRF step, so the derivation cannot be confused with another. */
export const SYNC_ENVELOPE_LABEL = 'cpa/v1/sync-envelope';

const subtle = () => globalThis.crypto.subtle;

/** SHA-256 of `label`, as fixed public bytes. */
async function digestOf(label: string): Promise<Uint8Array<ArrayBuffer>> {
  return new Uint8Array(await subtle().digest('SHA-256', utf8(label)));
}

/** Sync keys already derived, per data key object: dropped with the data key when the profile locks. */
const derived = new WeakMap<CryptoKey, Promise<CryptoKey>>();

/**
 * The sync key of the profile whose unlocked data key is `dataKey`. Same data key, same sync key, on every
 * workstation. Derived once per data key object (cached weakly, so a lock that drops the data key drops it too).
 */
export function syncKeyOf(dataKey: CryptoKey): Promise<CryptoKey> {
  let key = derived.get(dataKey);
  if (!key) {
    key = deriveSyncKey(dataKey);
    derived.set(dataKey, key);
    // A failed derivation (a key of the wrong kind) is not remembered: the next call says so again.
    key.catch(() => derived.delete(dataKey));
  }
  return key;
}

async function deriveSyncKey(dataKey: CryptoKey): Promise<CryptoKey> {
  const publicKey = await subtle().importKey('raw', await digestOf(`${SYNC_ENVELOPE_LABEL}/prf-input`), 'AES-GCM', true, ['encrypt']);
  const iv = (await digestOf(`${SYNC_ENVELOPE_LABEL}/prf-iv`)).slice(0, 12);
  const prf = new Uint8Array(
    await subtle().wrapKey('raw', publicKey, dataKey, { name: 'AES-GCM', iv, additionalData: utf8(SYNC_ENVELOPE_LABEL), tagLength: 128 }),
  );
  try {
    const base = await subtle().importKey('raw', prf, 'HKDF', false, ['deriveKey']);
    return await subtle().deriveKey(
      { name: 'HKDF', hash: 'SHA-256', salt: new Uint8Array(0), info: utf8(SYNC_ENVELOPE_LABEL) },
      base,
      { name: 'AES-GCM', length: 256 },
      false,
      ['encrypt', 'decrypt'],
    );
  } finally {
    prf.fill(0);
  }
}
