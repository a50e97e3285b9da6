/**
 * The slow hash the server keeps of a profile's auth key. The auth key is already 256 random-looking bits, but a
 * stolen database must not let anyone sign in as the clinician: scrypt makes each guess cost memory and time.
 */
import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

/** scrypt cost: N = 2^14, r = 8 (16 MiB, ~40 ms on one core). */
const SCRYPT = { N: 16_384, r: 8, p: 1, maxmem: 64 * 1024 * 1024 } as const;
const HASH_BYTES = 32;

function scryptAsync(key: Buffer, salt: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(key, salt, HASH_BYTES, SCRYPT, (error, derived) => (error ? reject(error) : resolve(derived)));
  });
}

/** A fresh salt and the hash of `authKey` (base64 from the workstation). */
export async function hashAuthKey(authKey: string): Promise<{ salt: Buffer; hash: Buffer }> {
  const salt = randomBytes(16);
  return { salt, hash: await scryptAsync(Buffer.from(authKey, 'base64'), salt) };
}

/** Compares in constant time. With no stored hash (unknown name) it does the same work and answers false. */
export async function verifyAuthKey(authKey: string, stored: { salt: Buffer; hash: Buffer } | null): Promise<boolean> {
  const salt = stored?.salt ?? Buffer.alloc(16);
  const expected = stored?.hash ?? Buffer.alloc(HASH_BYTES);
  const actual = await scryptAsync(Buffer.from(authKey, 'base64'), salt);
  return timingSafeEqual(actual, expected) && stored !== null;
}
