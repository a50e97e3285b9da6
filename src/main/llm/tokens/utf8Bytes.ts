/**
 * The UTF-8 length of a string, in bytes, without encoding it. Token estimates run for every recorded message
 * on the turn's hot path, so this walks the UTF-16 code units instead of allocating a buffer. Lone surrogates
 * count 3 bytes, as encoders write them as U+FFFD.
 */
export function utf8ByteLength(text: string): number {
  let bytes = 0;
  const length = text.length;
  for (let index = 0; index < length; index += 1) {
    const code = text.charCodeAt(index);
    if (code < 0x80) bytes += 1;
    else if (code < 0x800) bytes += 2;
    else if (code >= 0xd800 && code <= 0xdbff && index + 1 < length) {
      const next = text.charCodeAt(index + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        // A surrogate pair is one code point beyond the BMP: 4 bytes.
        bytes += 4;
        index += 1;
      } else bytes += 3;
    } else bytes += 3;
  }
  return bytes;
}
