import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { utf8ByteLength } from './utf8Bytes';

describe('utf8ByteLength', () => {
  it('counts 1, 2, 3 and 4-byte characters', () => {
    expect(utf8ByteLength('')).toBe(0);
    expect(utf8ByteLength('SpO2')).toBe(4);
    expect(utf8ByteLength('°C')).toBe(3);
    expect(utf8ByteLength('≥')).toBe(3);
    expect(utf8ByteLength('🩺')).toBe(4);
  });

  it('agrees with the encoder on any text, lone surrogates included', () => {
    fc.assert(
      // Any UTF-16 code units, so unpaired surrogates come up as well as pairs.
      fc.property(fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((code) => String.fromCharCode(code)) }), (text) => {
        expect(utf8ByteLength(text)).toBe(Buffer.byteLength(text, 'utf8'));
      }),
    );
    expect(utf8ByteLength('\ud83e')).toBe(3);
    expect(utf8ByteLength('\udc00x')).toBe(4);
  });
});
