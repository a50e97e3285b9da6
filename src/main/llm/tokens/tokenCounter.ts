/**
 * What prompt budgeting needs from a tokenizer: the number of tokens of one message's text for one model.
 * Implementations: {@link ./bytesEstimate} (offline, conservative) and {@link ./vllmTokenize} (the server's own
 * tokenizer, falling back to the estimate). Counting is per text, so each message is counted once, when it is
 * recorded, and prompts are then planned from cached numbers.
 */
export interface TokenCounter {
  /** Tokens of `text` alone, without chat-template markers (add {@link MESSAGE_OVERHEAD_TOKENS} per message). */
  count(model: string, text: string): Promise<number>;
}

/**
 * Tokens a chat template adds around each message (role markers, separators, end-of-turn). Real templates add
 * about 3–5 (ChatML: `<|im_start|>role\n … <|im_end|>\n`); 8 leaves room for templates we have not measured, and
 * for a word split differently at a message boundary than when its text is counted alone.
 */
export const MESSAGE_OVERHEAD_TOKENS = 8;
