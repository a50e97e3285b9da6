import { describe, expect, it } from 'vitest';
import { parseCliArgs } from './cliArgs.js';
import { clinicalDemoAnswers, clinicalDemoReply, SCRIPTED_ANSWER_NOTICE } from './clinicalScript.js';
import { estimateTokens, truncateToTokens } from './estimateTokens.js';
import { splitIntoChunks } from './splitIntoChunks.js';
import type { RecordedRequest } from './types.js';

describe('estimateTokens', () => {
  it('counts one token per 4 UTF-8 bytes, rounded up', () => {
    expect(estimateTokens('')).toBe(0);
    expect(estimateTokens('abcd')).toBe(1);
    expect(estimateTokens('hello')).toBe(2);
    expect(estimateTokens('é')).toBe(1); // 2 bytes
    expect(estimateTokens('✓✓')).toBe(2); // 6 bytes
  });

  it('adds 4 template tokens per message and reads text content parts', () => {
    expect(estimateTokens([])).toBe(0);
    expect(estimateTokens([{ role: 'user', content: 'hello' }])).toBe(6);
    expect(
      estimateTokens([
        { role: 'system', content: 'abcd' },
        { role: 'user', content: [{ type: 'text', text: 'ab' }, { type: 'text', text: 'cd' }] },
        { role: 'assistant', content: null },
      ]),
    ).toBe(1 + 4 + 1 + 4 + 0 + 4);
  });
});

describe('truncateToTokens', () => {
  it('keeps the longest prefix within the budget without splitting characters', () => {
    expect(truncateToTokens('aaaa bbbb cccc', 2)).toBe('aaaa bbb');
    expect(truncateToTokens('ab✓', 1)).toBe('ab'); // ✓ would need bytes 3-5
    expect(truncateToTokens('short', 100)).toBe('short');
    expect(truncateToTokens('anything', 0)).toBe('');
  });
});

describe('splitIntoChunks', () => {
  it('splits on words and concatenates back to the input', () => {
    for (const text of ['', '   ', 'one', ' a  b\n', 'Step 1:\n\n- **bold** item\t\nend ', 'naïve ✓ café']) {
      expect(splitIntoChunks(text).join('')).toBe(text);
    }
    expect(splitIntoChunks(' a  b\n')).toEqual([' a  ', 'b\n']);
    expect(splitIntoChunks('')).toEqual([]);
  });
});

describe('parseCliArgs', () => {
  it('has vLLM-like defaults and reads both flag forms', () => {
    expect(parseCliArgs([])).toEqual({ kind: 'run', settings: { port: 8000, model: undefined, chunkDelayMs: 25 } });
    expect(parseCliArgs(['--port', '0', '--model=m', '--chunk-delay-ms', '5'])).toEqual({
      kind: 'run',
      settings: { port: 0, model: 'm', chunkDelayMs: 5 },
    });
    expect(parseCliArgs(['--help'])).toEqual({ kind: 'help' });
  });

  it('rejects bad values and unknown flags with a clear message', () => {
    for (const argv of [['--port', '65536'], ['--port', 'abc'], ['--port', '-1'], ['--port'], ['--chunk-delay-ms', '1.5'], ['--model', '--port'], ['extra']]) {
      const parsed = parseCliArgs(argv);
      expect(parsed.kind).toBe('error');
      if (parsed.kind === 'error') expect(parsed.message.length).toBeGreaterThan(10);
    }
  });
});

describe('clinicalDemoReply', () => {
  const requestWith = (roles: string[]): RecordedRequest => ({
    method: 'POST',
    path: '/v1/chat/completions',
    headers: {},
    body: { messages: roles.map((role) => ({ role, content: 'fake patient text' })) },
    receivedAt: 0,
    closedEarly: false,
    done: Promise.resolve(),
  });
  const reply = (roles: string[]): string =>
    typeof clinicalDemoReply === 'function' ? clinicalDemoReply(requestWith(roles)) : clinicalDemoReply;

  it('picks the answer by the number of user messages and labels every answer', () => {
    expect(reply(['system', 'user'])).toBe(clinicalDemoAnswers[0]);
    expect(reply(['user', 'assistant', 'user'])).toBe(clinicalDemoAnswers[1]);
    expect(reply(['user', 'assistant', 'user', 'assistant', 'user'])).toContain('SpO2 88%');
    expect(reply([])).toBe(clinicalDemoAnswers[0]);
    for (const answer of clinicalDemoAnswers) {
      expect(answer.split('\n')[0]).toBe(SCRIPTED_ANSWER_NOTICE);
      expect(answer).not.toContain('fake patient text');
    }
  });
});
