/**
 * The test server's token arithmetic.
 *
 * A real tokenizer would make tests depend on a vocabulary file; a fixed,
 * deterministic rule lets the server, the unit tests and any client-side
 * budgeting code compute the same numbers by hand.
 */

/** UTF-8 bytes that count as one token (the count is rounded up). */
export const BYTES_PER_TOKEN = 4;

/** Tokens added for every chat message, standing in for the chat template's role markers. */
export const TEMPLATE_TOKENS_PER_MESSAGE = 4;

/** The part of an OpenAI chat message the estimate looks at. */
export interface ChatMessageLike {
  role?: unknown;
  content?: unknown;
}

const utf8 = new TextEncoder();

/**
 * Estimates the token count of a text or of a list of chat messages.
 *
 * Rule: one token per {@link BYTES_PER_TOKEN} UTF-8 bytes of text, rounded up;
 * for messages, each message is estimated on its own and
 * {@link TEMPLATE_TOKENS_PER_MESSAGE} is added per message.
 *
 * @example estimateTokens('hello') === 2; estimateTokens([{ role: 'user', content: 'hello' }]) === 6
 */
export function estimateTokens(input: string | readonly ChatMessageLike[]): number {
  if (typeof input === 'string') {
    return Math.ceil(utf8.encode(input).length / BYTES_PER_TOKEN);
  }
  let total = 0;
  for (const message of input) {
    total += estimateTokens(messageText(message.content)) + TEMPLATE_TOKENS_PER_MESSAGE;
  }
  return total;
}

/**
 * The plain text of a message's `content`: a string as is, the `text` parts of
 * an array of content parts joined, anything else (null, tool calls) as ''.
 */
export function messageText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .map((part: unknown) =>
      typeof part === 'object' && part !== null && typeof (part as { text?: unknown }).text === 'string'
        ? (part as { text: string }).text
        : '',
    )
    .join('');
}

/**
 * The longest prefix of `text` whose estimate is at most `maxTokens`.
 *
 * Cuts on whole code points, never inside a UTF-8 sequence, so the result is
 * still valid text (a real server would cut on a token boundary).
 */
export function truncateToTokens(text: string, maxTokens: number): string {
  const byteBudget = Math.max(0, maxTokens) * BYTES_PER_TOKEN;
  let bytes = 0;
  let end = 0;
  for (const codePoint of text) {
    const size = utf8.encode(codePoint).length;
    if (bytes + size > byteBudget) break;
    bytes += size;
    end += codePoint.length;
  }
  return text.slice(0, end);
}
