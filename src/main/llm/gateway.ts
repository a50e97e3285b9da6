import type { LlmStatus } from '../../shared/settings';
import type { Logger } from '../core/logger';
import type { Clock } from '../core/clock';
import { createEndpointHealth } from './endpointHealth';
import { createEndpointModels } from './endpointModels';
import { startGatewayMonitor } from './gatewayMonitor';
import { createGatewayStatusFeed } from './gatewayStatusFeed';
import { runTurn, type TurnEvent } from './gatewayTurn';
import type { LlmClient, ServedModel, StreamChatRequest, StreamChatResult } from './llmClient';
import { toLlmAppError, type LlmRequestError } from './llmErrors';
import { DEGRADED_AFTER_MS, judgeProbe, offlineStatus, PROBE_TIMEOUT_MS, probeEndpoint, servesModel, type EndpointProbe } from './llmStatusProbe';
import { createOpenAiLlmClient } from './openaiLlmClient';
import { cryptoRandom, DEFAULT_RETRY_POLICY, type RetryPolicy } from './retryPolicy';
import { clockSleep, type RetrySleep } from './retrySleep';

/** How long a failed endpoint is passed over by default. */
export const DEFAULT_UNHEALTHY_COOLDOWN_MS = 30_000;
/** How long a `/v1/models` listing is trusted by default. */
export const DEFAULT_MODELS_CACHE_MS = 30_000;

/** What the gateway is built from. Time, waiting and randomness are injected so tests are exact. */
export interface LlmGatewayOptions {
  /** Base URLs including `/v1`; the first is the primary, the rest fallbacks serving the same model. */
  readonly endpoints: readonly string[];
  /** Empty when the servers need none. */
  readonly apiKey: string;
  /** Electron's `net.fetch` in the app, the global fetch in Node. */
  readonly fetch: typeof globalThis.fetch;
  /** Limit for a response to start, and for each silence between streamed chunks. */
  readonly timeoutMs: number;
  /** Retries per endpoint of a retryable failure before any text. */
  readonly maxRetries: number;
  /** The backoff wait; default: a timer on `clock`. Tests pass one that records and resolves at once. */
  readonly sleep?: RetrySleep;
  readonly clock: Clock;
  readonly logger: Logger;
  /** A number in [0, 1) for backoff jitter; default: crypto randomness. */
  readonly random?: () => number;
  /** How long a failed endpoint is passed over; default {@link DEFAULT_UNHEALTHY_COOLDOWN_MS}. */
  readonly unhealthyCooldownMs?: number;
  /** How long a `/v1/models` listing is trusted; default {@link DEFAULT_MODELS_CACHE_MS}. */
  readonly modelsCacheMs?: number;
  /** Backoff numbers; default {@link DEFAULT_RETRY_POLICY}. */
  readonly retryPolicy?: RetryPolicy;
  /** Builds the client of one endpoint (tests); default {@link createOpenAiLlmClient} without retries. */
  readonly createClient?: (baseURL: string) => LlmClient;
}

/** The model servers behind one {@link LlmClient}: retries, failover, health and status. */
export interface LlmGateway extends LlmClient {
  /** The endpoint the next turn goes to first: the primary unless it is cooling down after a failure. */
  readonly endpoint: string;
  /** Streams a turn with retries and failover; `result.endpoint` names the endpoint that answered. */
  streamChat(request: StreamChatRequest): Promise<StreamChatResult>;
  /** The models of the current endpoint (the next one in order when it cannot be reached). */
  listModels(signal?: AbortSignal): Promise<ServedModel[]>;
  /** `max_model_len` of `model` from the endpoint that serves it (cached listing); null when unknown. Never throws. */
  contextLengthOf(model: string): Promise<number | null>;
  /** Probes the endpoints and publishes the result. Never throws. */
  status(configuredModel: string): Promise<LlmStatus>;
  /** Hears when the state, endpoint or model changes — after probes and after turns. Returns the removal. */
  onStatusChange(listener: (status: LlmStatus) => void): () => void;
  /** Probes now and then every `intervalMs` (one timer; replaces an earlier monitoring). */
  startMonitoring(intervalMs: number, configuredModel: string): void;
  /** Stops monitoring and drops the listeners. */
  dispose(): void;
}

/** Builds the gateway. Nothing is contacted until the first turn, listing or probe. */
export function createLlmGateway(options: LlmGatewayOptions): LlmGateway {
  const endpoints = [...new Set(options.endpoints)];
  const primary = endpoints[0];
  if (primary === undefined) throw new RangeError('createLlmGateway: at least one endpoint is required.');
  const { clock, logger } = options;
  const createClient =
    options.createClient ??
    ((baseURL: string) => createOpenAiLlmClient({ baseURL, apiKey: options.apiKey, fetch: options.fetch, timeoutMs: options.timeoutMs, clock }));
  const clients = new Map<string, LlmClient>();
  const clientFor = (endpoint: string): LlmClient => {
    let client = clients.get(endpoint);
    if (!client) {
      client = createClient(endpoint);
      clients.set(endpoint, client);
    }
    return client;
  };
  const probeTimeoutMs = Math.min(options.timeoutMs, PROBE_TIMEOUT_MS);
  const health = createEndpointHealth(clock, options.unhealthyCooldownMs ?? DEFAULT_UNHEALTHY_COOLDOWN_MS);
  const models = createEndpointModels(clock, options.modelsCacheMs ?? DEFAULT_MODELS_CACHE_MS, (endpoint, signal) =>
    clientFor(endpoint).listModels(signal),
  );
  const feed = createGatewayStatusFeed(logger);
  // The model of the last turn: what a fallback must serve when no model is configured (development builds).
  let lastTurnModel = '';
  let stopMonitoring: (() => void) | null = null;

  const onTurnEvent = (event: TurnEvent): void => {
    lastTurnModel = event.model;
    feed.publish(statusAfterTurn(event, primary, feed.current()));
  };

  const gateway: LlmGateway = {
    get endpoint() {
      return health.order(endpoints)[0] ?? primary;
    },

    streamChat(request) {
      return runTurn(
        {
          endpoints,
          clientFor,
          health,
          models,
          maxRetries: options.maxRetries,
          policy: options.retryPolicy ?? DEFAULT_RETRY_POLICY,
          sleep: options.sleep ?? clockSleep(clock),
          random: options.random ?? cryptoRandom,
          clock,
          logger,
          timeoutMs: options.timeoutMs,
          probeTimeoutMs,
          report: onTurnEvent,
        },
        request,
      );
    },

    async listModels(signal) {
      let lastError: LlmRequestError | null = null;
      for (const endpoint of health.order(endpoints)) {
        try {
          const listed = await clientFor(endpoint).listModels(signal);
          models.remember(endpoint, listed);
          return listed;
        } catch (error) {
          lastError = toLlmAppError(error, { endpoint, timeoutMs: options.timeoutMs });
          if (!lastError.retryable || signal?.aborted) throw lastError;
        }
      }
      // Unreachable in practice (there is always a primary), but the type system cannot know the loop ran.
      throw lastError ?? toLlmAppError(new Error('no endpoint was tried'), { endpoint: primary, timeoutMs: options.timeoutMs });
    },

    async contextLengthOf(model) {
      for (const endpoint of health.order(endpoints)) {
        try {
          const entry = (await models.get(endpoint, AbortSignal.timeout(probeTimeoutMs))).find((served) => served.id === model);
          if (entry) return entry.maxModelLen;
        } catch {
          // Not answering: the next endpoint may say; the caller falls back to the configured length.
        }
      }
      return null;
    },

    async status(configuredModel) {
      const wanted = configuredModel || lastTurnModel;
      let answeredButUnusable: EndpointProbe | null = null;
      // Healthy endpoints first: a primary cooling down after failed turns is only probed when nothing else serves.
      for (const endpoint of health.order(endpoints)) {
        const probe = await probeEndpoint(clientFor(endpoint), clock, probeTimeoutMs);
        if (probe.models !== null) {
          models.remember(endpoint, probe.models);
          health.markHealthy(endpoint);
          const usable = endpoint === primary || (wanted ? servesModel(probe.models, wanted) : probe.models.length > 0);
          if (usable) return publish(judgeProbe(probe, wanted, endpoint === primary));
        } else if (!probe.answered) {
          health.markUnhealthy(endpoint);
        }
        if (probe.answered) answeredButUnusable ??= probe;
      }
      return publish(answeredButUnusable ? judgeProbe(answeredButUnusable, wanted, false) : offlineStatus(primary, wanted));
    },

    onStatusChange(listener) {
      return feed.subscribe(listener);
    },

    startMonitoring(intervalMs, configuredModel) {
      stopMonitoring?.();
      stopMonitoring = startGatewayMonitor(clock, intervalMs, () => gateway.status(configuredModel), logger);
    },

    dispose() {
      stopMonitoring?.();
      stopMonitoring = null;
      feed.clear();
    },
  };

  function publish(status: LlmStatus): LlmStatus {
    feed.publish(status);
    return status;
  }

  return gateway;
}

/**
 * What a turn's outcome says about the servers. An answer from the primary confirms it is reachable (keeping a
 * probe's finding that it is slow); an answer from a fallback, or a refusal, is degraded; exhaustion is offline unless some
 * server answered with an HTTP error (busy, failing), which is degraded. Request-specific refusals (400, context
 * overflow, an unreadable answer) say nothing about the servers and change nothing.
 */
function statusAfterTurn(event: TurnEvent, primary: string, current: LlmStatus | null): LlmStatus {
  if (event.type === 'answered') {
    // A turn cannot judge speed (a long prompt is slow to start anyway): keep a probe's finding that it is slow.
    const probedSlow = current?.state === 'degraded' && current.latencyMs !== null && current.latencyMs > DEGRADED_AFTER_MS;
    if (event.endpoint === primary && probedSlow && current.endpoint === primary && current.model === event.model) return current;
    const state = event.endpoint === primary ? 'reachable' : 'degraded';
    return { reachable: true, state, model: event.model, endpoint: event.endpoint, latencyMs: Math.max(0, event.latencyMs) };
  }
  if (event.type === 'refused') {
    const aboutServer = event.error.kind === 'auth' || event.error.kind === 'not_found';
    if (!aboutServer && current !== null) return current;
    const state = !aboutServer && event.endpoint === primary ? 'reachable' : 'degraded';
    return { reachable: true, state, model: event.model, endpoint: event.endpoint, latencyMs: null };
  }
  if (event.error.status !== null) {
    return { reachable: true, state: 'degraded', model: event.model, endpoint: event.endpoint, latencyMs: null };
  }
  return offlineStatus(primary, event.model);
}
