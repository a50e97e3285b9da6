/// <reference lib="dom" />
/**
 * Fresh random bytes in place of a template's sealed payload, of exactly its length: replicated rows then weigh what
 * real ones weigh, and no two rows share bytes (LevelDB compresses its blocks, and copies of one ciphertext would
 * shrink). Such a row does not open — nothing that opens records ever reads one (see the printed notes).
 */
const decodedLengths = new Map<string, number>();

function decodedLength(base64: string): number {
  let length = decodedLengths.get(base64);
  if (length === undefined) {
    length = atob(base64).length;
    decodedLengths.set(base64, length);
  }
  return length;
}

/** Base64 of random bytes, as long as `template` once decoded (so the same base64 length and padding). */
export function randomBase64OfSameLength(template: string): string {
  const bytes = new Uint8Array(decodedLength(template));
  for (let start = 0; start < bytes.length; start += 65_536) crypto.getRandomValues(bytes.subarray(start, start + 65_536));
  let binary = '';
  for (let start = 0; start < bytes.length; start += 8_192) binary += String.fromCharCode(...bytes.subarray(start, start + 8_192));
  return btoa(binary);
}
