/**
 * Found by the hostile review of issue 11: with `streaming`, every `_`/`*` opened on the last line recurses one level deeper
 * (parseInline.ts parseRun → emphasis → parseRun(rest, true)), so a model answer whose last line holds a few thousand
 * unclosed markers overflows the stack while it streams. The renderer has no error boundary: the whole page unmounts.
 */
import { describe, expect, it } from 'vitest';
import { parseMarkdown } from './parseMarkdown';

describe('a streamed answer the model made hostile', () => {
  it('parses a last line of many unclosed emphasis markers without overflowing the stack', () => {
    const answer = `Give ${'_a '.repeat(6000)}`;
    expect(() => parseMarkdown(answer)).not.toThrow();
    expect(() => parseMarkdown(answer, { streaming: true })).not.toThrow();
  }, 60_000);
});
