import { errorKind, silentLogger, type Logger } from '../../core/logger';
import type { Clock } from '../../core/clock';
import type { TokenCounter } from './tokenCounter';

/**
 * Longest wait for `/tokenize`. The count sits in front of the turn, and the estimate is a safe answer, so a
 * server slower than this is not worth waiting for.
 */
export const TOKENIZE_TIMEOUT_MS = 1_000;

/**
 * How long after a failure the endpoint is left alone. A server without the route (not vLLM, or behind a proxy
 * that passes only `/v1`) would otherwise cost a round trip per message; a server that was merely busy is asked
 * again soon enough.
 */
export const TOKENIZE_COOLDOWN_MS = 5 * 60_000;

/** Options of {@link createVllmTokenizeCounter}. */
export interface VllmTokenizeCounterOptions {
  /** The OpenAI base URL (`…/v1`); `/tokenize` lives at the server root beside it. */
  readonly baseURL: string;
  /** Electron's `net.fetch` in the app (OS trust store and proxy), the global fetch in Node. */
  readonly fetch: typeof globalThis.fetch;
  /** Answers while the endpoint is unavailable: the conservative estimate. */
  readonly fallback: TokenCounter;
  /** Monotonic time for the cooldown. */
  readonly clock: Pick<Clock, 'monotonicMs'>;
  /** Overrides {@link TOKENIZE_TIMEOUT_MS}. */
  readonly timeoutMs?: number;
  /** Overrides {@link TOKENIZE_COOLDOWN_MS}. */
  readonly cooldownMs?: number;
  /** Receives only the reason and the cooldown: never the text, the model's answer or the URL. */
  readonly logger?: Logger;
}

/**
 * The server root's `/tokenize` for an OpenAI base URL: `https://host/llm/v1/` → `https://host/llm/tokenize`.
 * Credentials, query and fragment are dropped: fetch refuses URLs with credentials, and `/tokenize` needs none.
 */
export function tokenizeUrl(baseURL: string): string {
  const url = new URL(baseURL);
  url.pathname = `${url.pathname.replace(/\/+$/, '').replace(/\/v1$/, '')}/tokenize`;
  url.username = '';
  url.password = '';
  url.search = '';
  url.hash = '';
  return url.toString();
}

/** Why the endpoint was given up on for a while; logged as is. */
type FailureReason = `status_${number}` | 'timeout' | 'malformed' | 'unreachable';

/**
 * Counts with vLLM's own tokenizer: `POST /tokenize {model, prompt, add_special_tokens: false}` → `count`.
 * Exact for the served model, so it lets the history use the whole budget. When the route is missing, refused,
 * slow or answers nonsense, the count comes from `fallback` and the endpoint is not asked again for
 * `cooldownMs`. Never throws.
 */
export function createVllmTokenizeCounter(options: VllmTokenizeCounterOptions): TokenCounter {
  const url = tokenizeUrl(options.baseURL);
  const timeoutMs = options.timeoutMs ?? TOKENIZE_TIMEOUT_MS;
  const cooldownMs = options.cooldownMs ?? TOKENIZE_COOLDOWN_MS;
  const logger = options.logger ?? silentLogger;
  let unavailableUntil = Number.NEGATIVE_INFINITY;

  const giveUp = (reason: FailureReason, model: string, text: string): Promise<number> => {
    const now = options.clock.monotonicMs();
    // Concurrent counts may fail together; one log line per cooldown is enough.
    if (now >= unavailableUntil) logger.warn('llm.tokenize_unavailable', { reason, cooldownMs });
    unavailableUntil = now + cooldownMs;
    return options.fallback.count(model, text);
  };

  return {
    async count(model: string, text: string): Promise<number> {
      if (options.clock.monotonicMs() < unavailableUntil) return options.fallback.count(model, text);
      const controller = new AbortController();
      const timer = setTimeout(() => controller.abort(), timeoutMs);
      try {
        const response = await options.fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', accept: 'application/json' },
          body: JSON.stringify({ model, prompt: text, add_special_tokens: false }),
          signal: controller.signal,
        });
        if (!response.ok) {
          // Release the connection; the body (an error page) is of no use.
          void response.body?.cancel().catch(() => {});
          return await giveUp(`status_${response.status}`, model, text);
        }
        const count = countOf(await response.json());
        return count === undefined ? await giveUp('malformed', model, text) : count;
      } catch (error) {
        const reason = controller.signal.aborted ? 'timeout' : errorKind(error) === 'SyntaxError' ? 'malformed' : 'unreachable';
        return giveUp(reason, model, text);
      } finally {
        clearTimeout(timer);
      }
    },
  };
}

/** The `count` of a `/tokenize` answer, when it is a sane one. */
function countOf(body: unknown): number | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const count = (body as { count?: unknown }).count;
  return typeof count === 'number' && Number.isSafeInteger(count) && count >= 0 ? count : undefined;
}
