import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

// Read from disk: imported, Vitest hands CSS over empty.
const stylesheet = readFileSync(join(import.meta.dirname, '..', '..', 'src', 'renderer', 'src', 'styles.css'), 'utf8');

/**
 * The style rules of `css` that sit inside another style rule (a selector block, not an at-rule such as @media), by
 * their selector, and how many blocks are left open at the end. The stylesheet uses no CSS nesting on purpose, so a
 * nested rule means a closing brace was lost — and Chromium would then read every rule after it as nested, scoped
 * to the rule left open, so they apply nowhere.
 */
function nestingOf(css: string): { nested: string[]; unclosed: number } {
  const text = css.replace(/\/\*[\s\S]*?\*\//g, '');
  const open: boolean[] = []; // per open block: true when it is a style rule
  const nested: string[] = [];
  let prelude = '';
  for (const ch of text) {
    if (ch === '{') {
      const selector = prelude.trim();
      const isStyleRule = !selector.startsWith('@') && !/^(from|to|\d+(\.\d+)?%)(\s*,\s*(from|to|\d+(\.\d+)?%))*$/.test(selector);
      if (isStyleRule && open.includes(true)) nested.push(selector);
      open.push(isStyleRule);
      prelude = '';
    } else if (ch === '}') {
      open.pop();
      prelude = '';
    } else if (ch === ';') {
      prelude = '';
    } else {
      prelude += ch;
    }
  }
  return { nested, unclosed: open.length };
}

describe('the stylesheet', () => {
  it('closes every rule, so no rule after a lost brace silently stops applying (the fork view lost its layout so)', () => {
    expect(stylesheet.length).toBeGreaterThan(1000);
    expect(nestingOf(stylesheet)).toEqual({ nested: [], unclosed: 0 });
  });

  it('is checked by a test that finds a lost brace', () => {
    expect(nestingOf('.a {\n  color: red;\n\n.b { margin: 0; }\n@media (min-width: 1px) { .c { margin: 0; } }')).toEqual({ nested: ['.b', '.c'], unclosed: 1 });
    expect(nestingOf('@keyframes spin { from { opacity: 0; } 50% { opacity: 1; } }\n@media (x) { .a { b: c; } }')).toEqual({ nested: [], unclosed: 0 });
  });
});
