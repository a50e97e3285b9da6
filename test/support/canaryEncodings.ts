/**
 * The ways a canary could lie in bytes: as typed (UTF-8), as the browser's and many databases' UTF-16, as hex (how
 * PostgreSQL writes bytea as text) and as base64 at each of its three alignments (how JSON carries bytes). A search
 * for the plain text alone would miss a copy the server encoded on its way to disk.
 */

/** One encoding of the canary: its name, and bytes that appear wherever the canary was written so encoded. */
export interface CanaryEncoding {
  readonly name: string;
  readonly bytes: Buffer;
}

/**
 * Base64 of `text` starting at each of the three byte alignments a base64 stream may hold it at: whatever precedes
 * the canary, one of these is a substring of the encoded stream. Trimmed to whole 3-byte groups, so no padding.
 */
function base64Needles(text: Buffer): CanaryEncoding[] {
  const needles: CanaryEncoding[] = [];
  for (let skip = 0; skip < 3; skip += 1) {
    const rest = text.subarray(skip);
    const whole = rest.subarray(0, rest.length - (rest.length % 3));
    needles.push({ name: 'base64', bytes: Buffer.from(whole.toString('base64')) });
    needles.push({ name: 'base64url', bytes: Buffer.from(whole.toString('base64url')) });
  }
  return needles;
}

/** Every encoding of `canary` searched for (it should be at least 12 characters, so no needle is trivially short). */
export function canaryEncodings(canary: string): CanaryEncoding[] {
  const utf8 = Buffer.from(canary, 'utf8');
  return [
    { name: 'utf8', bytes: utf8 },
    { name: 'utf16le', bytes: Buffer.from(canary, 'utf16le') },
    { name: 'utf16be', bytes: Buffer.from(canary, 'utf16le').swap16() },
    { name: 'hex', bytes: Buffer.from(utf8.toString('hex')) },
    ...base64Needles(utf8),
  ];
}

/** The names of the encodings of `canary` found in `bytes` (empty: none). */
export function canaryFound(bytes: Buffer, canary: string): string[] {
  const found = canaryEncodings(canary).filter((encoding) => bytes.includes(encoding.bytes));
  return [...new Set(found.map((encoding) => encoding.name))];
}
