import { afterEach, describe, expect, it, vi } from 'vitest';
import { MAX_CLINIC_KDF_ITERATIONS, MIN_CLINIC_KDF_ITERATIONS, type ClinicKdf } from '../../../shared/sync/identity';
import { fromBase64Strict, toBase64 } from '../../vault/encoding';
import { KeyUnwrapError, WRAPPING_KEY_USAGES, newWrappableAesKey } from '../../vault/keyWrap';
import { wrapDataKeyForClinic, unwrapDataKeyFromClinic, newClinicKdf } from './clinicDataKey';
import { ClinicKdfRefusedError } from './clinicKdfRefusedError';
import { deriveClinicKeys } from './clinicKeys';

const PROFILE_ID = '5b0c8a7e-2f4d-4c1a-9e3b-7d6f5a4b3c21';
const KDF: ClinicKdf = { algorithm: 'PBKDF2-SHA256', iterations: MIN_CLINIC_KDF_ITERATIONS, salt: toBase64(new Uint8Array(16).fill(7)) };

afterEach(() => {
  vi.restoreAllMocks();
});

describe('deriveClinicKeys', () => {
  it('splits one passphrase into a wrap key and an auth key that cannot open what the wrap key wrapped', async () => {
    const { wrapKey, authKey } = await deriveClinicKeys('correct horse battery staple', KDF);
    expect(wrapKey.extractable).toBe(false);
    expect([...wrapKey.usages].sort()).toEqual([...WRAPPING_KEY_USAGES].sort());
    expect(fromBase64Strict(authKey, 32)).not.toBeNull();

    const dataKey = await newWrappableAesKey(WRAPPING_KEY_USAGES);
    const wrapped = await wrapDataKeyForClinic(dataKey, wrapKey, PROFILE_ID);
    // What the server holds (the auth key) used as a key: it does not unwrap the data key.
    const authAsKey = await globalThis.crypto.subtle.importKey('raw', fromBase64Strict(authKey, 32)!, 'AES-GCM', false, ['unwrapKey']);
    await expect(unwrapDataKeyFromClinic(wrapped, authAsKey, PROFILE_ID)).rejects.toBeInstanceOf(KeyUnwrapError);
    // The wrap key opens it, but only as this profile's key.
    await expect(unwrapDataKeyFromClinic(wrapped, wrapKey, PROFILE_ID)).resolves.toBeDefined();
    await expect(unwrapDataKeyFromClinic(wrapped, wrapKey, '0d9a1c3e-5b7f-4a2c-8e6d-1f3b5a7c9e0d')).rejects.toBeInstanceOf(KeyUnwrapError);
  });

  it('gives the same keys for the same passphrase (in any Unicode form) and other keys for another passphrase', async () => {
    const first = await deriveClinicKeys('Caf\u00e9 au lait 2026', KDF);
    const again = await deriveClinicKeys('Cafe\u0301 au lait 2026', KDF);
    const other = await deriveClinicKeys('Cafe au lait 2026', KDF);
    expect(again.authKey).toBe(first.authKey);
    expect(other.authKey).not.toBe(first.authKey);

    const dataKey = await newWrappableAesKey(WRAPPING_KEY_USAGES);
    const wrapped = await wrapDataKeyForClinic(dataKey, first.wrapKey, PROFILE_ID);
    await expect(unwrapDataKeyFromClinic(wrapped, again.wrapKey, PROFILE_ID)).resolves.toBeDefined();
    await expect(unwrapDataKeyFromClinic(wrapped, other.wrapKey, PROFILE_ID)).rejects.toBeInstanceOf(KeyUnwrapError);
  });

  it.each([
    ['one iteration below the floor', { ...KDF, iterations: MIN_CLINIC_KDF_ITERATIONS - 1 }, 'too-weak'],
    ['a single iteration', { ...KDF, iterations: 1 }, 'too-weak'],
    ['one iteration over the ceiling', { ...KDF, iterations: MAX_CLINIC_KDF_ITERATIONS + 1 }, 'too-costly'],
    ['a billion iterations', { ...KDF, iterations: 1_000_000_000 }, 'too-costly'],
    ['another algorithm', { ...KDF, algorithm: 'PBKDF2-SHA1' }, 'malformed'],
    ['a short salt', { ...KDF, salt: toBase64(new Uint8Array(8)) }, 'malformed'],
    ['a fractional count', { ...KDF, iterations: 600_000.5 }, 'malformed'],
    ['nothing', null, 'malformed'],
  ])('refuses %s before deriving anything', async (_name, kdf, reason) => {
    const derive = vi.spyOn(globalThis.crypto.subtle, 'deriveBits');
    const importKey = vi.spyOn(globalThis.crypto.subtle, 'importKey');
    const refused = await deriveClinicKeys('correct horse battery staple', kdf).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(ClinicKdfRefusedError);
    expect((refused as ClinicKdfRefusedError).reason).toBe(reason);
    expect(derive).not.toHaveBeenCalled();
    expect(importKey).not.toHaveBeenCalled();
  });

  it('makes new parameters at or above the floor, with a fresh salt each time', () => {
    const [a, b] = [newClinicKdf(), newClinicKdf()];
    expect(a.iterations).toBeGreaterThanOrEqual(MIN_CLINIC_KDF_ITERATIONS);
    expect(a.salt).not.toBe(b.salt);
  });
});
