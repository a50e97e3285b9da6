import type { LlmStatus } from '../shared/settings';
import type { BuildMode, ResolvedSettings } from './config/resolveSettings';
import { llmHandlers } from './ipc/handlers/llmHandlers';
import { protocolHandlers } from './ipc/handlers/protocolHandlers';
import { sessionHandlers } from './ipc/handlers/sessionHandlers';
import { settingsHandlers, settingsView } from './ipc/handlers/settingsHandlers';
import type { OperationHandlers } from './ipc/registrar';
import { createLlmGateway } from './llm/gateway';
import { createModelResolver } from './llm/modelResolver';
import { createPromptAssembler } from './llm/promptAssembly';
import { BytesPerTokenEstimator } from './llm/tokens/bytesEstimate';
import { createTokenCounter } from './llm/tokens/createTokenCounter';
import type { Logger } from './logging/logger';
import type { Clock } from './sessions/clock';
import { ModelRequestLimiter } from './sessions/modelRequestLimiter';
import { ProtocolService } from './sessions/protocolService';
import { SessionStore, type IdSource } from './sessions/sessionStore';

/** The single local owner until clinician profiles arrive; every session already carries its owner. */
export const LOCAL_OWNER_ID = 'local';

/** How often main re-checks the model servers in the background, so the status line stays true. */
export const LLM_MONITOR_INTERVAL_MS = 30_000;

/** What main's services are built from: configuration and the platform, injected. */
export interface MainServicesOptions {
  readonly mode: BuildMode;
  readonly config: ResolvedSettings;
  /** Electron's `net.fetch` in the app, the global fetch in Node. */
  readonly fetch: typeof globalThis.fetch;
  readonly clock: Clock;
  readonly newId: IdSource;
  readonly logger: Logger;
  /** Background probes of the model servers (off in tests that count requests). */
  readonly monitorLlm?: boolean;
}

/** Main's services, wired, with the handlers the registrar installs. */
export interface MainServices {
  readonly handlers: OperationHandlers;
  /** Hears model-server status changes (failover, outage, recovery); returns the removal. */
  onLlmStatus(listener: (status: LlmStatus) => void): () => void;
  /**
   * Graceful shutdown: refuses new turns, lets running ones finish for up to `graceMs`, cancels the rest
   * (partial answers kept), then stops every timer.
   */
  shutdown(graceMs: number): Promise<void>;
}

/**
 * Builds main's services in plain Node. The Electron app and the browser harness both call this, then hand
 * `handlers` to the same registrar, so the harness exercises exactly the app's handlers.
 */
export function createMainServices(options: MainServicesOptions): MainServices {
  const { settings } = options.config;
  const { clock, logger } = options;
  const gateway = createLlmGateway({
    endpoints: [settings.llmBaseUrl, ...settings.llmFallbackUrls],
    apiKey: settings.llmApiKey,
    fetch: options.fetch,
    timeoutMs: settings.requestTimeoutMs,
    maxRetries: settings.maxRetries,
    clock,
    logger,
  });
  const estimator = new BytesPerTokenEstimator();
  const assembler = createPromptAssembler({
    counter: createTokenCounter({ baseURL: settings.llmBaseUrl, fetch: options.fetch, estimator, clock, logger }),
    estimator,
    contextLengthOf: (model) => gateway.contextLengthOf(model),
    fallbackContextLength: settings.contextLength,
    maxOutputTokens: settings.maxOutputTokens,
    marginTokens: settings.contextMarginTokens,
  });
  const store = new SessionStore(
    clock,
    options.newId,
    {
      idleTimeoutMs: settings.sessionIdleTimeoutMs,
      absoluteTimeoutMs: settings.sessionAbsoluteTimeoutMs,
      maxLiveSessions: settings.maxLiveSessions,
    },
    logger,
  );
  const protocol = new ProtocolService({
    store,
    llm: gateway,
    limiter: new ModelRequestLimiter(settings.maxConcurrentModelRequests),
    assembler,
    // Release builds take the model from IT policy; development may use the first one the server lists.
    resolveModel: createModelResolver(gateway, settings.model, options.mode !== 'release'),
    generation: { temperature: settings.temperature, maxOutputTokens: settings.maxOutputTokens },
    queueWaitMs: settings.sessionQueueWaitMs,
    clock,
    newId: options.newId,
    logger,
  });
  const currentOwner = (): string => LOCAL_OWNER_ID;
  const handlers: OperationHandlers = {
    ...protocolHandlers(protocol, currentOwner),
    ...sessionHandlers(store, currentOwner),
    ...settingsHandlers(() => settingsView(settings, options.config.lockedByPolicy)),
    ...llmHandlers(() => gateway.status(settings.model)),
  };
  if (options.monitorLlm ?? true) gateway.startMonitoring(LLM_MONITOR_INTERVAL_MS, settings.model);
  return {
    handlers,
    onLlmStatus: (listener) => gateway.onStatusChange(listener),
    async shutdown(graceMs) {
      await protocol.shutdown(graceMs);
      gateway.dispose();
    },
  };
}
