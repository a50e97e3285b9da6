import { createElement, Fragment, useMemo, type ReactNode } from 'react';
import type { BlockNode, InlineNode, ListNode } from './markdownTree';
import { parseMarkdown } from './parseMarkdown';

/** Props of {@link Markdown}. */
export interface MarkdownProps {
  /** The Markdown text; may be partial (streaming). */
  text: string;
  /**
   * The text is still arriving: an emphasis marker left open at its very end is not shown as a raw character (see
   * {@link parseMarkdown}). Once the stream ends, the final text is read normally.
   */
  streaming?: boolean;
}

/**
 * Shows Markdown as React elements: headings, paragraphs, lists (one level nested), bold, italics, inline and
 * fenced code. Warning: safety rests on one rule — text only ever becomes React text nodes. Never add
 * `dangerouslySetInnerHTML`, an `href`, or any attribute taken from the text here: answers come from a model and
 * can contain anything, and the app must never navigate.
 */
export function Markdown({ text, streaming = false }: MarkdownProps) {
  const blocks = useMemo(() => parseMarkdown(text, { streaming }), [text, streaming]);
  // A newline between blocks keeps them apart in the answer's text (layout ignores it).
  return <>{blocks.map((block, index) => [index > 0 && '\n', renderBlock(block, index)])}</>;
}

const HEADING_TAGS = { 1: 'h3', 2: 'h4', 3: 'h5' } as const;

function renderBlock(block: BlockNode, key: number): ReactNode {
  switch (block.type) {
    case 'heading':
      // Below the page's own headings (the session is an h2), so the answer does not break the outline.
      return createElement(HEADING_TAGS[block.level], { key, className: 'md-heading' }, renderInlines(block.children));
    case 'paragraph':
      return <p key={key}>{renderInlines(block.children)}</p>;
    case 'codeBlock':
      return (
        <pre key={key} className="md-code-block">
          <code>{block.text}</code>
        </pre>
      );
    case 'list':
      return renderList(block, key);
  }
}

function renderList(list: ListNode, key: number): ReactNode {
  // Numbers are text, not CSS counters: what is copied or read aloud is "1. …", exactly as numbered on screen. The
  // newline after each item keeps items apart in the text of the answer (layout ignores it).
  const items = list.items.map((item, index) => (
    <li key={index}>
      {list.ordered && <span className="md-marker">{`${list.start + index}. `}</span>}
      {renderInlines(item.children)}
      {item.nested && renderList(item.nested, 0)}
      {'\n'}
    </li>
  ));
  return list.ordered ? (
    <ol key={key} className="md-ordered">
      {items}
    </ol>
  ) : (
    <ul key={key}>{items}</ul>
  );
}

function renderInlines(nodes: readonly InlineNode[]): ReactNode[] {
  return nodes.map((node, key) => {
    switch (node.type) {
      case 'text':
        return <Fragment key={key}>{node.text}</Fragment>;
      case 'break':
        return <br key={key} />;
      case 'code':
        return <code key={key}>{node.text}</code>;
      case 'strong':
        return <strong key={key}>{renderInlines(node.children)}</strong>;
      case 'emphasis':
        return <em key={key}>{renderInlines(node.children)}</em>;
    }
  });
}
