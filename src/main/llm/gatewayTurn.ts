import type { Logger } from '../core/logger';
import type { Clock } from '../core/clock';
import type { EndpointHealth } from './endpointHealth';
import type { EndpointModels } from './endpointModels';
import type { LlmClient, StreamChatRequest, StreamChatResult } from './llmClient';
import { LlmRequestError, toLlmAppError } from './llmErrors';
import { retryDelayMs, type RetryPolicy } from './retryPolicy';
import { sleepUnlessAborted, type RetrySleep } from './retrySleep';

/** What a turn did to the endpoints, for the gateway's status. */
export type TurnEvent =
  /** Text came from `endpoint` (a complete answer or a cut stream). */
  | { readonly type: 'answered'; readonly endpoint: string; readonly model: string; readonly latencyMs: number }
  /** `endpoint` refused the request in a way no retry fixes (e.g. 401, 404): it is there but not usable. */
  | { readonly type: 'refused'; readonly endpoint: string; readonly model: string; readonly error: LlmRequestError }
  /** Every endpoint was tried and failed; `endpoint` is the last one tried. */
  | { readonly type: 'exhausted'; readonly endpoint: string; readonly model: string; readonly error: LlmRequestError };

/** What a turn needs from the gateway. */
export interface TurnDeps {
  /** Primary first. */
  readonly endpoints: readonly string[];
  readonly clientFor: (endpoint: string) => LlmClient;
  readonly health: EndpointHealth;
  readonly models: EndpointModels;
  readonly maxRetries: number;
  readonly policy: RetryPolicy;
  readonly sleep: RetrySleep;
  readonly random: () => number;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly timeoutMs: number;
  /** Limit for asking a fallback which models it serves. */
  readonly probeTimeoutMs: number;
  readonly report: (event: TurnEvent) => void;
}

/**
 * Runs one streamed turn across the endpoints.
 *
 * - Endpoints are tried healthy first, in configured order, each at most once per turn.
 * - A timeout moves on to the next endpoint at once, so a hanging server costs the configured timeout once.
 * - Another retryable failure before any text is retried on the same endpoint up to `maxRetries` times, waiting
 *   {@link retryDelayMs} (the server's `Retry-After` when it gave one); a `Retry-After` beyond the policy's cap,
 *   or the retries running out, moves on to the next endpoint, and the failed one cools down.
 * - A fallback is used only if its `/v1/models` lists the requested model: answers from another model are never
 *   passed off as the configured one.
 * - A non-retryable failure (400, 401/403, 404, context overflow, an unreadable answer) is thrown at once.
 * - Once any text has streamed nothing is retried: a failure then ends the turn as `stream_cut` with the text so
 *   far, so no token is ever shown twice.
 * - Aborting the request's signal ends the turn as `cancelled` at once, during a backoff wait too.
 */
export async function runTurn(deps: TurnDeps, request: StreamChatRequest): Promise<StreamChatResult> {
  const { signal } = request;
  let text = '';
  let firstTextAt: number | null = null;
  const watched: StreamChatRequest = {
    ...request,
    onDelta: (delta) => {
      if (delta === '') return;
      firstTextAt ??= deps.clock.monotonicMs();
      text += delta;
      request.onDelta(delta);
    },
  };
  const ended = (endpoint: string, end: 'cancelled' | 'stream_cut'): StreamChatResult => ({
    text,
    end,
    promptTokens: null,
    completionTokens: null,
    model: request.model,
    endpoint,
  });

  const order = deps.health.order(deps.endpoints);
  let lastError: LlmRequestError | null = null;
  let lastEndpoint = order[0] ?? '';
  let tried = 0;
  let attempts = 0;
  for (const endpoint of order) {
    if (signal.aborted) return ended(endpoint, 'cancelled');
    if (endpoint !== deps.endpoints[0]) {
      const check = await fallbackServes(deps, endpoint, request.model, signal);
      if (signal.aborted) return ended(endpoint, 'cancelled');
      if (check === false) continue;
      if (check !== true) {
        tried += 1;
        lastError = check;
        lastEndpoint = endpoint;
        deps.health.markUnhealthy(endpoint);
        continue;
      }
    }
    tried += 1;
    lastEndpoint = endpoint;
    let cooldownAtLeastMs = 0;
    for (let retry = 0; ; retry += 1) {
      attempts += 1;
      const started = deps.clock.monotonicMs();
      try {
        const result = await deps.clientFor(endpoint).streamChat(watched);
        if (result.end !== 'cancelled' || result.text !== '') {
          deps.health.markHealthy(endpoint);
          deps.report({ type: 'answered', endpoint, model: request.model, latencyMs: (firstTextAt ?? deps.clock.monotonicMs()) - started });
        }
        return result;
      } catch (error) {
        if (signal.aborted) return ended(endpoint, 'cancelled');
        if (text !== '') {
          // A client that throws after streaming text: keep the text, never ask again (that would repeat it).
          deps.report({ type: 'answered', endpoint, model: request.model, latencyMs: (firstTextAt ?? started) - started });
          return ended(endpoint, 'stream_cut');
        }
        const failure = toLlmAppError(error, { endpoint, timeoutMs: deps.timeoutMs });
        deps.logger.warn('llm.attempt_failed', {
          endpoint,
          kind: failure.kind,
          status: failure.status,
          retryable: failure.retryable,
          attempt: retry + 1,
        });
        if (!failure.retryable) {
          deps.report({ type: 'refused', endpoint, model: request.model, error: failure });
          throw failure;
        }
        lastError = failure;
        // A server that let a whole timeout pass is not asked again: retrying it would make the clinician wait
        // (retries + 1) × the timeout. It cools down and the next endpoint, if any, is tried at once.
        if (retry >= deps.maxRetries || failure.kind === 'timeout') break;
        const delayMs = retryDelayMs(retry, failure.retryAfterMs, deps.random, deps.policy);
        if (delayMs === null) {
          // The server asked for a longer pause than a clinician should sit through: leave it alone that long.
          cooldownAtLeastMs = failure.retryAfterMs ?? 0;
          break;
        }
        if (!(await sleepUnlessAborted(deps.sleep, delayMs, signal))) return ended(endpoint, 'cancelled');
      }
    }
    deps.health.markUnhealthy(endpoint, cooldownAtLeastMs);
    deps.logger.warn('llm.endpoint_unhealthy', { endpoint, kind: lastError?.kind ?? null });
  }

  const error = summarize(lastError, request.model, tried, attempts);
  deps.report({ type: 'exhausted', endpoint: lastEndpoint, model: request.model, error });
  throw error;
}

/**
 * Whether a fallback serves `model`: true, false (another model: never use it), or the error that kept it from
 * saying (the endpoint is down).
 */
async function fallbackServes(deps: TurnDeps, endpoint: string, model: string, signal: AbortSignal): Promise<boolean | LlmRequestError> {
  try {
    const models = await deps.models.get(endpoint, AbortSignal.any([signal, AbortSignal.timeout(deps.probeTimeoutMs)]));
    if (models.some((entry) => entry.id === model)) return true;
    deps.logger.warn('llm.fallback_serves_other_model', { endpoint, model });
    return false;
  } catch (error) {
    return toLlmAppError(error, { endpoint, timeoutMs: deps.probeTimeoutMs });
  }
}

/** The last failure, reworded to say how much was tried (the code and retry details stay the last one's). */
function summarize(lastError: LlmRequestError | null, model: string, tried: number, attempts: number): LlmRequestError {
  if (lastError === null) {
    return new LlmRequestError('LLM_UNAVAILABLE', `No model server serving the model "${model}" could be reached. Check the model server settings.`, {
      kind: 'connection',
      status: null,
      retryable: true,
      retryAfterMs: null,
    });
  }
  const servers = tried === 1 ? '1 model server' : `${tried} model servers`;
  const tries = attempts === 1 ? '1 attempt' : `${attempts} attempts`;
  return lastError.withMessage(`${lastError.message} Tried ${servers} (${tries}).`);
}
