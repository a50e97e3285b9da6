/**
 * Byte encodings shared by the vault and profiles: strict base64 (a stored value must decode to exactly the bytes
 * that were written, so a lenient decoder cannot hide damage) and the canonical encoding of additional data.
 */

/** Standard base64 of `bytes`. */
export function toBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

/**
 * The bytes of canonical base64 `text`, or null when it is not canonical (bad characters, padding, or bits that
 * a lenient decoder would silently drop) or not `expectedLength` bytes long.
 */
export function fromBase64Strict(text: unknown, expectedLength?: number): Uint8Array<ArrayBuffer> | null {
  if (typeof text !== 'string') return null;
  // Node's decoder is lenient (it skips stray characters, accepts base64url and missing padding); re-encoding what
  // it decoded gives the one canonical text of those bytes, so equality alone proves `text` was canonical base64.
  const bytes = Buffer.from(text, 'base64');
  if (bytes.toString('base64') !== text) return null;
  if (expectedLength !== undefined && bytes.byteLength !== expectedLength) return null;
  // A copy into a plain ArrayBuffer: WebCrypto's types (and some runtimes) refuse views of shared or pooled buffers.
  return new Uint8Array(bytes);
}

/** UTF-8 bytes of `text`. */
export function utf8(text: string): Uint8Array<ArrayBuffer> {
  // TextEncoder always returns a fresh, unshared buffer; the lib types only say ArrayBufferLike.
  return new TextEncoder().encode(text) as Uint8Array<ArrayBuffer>;
}

/**
 * The canonical encoding of additional data: UTF-8 JSON of `[purpose, ...parts]`. JSON of strings, integers and
 * null has exactly one form (and null is never confused with a string), and the purpose label keeps a value sealed for one use (a record) from ever
 * authenticating as another (a wrapped key) even when the ids happen to match.
 */
export function additionalData(purpose: string, ...parts: readonly (string | number | null)[]): Uint8Array<ArrayBuffer> {
  return utf8(JSON.stringify([purpose, ...parts]));
}
