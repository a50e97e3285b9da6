import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { Markdown } from './Markdown';
import { parseMarkdown } from './parseMarkdown';

const html = (text: string): string => renderToStaticMarkup(<Markdown text={text} />);
/** As shown while the answer is still streaming in. */
const streamed = (text: string): string => renderToStaticMarkup(<Markdown text={text} streaming />);

describe('Markdown', () => {
  it('shows numbered steps as one list even when the model spaces them with blank lines', () => {
    expect(html('1. Vitals\n\n2. Chest X-ray\n3. CBC')).toBe(
      '<ol class="md-ordered"><li><span class="md-marker">1. </span>Vitals\n</li><li><span class="md-marker">2. </span>Chest X-ray\n</li><li><span class="md-marker">3. </span>CBC\n</li></ol>',
    );
  });

  it('keeps the first number of a list that does not start at 1', () => {
    expect(html('3. Oxygen\n4. ICU consult')).toBe(
      '<ol class="md-ordered"><li><span class="md-marker">3. </span>Oxygen\n</li><li><span class="md-marker">4. </span>ICU consult\n</li></ol>',
    );
  });

  it('shows bullets, bold inside list items, and one level of nesting (deeper joins it)', () => {
    expect(html('- **Antibiotics**: ceftriaxone\n  - *if* allergic: **levofloxacin**\n      - deeper\n- Fluids')).toBe(
      '<ul><li><strong>Antibiotics</strong>: ceftriaxone<ul><li><em>if</em> allergic: <strong>levofloxacin</strong>\n</li><li>deeper\n</li></ul>\n</li><li>Fluids\n</li></ul>',
    );
  });

  it('shows headings below the page’s own, paragraphs, inline code and line breaks', () => {
    expect(html('# Plan\n## Now\nGive `O2` to keep\nSpO2 > 92%.\n\nThen reassess.')).toBe(
      '<h3 class="md-heading">Plan</h3>\n<h4 class="md-heading">Now</h4>\n<p>Give <code>O2</code> to keep<br/>SpO2 &gt; 92%.</p>\n<p>Then reassess.</p>',
    );
  });

  it('shows HTML in the text as the literal characters it is', () => {
    const out = html('<script>alert(1)</script>\n\n- <img src=x onerror="alert(2)"> **<b>x</b>**');
    expect(out).toBe(
      '<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>\n<ul><li>&lt;img src=x onerror=&quot;alert(2)&quot;&gt; <strong>&lt;b&gt;x&lt;/b&gt;</strong>\n</li></ul>',
    );
    expect(out).not.toContain('<script');
    expect(out).not.toContain('<img');
  });

  it('shows links as plain text, never as something to click', () => {
    const out = html('See [the guideline](https://example.org/cap) and [javascript:x](javascript:alert(1)).');
    expect(out).not.toContain('<a');
    expect(out).not.toContain('href');
    expect(out).toBe('<p>See the guideline (https://example.org/cap) and javascript:x (javascript:alert(1)).</p>');
  });

  it('renders incomplete Markdown sensibly while it streams', () => {
    // An unclosed bold is bold to the end of its block, with no stray asterisks.
    expect(html('1. Start **ceftri')).toBe('<ol class="md-ordered"><li><span class="md-marker">1. </span>Start <strong>ceftri</strong>\n</li></ol>');
    // Half a marker just streamed is held back.
    expect(html('Give **')).toBe('<p>Give </p>');
    expect(html('Give *')).toBe('<p>Give *</p>');
    // Once closed, exactly the bold word.
    expect(html('Start **ceftriaxone** now')).toBe('<p>Start <strong>ceftriaxone</strong> now</p>');
    // An unclosed code span is code to the end; a lone star or snake_case stays literal.
    expect(html('Run `dose_calc')).toBe('<p>Run <code>dose_calc</code></p>');
    expect(html('2 * 3 and max_dose_mg')).toBe('<p>2 * 3 and max_dose_mg</p>');
    expect(html('```\ncode')).toBe('<pre class="md-code-block"><code>code</code></pre>');
  });

  it('shows no raw emphasis marker at the end of a streaming answer', () => {
    // An italic opened on the last line is italic to the end while its closer is on the way.
    expect(streamed('Give _paracetamol')).toBe('<p>Give <em>paracetamol</em></p>');
    expect(streamed('1. Start *ceftri')).toBe('<ol class="md-ordered"><li><span class="md-marker">1. </span>Start <em>ceftri</em>\n</li></ol>');
    // A marker character the stream stops on is held back: opening, or the first half of a closing `**`.
    expect(streamed('Give _')).toBe('<p>Give </p>');
    expect(streamed('Give *')).toBe('<p>Give </p>');
    expect(streamed('Start **ceftriaxone*')).toBe('<p>Start <strong>ceftriaxone</strong></p>');
    expect(streamed('- Fluids\n  - Watch for _hepato')).toBe('<ul><li>Fluids<ul><li>Watch for <em>hepato</em>\n</li></ul>\n</li></ul>');
    expect(streamed('## Escalate _if')).toBe('<h4 class="md-heading">Escalate <em>if</em></h4>');
    // Once closed, exactly the italic word, as in the finished answer.
    expect(streamed('Give _paracetamol_ now')).toBe(html('Give _paracetamol_ now'));
  });

  it('reads a streaming answer as finished text everywhere but at its open end', () => {
    // Earlier lines and blocks are complete: a lone marker there is literal, as in the finished answer.
    expect(streamed('Give *slowly\nthen _')).toBe('<p>Give *slowly<br/>then </p>');
    expect(streamed('Give _x\n\nNext')).toBe(html('Give _x\n\nNext'));
    expect(streamed('- a _b\n- c')).toBe(html('- a _b\n- c'));
    // "2 * 3" and snake_case never open anything, streaming or not.
    expect(streamed('2 * 3 and max_dose_mg')).toBe('<p>2 * 3 and max_dose_mg</p>');
    // The finished text is parsed normally: an emphasis never closed shows its marker.
    expect(html('Give _paracetamol')).toBe('<p>Give _paracetamol</p>');
  });

  it('honours backslash escapes and italics with underscores', () => {
    expect(html('\\*not italic\\* but _this is_')).toBe('<p>*not italic* but <em>this is</em></p>');
  });

  it('parses an empty answer to nothing', () => {
    expect(parseMarkdown('')).toEqual([]);
    expect(html('')).toBe('');
  });
});
