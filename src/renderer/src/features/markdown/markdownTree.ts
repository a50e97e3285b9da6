/**
 * The Markdown subset the answers are shown in, as a tree of plain data. Nothing here is HTML: every string is shown
 * as a text node, so whatever the model writes (`<script>`, `<img onerror>`) is seen as the characters it is.
 */

/** A run of text and its emphasis. */
export type InlineNode =
  | { readonly type: 'text'; readonly text: string }
  | { readonly type: 'strong'; readonly children: readonly InlineNode[] }
  | { readonly type: 'emphasis'; readonly children: readonly InlineNode[] }
  | { readonly type: 'code'; readonly text: string }
  /** A single line break inside a paragraph or list item (the model often means it). */
  | { readonly type: 'break' };

/** A list item: its text and, at most one level down, a nested list. */
export interface ListItemNode {
  readonly children: readonly InlineNode[];
  readonly nested: ListNode | null;
}

/** A bulleted or numbered list. `start` is the first number of a numbered list. */
export interface ListNode {
  readonly type: 'list';
  readonly ordered: boolean;
  readonly start: number;
  readonly items: readonly ListItemNode[];
}

/** A block of the answer. */
export type BlockNode =
  | { readonly type: 'heading'; readonly level: 1 | 2 | 3; readonly children: readonly InlineNode[] }
  | { readonly type: 'paragraph'; readonly children: readonly InlineNode[] }
  | { readonly type: 'codeBlock'; readonly text: string }
  | ListNode;
