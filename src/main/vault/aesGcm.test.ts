import { describe, expect, it } from 'vitest';
import { GCM_IV_BYTES, GCM_TAG_BYTES, GcmAuthenticationError, gcmOpen, gcmSeal } from './aesGcm';
import { utf8 } from './encoding';

const subtle = globalThis.crypto.subtle;

function recordKey() {
  return subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']);
}

describe('AES-GCM discipline (check 16)', () => {
  it('uses a fresh random 12-byte IV for each of 100,000 encryptions under one key — no repeats', async () => {
    const key = await recordKey();
    const plaintext = utf8('x');
    const ad = utf8('ad');
    const seen = new Set<string>();
    const total = 100_000;
    for (let done = 0; done < total; done += 5_000) {
      const batch = await Promise.all(Array.from({ length: 5_000 }, () => gcmSeal(key, plaintext, ad)));
      for (const sealed of batch) {
        expect(sealed.iv.byteLength).toBe(GCM_IV_BYTES);
        seen.add(Buffer.from(sealed.iv).toString('hex'));
      }
    }
    expect(seen.size).toBe(total);
  }, 60_000);

  it('appends a 128-bit tag, and opens only with the same key and additional data', async () => {
    const key = await recordKey();
    const plaintext = utf8('SpO2 88%');
    const sealed = await gcmSeal(key, plaintext, utf8('ad-1'));
    expect(GCM_TAG_BYTES).toBe(16);
    expect(sealed.ciphertext.byteLength).toBe(plaintext.byteLength + 16);
    expect(Buffer.from(await gcmOpen(key, sealed, utf8('ad-1'))).toString()).toBe('SpO2 88%');
    await expect(gcmOpen(key, sealed, utf8('ad-2'))).rejects.toBeInstanceOf(GcmAuthenticationError);
    await expect(gcmOpen(await recordKey(), sealed, utf8('ad-1'))).rejects.toBeInstanceOf(GcmAuthenticationError);
    // A 96-bit tag (truncated by 4 bytes) is not accepted as a shorter tag: the tag length is fixed at 128.
    await expect(gcmOpen(key, { iv: sealed.iv, ciphertext: sealed.ciphertext.subarray(0, -4) }, utf8('ad-1'))).rejects.toBeInstanceOf(
      GcmAuthenticationError,
    );
  });
});
