/**
 * Marking what a search matched in a text, as main's index matches it (history search, main/history/searchIndex.ts):
 * a query word matches the words it starts (case-insensitive); a number only the same number.
 */

/** A piece of a text, matched or not. */
export interface MarkedPart {
  text: string;
  match: boolean;
}

const WORD = /[\p{L}\p{N}]+/gu;
const NUMBER = /^\p{N}+$/u;

/** The query's words as the index takes them (single letters are left out; single digits are kept). */
function queryTerms(query: string): string[] {
  return (query.toLocaleLowerCase().match(WORD) ?? []).filter((word) => word.length > 1 || NUMBER.test(word));
}

/** `text` cut into pieces, the part of each word a query word matched marked. Unmarked when nothing matches. */
export function markMatches(text: string, query: string): MarkedPart[] {
  const terms = queryTerms(query);
  const parts: MarkedPart[] = [];
  let from = 0;
  for (const found of text.matchAll(WORD)) {
    const word = found[0].toLocaleLowerCase();
    const length = terms.reduce((longest, term) => ((NUMBER.test(term) ? word === term : word.startsWith(term)) ? Math.max(longest, term.length) : longest), 0);
    if (length === 0) continue;
    if (found.index > from) parts.push({ text: text.slice(from, found.index), match: false });
    parts.push({ text: text.slice(found.index, found.index + length), match: true });
    from = found.index + length;
  }
  if (from < text.length) parts.push({ text: text.slice(from), match: false });
  return parts;
}
