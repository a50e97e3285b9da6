import { describe, expect, it } from 'vitest';
import { fromBase64Strict, toBase64 } from './encoding';

describe('strict base64 (a stored value must decode to exactly the bytes written)', () => {
  const bytes = new Uint8Array([0, 1, 2, 250, 251, 252, 253, 254, 255, 62, 63]);
  const canonical = toBase64(bytes);

  it('decodes canonical base64, checking the length when asked', () => {
    expect(fromBase64Strict(canonical)).toEqual(bytes);
    expect(fromBase64Strict(canonical, bytes.length)).toEqual(bytes);
    expect(fromBase64Strict(canonical, bytes.length + 1)).toBeNull();
    expect(fromBase64Strict('')).toEqual(new Uint8Array());
  });

  it.each([
    ['missing padding', canonical.replace(/=+$/, '')],
    ['base64url alphabet', Buffer.from(bytes).toString('base64url')],
    ['a stray space', `${canonical.slice(0, 4)} ${canonical.slice(4)}`],
    ['a line break', `${canonical.slice(0, 4)}\n${canonical.slice(4)}`],
    ['a foreign character', `${canonical.slice(0, 4)}*${canonical.slice(5)}`],
    ['trailing bits a lenient decoder drops', 'QR=='],
    ['extra padding', `${canonical}=`],
    ['not text', 42],
  ])('refuses %s', (_, text) => {
    expect(fromBase64Strict(text)).toBeNull();
  });
});
