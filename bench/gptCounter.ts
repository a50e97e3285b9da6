/**
 * One real tokenizer for both sides of every comparison: gpt-tokenizer (o200k_base), wrapped once as the
 * engine's {@link TokenCounter} and once as LangChain's `tokenCounter`. Using the same function on both sides
 * means a difference in time is a difference in how often each design tokenizes, not in how fast.
 */
import type { BaseMessage } from '@langchain/core/messages';
import { countTokens } from 'gpt-tokenizer';
import type { TokenCounter } from '../src/main/llm/tokens/tokenCounter';
import { MESSAGE_OVERHEAD_TOKENS } from '../src/main/llm/tokens/tokenCounter';

/** The engine's counter: tokens of one text (the engine adds the per-message overhead itself). */
export const gptTokenCounter: TokenCounter = {
  count: (_model, text) => Promise.resolve(countTokens(text)),
};

/** The text of a LangChain message; multimodal content blocks contribute their text parts. */
function messageText(message: BaseMessage): string {
  const { content } = message;
  if (typeof content === 'string') return content;
  let text = '';
  for (const block of content) if (block.type === 'text' && typeof block.text === 'string') text += block.text;
  return text;
}

/**
 * LangChain's `tokenCounter`: the sum of gpt-tokenizer counts over the messages, plus the same per-message
 * chat-template overhead the engine budgets ({@link MESSAGE_OVERHEAD_TOKENS}), so both sides trim to the same
 * budget under the same accounting and keep comparable windows.
 */
export function countLangChainTokens(messages: BaseMessage[]): number {
  let tokens = 0;
  for (const message of messages) tokens += countTokens(messageText(message)) + MESSAGE_OVERHEAD_TOKENS;
  return tokens;
}
