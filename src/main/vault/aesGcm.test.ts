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

describe('opening with Node\'s cipher what WebCrypto sealed', () => {
  it('opens exactly what WebCrypto seals (and WebCrypto opens the same), for empty to large payloads', async () => {
    const key = await recordKey();
    for (const size of [0, 1, 15, 16, 17, 2_000, 1_000_000]) {
      const plaintext = globalThis.crypto.getRandomValues(new Uint8Array(Math.min(size, 65_536)));
      const big = size > 65_536 ? new Uint8Array(size).fill(7) : plaintext;
      const sealed = await gcmSeal(key, big, utf8('ad'));
      // Buffer.equals, not a deep toEqual: an element-by-element diff of a megabyte took seconds on a busy machine.
      expect(Buffer.from(await gcmOpen(key, sealed, utf8('ad'))).equals(Buffer.from(big)), `size ${size}`).toBe(true);
      const byWebCrypto = await subtle.decrypt({ name: 'AES-GCM', iv: sealed.iv, additionalData: utf8('ad'), tagLength: 128 }, key, sealed.ciphertext);
      expect(Buffer.from(byWebCrypto).equals(Buffer.from(big)), `size ${size}`).toBe(true);
    }
  });

  it('refuses any flipped bit of IV, ciphertext or tag, and a key WebCrypto would not decrypt with', async () => {
    const key = await recordKey();
    const sealed = await gcmSeal(key, utf8('lactate 4.1 mmol/L'), utf8('ad'));
    for (let byte = 0; byte < sealed.ciphertext.byteLength; byte += 1) {
      const ciphertext = sealed.ciphertext.slice();
      ciphertext[byte]! ^= 1;
      await expect(gcmOpen(key, { iv: sealed.iv, ciphertext }, utf8('ad'))).rejects.toBeInstanceOf(GcmAuthenticationError);
    }
    const iv = sealed.iv.slice();
    iv[0]! ^= 0x80;
    await expect(gcmOpen(key, { iv, ciphertext: sealed.ciphertext }, utf8('ad'))).rejects.toBeInstanceOf(GcmAuthenticationError);
    const encryptOnly = await subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, ['encrypt']);
    await expect(gcmOpen(encryptOnly, await gcmSeal(encryptOnly, utf8('x'), utf8('ad')), utf8('ad'))).rejects.toThrow(TypeError);
    const aes128 = await subtle.generateKey({ name: 'AES-GCM', length: 128 }, false, ['encrypt', 'decrypt']);
    await expect(gcmOpen(aes128, await gcmSeal(aes128, utf8('x'), utf8('ad')), utf8('ad'))).rejects.toThrow(TypeError);
  });
});
