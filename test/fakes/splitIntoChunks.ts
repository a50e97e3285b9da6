/**
 * Splits a reply into streaming deltas on word boundaries.
 *
 * Each chunk is a word with the whitespace around it kept (leading whitespace
 * only on the first chunk), so concatenating the chunks gives back the reply
 * exactly — tests rely on that to compare the streamed text with the script.
 *
 * @example splitIntoChunks(' a  b\n') → [' a  ', 'b\n']
 */
export function splitIntoChunks(text: string): string[] {
  // The second alternative only matches whitespace-only text, which has no word.
  return text.match(/\s*\S+\s*|\s+/g) ?? [];
}
