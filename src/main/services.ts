import type { BuildMode, ResolvedSettings } from './config/resolveSettings';
import { llmHandlers } from './ipc/handlers/llmHandlers';
import { protocolHandlers } from './ipc/handlers/protocolHandlers';
import { settingsHandlers, settingsView } from './ipc/handlers/settingsHandlers';
import type { OperationHandlers } from './ipc/registrar';
import { probeLlmStatus } from './llm/llmStatusProbe';
import { createModelResolver } from './llm/modelResolver';
import { createOpenAiLlmClient } from './llm/openaiLlmClient';
import type { Logger } from './logging/logger';
import type { Clock } from './sessions/clock';
import { ProtocolService } from './sessions/protocolService';
import { SessionRegistry, type IdSource } from './sessions/sessionRegistry';

/** The single local owner until clinician profiles arrive; every session already carries its owner. */
export const LOCAL_OWNER_ID = 'local';

/** What main's services are built from: configuration and the platform, injected. */
export interface MainServicesOptions {
  readonly mode: BuildMode;
  readonly config: ResolvedSettings;
  /** Electron's `net.fetch` in the app, the global fetch in Node. */
  readonly fetch: typeof globalThis.fetch;
  readonly clock: Clock;
  readonly newId: IdSource;
  readonly logger: Logger;
}

/** Main's services, wired, with the handlers the registrar installs. */
export interface MainServices {
  readonly handlers: OperationHandlers;
  /** Cancels running turns and releases everything long-lived. */
  dispose(): void;
}

/**
 * Builds main's services in plain Node. The Electron app and the browser harness both call this, then hand
 * `handlers` to the same registrar, so the harness exercises exactly the app's handlers.
 */
export function createMainServices(options: MainServicesOptions): MainServices {
  const { settings } = options.config;
  const llm = createOpenAiLlmClient({
    baseURL: settings.llmBaseUrl,
    apiKey: settings.llmApiKey,
    fetch: options.fetch,
    timeoutMs: settings.requestTimeoutMs,
    maxRetries: settings.maxRetries,
  });
  const registry = new SessionRegistry(options.clock, options.newId);
  const protocol = new ProtocolService({
    registry,
    llm,
    resolveModel: createModelResolver(llm, settings.model, options.mode !== 'release'),
    generation: { temperature: settings.temperature, maxOutputTokens: settings.maxOutputTokens },
    clock: options.clock,
    newId: options.newId,
    logger: options.logger,
  });
  const currentOwner = (): string => LOCAL_OWNER_ID;
  const handlers: OperationHandlers = {
    ...protocolHandlers(protocol, currentOwner),
    ...settingsHandlers(() => settingsView(settings, options.config.lockedByPolicy)),
    ...llmHandlers(() => probeLlmStatus(llm, settings.model, options.clock)),
  };
  return { handlers, dispose: () => protocol.dispose() };
}
