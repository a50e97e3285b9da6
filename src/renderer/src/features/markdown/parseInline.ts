import type { InlineNode } from './markdownTree';

const ESCAPABLE = new Set(['\\', '`', '*', '_', '[', ']', '(', ')', '#', '+', '-', '.', '!']);
const WORD = /[\p{L}\p{N}]/u;

/**
 * Parses one block's text into inline nodes: `**bold**` / `__bold__`, `*italic*` / `_italic_`, `` `code` ``,
 * backslash escapes, and links shown as plain text ("label (address)") — never a clickable link, so the app never
 * navigates. Line breaks become {@link InlineNode} breaks.
 *
 * Streaming: the text may stop anywhere. An unclosed `**` emphasises the rest of the block (so a bold word being
 * written shows bold, not with stray asterisks), a lone trailing `**` is held back, an unclosed backtick shows the
 * rest as code; an unclosed single `*` or `_` stays literal (it is as likely to be "2 * 3" or a snake_case name) —
 * except at the open end of a stream (`openEnded`), where the closing marker may simply not have arrived yet: there
 * an emphasis opened on the last line emphasises the rest, and a marker character at the very end is held back, so
 * no raw `_` or `*` flickers on screen mid-stream. The finished text is parsed without `openEnded`, by the rules above.
 */
export function parseInline(text: string, options: ParseInlineOptions = {}): InlineNode[] {
  return merge(parseRun(text, options.openEnded === true));
}

/** Options of {@link parseInline}. */
export interface ParseInlineOptions {
  /** The text is the end of a stream still arriving: it may stop inside an emphasis. */
  readonly openEnded?: boolean;
}

/** Whether only marker characters are left from `from` to the end (the first part of a marker being streamed). */
function onlyMarkersFrom(text: string, from: number): boolean {
  return /^[*_]+$/.test(text.slice(from));
}

function parseRun(text: string, openEnded: boolean, inUnclosed = false): InlineNode[] {
  const nodes: InlineNode[] = [];
  let plain = '';
  const flush = (): void => {
    if (plain !== '') nodes.push({ type: 'text', text: plain });
    plain = '';
  };
  let i = 0;
  while (i < text.length) {
    const ch = text[i]!;
    const next = text[i + 1];
    if (ch === '\\' && next !== undefined && ESCAPABLE.has(next)) {
      plain += next;
      i += 2;
    } else if (ch === '\n') {
      flush();
      nodes.push({ type: 'break' });
      i += 1;
    } else if (ch === '`') {
      const close = text.indexOf('`', i + 1);
      flush();
      nodes.push({ type: 'code', text: close < 0 ? text.slice(i + 1) : text.slice(i + 1, close) });
      i = close < 0 ? text.length : close + 1;
    } else if ((ch === '*' || ch === '_') && next === ch) {
      const rest = text.slice(i + 2);
      if (rest === '') {
        // The first half of a marker still being streamed: show nothing for it yet.
        i = text.length;
        continue;
      }
      if (/^\s/.test(rest)) {
        plain += ch + ch;
        i += 2;
        continue;
      }
      const close = findCloser(text, i + 2, ch + ch);
      if (close < 0 && inUnclosed) {
        // Only the first unclosed marker of a run takes the rest: each one nesting the next let a line of thousands
        // of them overflow the stack (a crafted answer would unmount the page).
        plain += ch + ch;
        i += 2;
        continue;
      }
      flush();
      nodes.push({ type: 'strong', children: close < 0 ? parseRun(rest, openEnded, true) : parseRun(text.slice(i + 2, close), false, inUnclosed) });
      i = close < 0 ? text.length : close + 2;
    } else if (openEnded && (ch === '*' || ch === '_') && onlyMarkersFrom(text, i)) {
      // The stream stops on a marker (an emphasis opening, or closing, still being written): show nothing for it yet.
      i = text.length;
    } else if ((ch === '*' || ch === '_') && canOpenEmphasis(text, i)) {
      const close = findEmphasisCloser(text, i + 1, ch);
      if (close < 0) {
        if (openEnded && !inUnclosed && !text.includes('\n', i)) {
          // Opened on the stream's last line: its closer may be on the way. (Inside another unclosed one it is text.)
          flush();
          nodes.push({ type: 'emphasis', children: parseRun(text.slice(i + 1), true, true) });
          i = text.length;
          continue;
        }
        plain += ch;
        i += 1;
        continue;
      }
      flush();
      nodes.push({ type: 'emphasis', children: parseRun(text.slice(i + 1, close), false, inUnclosed) });
      i = close + 1;
    } else if (ch === '[') {
      const link = /^\[([^\]\n]*)\]\(([^)\s]*)\)/.exec(text.slice(i));
      if (link) {
        // Shown, not followed: the label and where it points, as text.
        flush();
        nodes.push(...parseRun(link[1]!, false));
        if (link[2] !== '' && link[2] !== link[1]) nodes.push({ type: 'text', text: ` (${link[2]})` });
        i += link[0].length;
      } else {
        plain += ch;
        i += 1;
      }
    } else {
      plain += ch;
      i += 1;
    }
  }
  flush();
  return nodes;
}

/** Index of the closing `marker` after `from` (not inside code), or -1. */
function findCloser(text: string, from: number, marker: string): number {
  for (let i = from; i < text.length; i += 1) {
    if (text[i] === '\\') i += 1;
    else if (text[i] === '`') {
      const close = text.indexOf('`', i + 1);
      if (close < 0) return -1;
      i = close;
    } else if (text.startsWith(marker, i) && !/\s/.test(text[i - 1] ?? ' ')) return i;
  }
  return -1;
}

/** A single `*`/`_` opens emphasis when followed by a non-space (and `_` only at the start of a word). */
function canOpenEmphasis(text: string, at: number): boolean {
  const after = text[at + 1];
  if (after === undefined || /\s/.test(after) || after === text[at]) return false;
  return text[at] === '*' || !WORD.test(text[at - 1] ?? ' ');
}

function findEmphasisCloser(text: string, from: number, marker: string): number {
  for (let i = from; i < text.length; i += 1) {
    const ch = text[i];
    if (ch === '\\') i += 1;
    else if (ch === '\n') return -1;
    else if (ch === marker && text[i + 1] !== marker && !/\s/.test(text[i - 1] ?? ' ')) {
      if (marker === '_' && WORD.test(text[i + 1] ?? ' ')) continue;
      return i;
    } else if (ch === marker && text[i + 1] === marker) i += 1;
  }
  return -1;
}

/** Joins neighbouring text nodes (escapes and link labels split them). */
function merge(nodes: InlineNode[]): InlineNode[] {
  const merged: InlineNode[] = [];
  for (const node of nodes) {
    const last = merged.at(-1);
    if (node.type === 'text' && last?.type === 'text') merged[merged.length - 1] = { type: 'text', text: last.text + node.text };
    else if (node.type === 'strong' || node.type === 'emphasis') merged.push({ type: node.type, children: merge([...node.children]) });
    else merged.push(node);
  }
  return merged;
}
