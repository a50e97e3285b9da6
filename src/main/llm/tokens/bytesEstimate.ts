import type { TokenCounter } from './tokenCounter';
import { utf8ByteLength } from './utf8Bytes';

/**
 * Default UTF-8 bytes per token. English with a modern BPE vocabulary averages about 4 bytes per token; clinical
 * vocabulary, numbers and non-Latin text tokenize worse. Guessing low over-counts, which only shortens the
 * history; guessing high would overflow the context, so the default leans low.
 */
export const DEFAULT_BYTES_PER_TOKEN = 3;

/** No byte-level tokenizer makes a token of less than one byte: the floor of any correction. */
export const MIN_BYTES_PER_TOKEN = 1;

/** Options of {@link BytesPerTokenEstimator}. */
export interface BytesPerTokenEstimatorOptions {
  /** Bytes per token assumed for a model until the server proves it tokenizes worse. */
  readonly defaultBytesPerToken?: number;
}

/**
 * A conservative token count from the UTF-8 length: `ceil(bytes / bytesPerToken(model))`.
 *
 * The ratio starts at {@link DEFAULT_BYTES_PER_TOKEN} and is only ever corrected downward (more tokens per
 * byte) by {@link observe}: a server reporting more prompt tokens than we estimated proves we under-count, while
 * one reporting fewer proves nothing about the next text (and shrinking would let a model whose tokenizer is
 * less efficient overflow). Counts already cached stay as they were; the next 400 overflow retry covers them.
 */
export class BytesPerTokenEstimator implements TokenCounter {
  readonly #defaultBytesPerToken: number;
  readonly #bytesPerToken = new Map<string, number>();

  constructor(options: BytesPerTokenEstimatorOptions = {}) {
    const ratio = options.defaultBytesPerToken ?? DEFAULT_BYTES_PER_TOKEN;
    if (!Number.isFinite(ratio) || ratio < MIN_BYTES_PER_TOKEN) {
      throw new RangeError(`Bytes per token must be a number of at least ${MIN_BYTES_PER_TOKEN}, got ${ratio}.`);
    }
    this.#defaultBytesPerToken = ratio;
  }

  /** The bytes-per-token ratio currently assumed for `model`. */
  bytesPerToken(model: string): number {
    return this.#bytesPerToken.get(model) ?? this.#defaultBytesPerToken;
  }

  /** The estimate, synchronously: for callers on the hot path that need no server. */
  estimate(model: string, text: string): number {
    return Math.ceil(utf8ByteLength(text) / this.bytesPerToken(model));
  }

  /** {@link TokenCounter} form of {@link estimate}. */
  count(model: string, text: string): Promise<number> {
    return Promise.resolve(this.estimate(model, text));
  }

  /**
   * Learns from the server's `usage.prompt_tokens` (or any exact count of the same prompt): when
   * `actualPromptTokens` exceeds `estimatedPromptTokens`, future estimates for `model` grow by that factor. Never
   * shrinks. `overheadTokens` is the part of the estimate that does not come from text (chat-template overhead per
   * message): the whole shortfall is put on the text, so the same prompt would now be estimated at least as high.
   * Ignores meaningless input (zero, negative or non-finite numbers), as from a server that omits usage.
   */
  observe(model: string, estimatedPromptTokens: number, actualPromptTokens: number, overheadTokens = 0): void {
    const estimatedText = estimatedPromptTokens - overheadTokens;
    const actualText = actualPromptTokens - overheadTokens;
    if (!Number.isFinite(estimatedText) || !Number.isFinite(actualText) || !(overheadTokens >= 0)) return;
    if (!(estimatedText > 0) || !(actualText > estimatedText)) return;
    const corrected = (this.bytesPerToken(model) * estimatedText) / actualText;
    this.#bytesPerToken.set(model, Math.max(MIN_BYTES_PER_TOKEN, corrected));
  }
}
