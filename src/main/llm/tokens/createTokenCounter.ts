import type { Logger } from '../../core/logger';
import type { Clock } from '../../core/clock';
import type { BytesPerTokenEstimator } from './bytesEstimate';
import type { TokenCounter } from './tokenCounter';
import { createVllmTokenizeCounter } from './vllmTokenize';

/** Options of {@link createTokenCounter}. */
export interface CreateTokenCounterOptions {
  /** The model server's OpenAI base URL; empty for estimates only (no server configured). */
  readonly baseURL: string;
  readonly fetch: typeof globalThis.fetch;
  /**
   * The fallback, shared with whoever feeds it `usage.prompt_tokens` through `observe`, so that corrections
   * learnt from answers apply to the counts made while `/tokenize` is unavailable.
   */
  readonly estimator: BytesPerTokenEstimator;
  /** Monotonic time for the `/tokenize` cooldown. */
  readonly clock: Pick<Clock, 'monotonicMs'>;
  /** See `VllmTokenizeCounterOptions`. */
  readonly timeoutMs?: number;
  readonly cooldownMs?: number;
  readonly logger?: Logger;
}

/**
 * The token counter main uses: the server's `/tokenize` when it answers, else the conservative estimate.
 * Throws only for a base URL that is not a URL (a configuration error).
 */
export function createTokenCounter(options: CreateTokenCounterOptions): TokenCounter {
  if (options.baseURL.trim() === '') return options.estimator;
  const { estimator, ...rest } = options;
  return createVllmTokenizeCounter({ ...rest, fallback: estimator });
}
