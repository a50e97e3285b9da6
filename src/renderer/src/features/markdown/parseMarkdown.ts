import type { BlockNode, ListItemNode, ListNode } from './markdownTree';
import { parseInline } from './parseInline';

const HEADING = /^ {0,3}(#{1,6})\s+(.*?)\s*#*\s*$/;
const LIST_ITEM = /^([ \t]*)([-*+]|\d{1,9}[.)])\s+(.*)$/;
const FENCE = /^ {0,3}(```|~~~)/;

/** How deep a line is indented, a tab counting as four spaces. */
function indentOf(whitespace: string): number {
  return [...whitespace].reduce((width, ch) => width + (ch === '\t' ? 4 : 1), 0);
}

interface DraftItem {
  lines: string[];
  nested: DraftList | null;
}
interface DraftList {
  ordered: boolean;
  start: number;
  items: DraftItem[];
}

/** Options of {@link parseMarkdown}. */
export interface ParseMarkdownOptions {
  /** The text is a stream still arriving: its last line may stop inside an emphasis (see {@link parseInline}). */
  readonly streaming?: boolean;
}

/** The item that holds the text's last line: the last item, or its last nested item (continuations go there). */
function tailItem(list: DraftList): DraftItem | undefined {
  const last = list.items.at(-1);
  return last?.nested?.items.at(-1) ?? last;
}

function finishList(list: DraftList, openItem?: DraftItem): ListNode {
  return {
    type: 'list',
    ordered: list.ordered,
    start: list.start,
    items: list.items.map(
      (item): ListItemNode => ({
        children: parseInline(item.lines.join('\n'), { openEnded: item === openItem }),
        nested: item.nested ? finishList(item.nested, openItem) : null,
      }),
    ),
  };
}

/**
 * Parses an answer into blocks: headings (`#` to `######`, shown as three levels), paragraphs, fenced code, and
 * bulleted or numbered lists with one level of nesting (anything deeper joins that level). A blank line between
 * items does not end a list — models often space their numbered steps. Safe on partial text (while streaming); with
 * `streaming`, the block holding the last line is parsed open-ended, so a marker left open there does not show raw.
 */
export function parseMarkdown(source: string, options: ParseMarkdownOptions = {}): BlockNode[] {
  const lines = source.replace(/\r\n?/g, '\n').split('\n');
  const blocks: BlockNode[] = [];
  let paragraph: string[] = [];
  let list: DraftList | null = null;
  let blankSinceItem = false;

  // Only the text's last line can still be growing; a blank line or a new block before the end closes what it ends.
  const endParagraph = (openEnded = false): void => {
    if (paragraph.length > 0) blocks.push({ type: 'paragraph', children: parseInline(paragraph.join('\n'), { openEnded }) });
    paragraph = [];
  };
  const endList = (openEnded = false): void => {
    if (list) blocks.push(finishList(list, openEnded ? tailItem(list) : undefined));
    list = null;
    blankSinceItem = false;
  };
  const streaming = options.streaming === true;

  for (let index = 0; index < lines.length; index += 1) {
    const line = lines[index]!;
    if (FENCE.test(line)) {
      endParagraph();
      endList();
      const fence = FENCE.exec(line)![1]!;
      const code: string[] = [];
      for (index += 1; index < lines.length && !lines[index]!.trimStart().startsWith(fence); index += 1) code.push(lines[index]!);
      blocks.push({ type: 'codeBlock', text: code.join('\n') });
      continue;
    }
    if (line.trim() === '') {
      endParagraph();
      if (list) blankSinceItem = true;
      continue;
    }
    const heading = HEADING.exec(line);
    if (heading) {
      endParagraph();
      endList();
      const level = Math.min(heading[1]!.length, 3) as 1 | 2 | 3;
      blocks.push({ type: 'heading', level, children: parseInline(heading[2]!, { openEnded: streaming && index === lines.length - 1 }) });
      continue;
    }
    const item = LIST_ITEM.exec(line);
    if (item) {
      const ordered = /\d/.test(item[2]!);
      const text = item[3]!;
      const current = list as DraftList | null;
      const parent = current?.items.at(-1);
      if (current && parent && indentOf(item[1]!) >= 2) {
        // One level of nesting; deeper items join it.
        parent.nested ??= { ordered, start: ordered ? parseInt(item[2]!, 10) : 1, items: [] };
        parent.nested.items.push({ lines: [text], nested: null });
      } else if (current && current.ordered === ordered) {
        current.items.push({ lines: [text], nested: null });
      } else {
        endParagraph();
        endList();
        list = { ordered, start: ordered ? parseInt(item[2]!, 10) : 1, items: [{ lines: [text], nested: null }] };
      }
      blankSinceItem = false;
      continue;
    }
    const currentList = list as DraftList | null;
    if (currentList && (!blankSinceItem || /^\s{2,}/.test(line))) {
      // A continuation line of the last item (or of its last nested item).
      const target = tailItem(currentList)!;
      target.lines.push(line.trim());
      blankSinceItem = false;
      continue;
    }
    endList();
    paragraph.push(line.trim());
  }
  // A paragraph or list still open here holds the last line unless a blank line closed it (the list stays open then).
  endParagraph(streaming);
  endList(streaming && !blankSinceItem);
  return blocks;
}
