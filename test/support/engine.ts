import { createLlmGateway } from '../../src/main/llm/gateway';
import { createPromptAssembler } from '../../src/main/llm/promptAssembly';
import { BytesPerTokenEstimator } from '../../src/main/llm/tokens/bytesEstimate';
import { silentLogger } from '../../src/main/core/logger';
import { ModelRequestLimiter } from '../../src/main/sessions/modelRequestLimiter';
import { ProtocolService } from '../../src/main/sessions/protocolService';
import { SessionStore, type SessionLimits } from '../../src/main/sessions/sessionStore';
import type { FakeLlmServer } from '../fakes/fakeLlmServer';
import { sequentialIds, TestClock } from './testClock';

/** Knobs of a test engine; defaults mirror the app's settings. */
export interface TestEngineOptions {
  limits?: Partial<SessionLimits>;
  maxConcurrentModelRequests?: number;
  queueWaitMs?: number;
  maxOutputTokens?: number;
  /** What the engine believes the context length is (default: what the server lists). */
  contextLengthOf?: (model: string) => Promise<number | null>;
  timeoutMs?: number;
}

/**
 * The session engine wired as the app wires it — real gateway, token estimate, prompt assembly, limiter, store —
 * against the test server, with a test clock (timeouts and queue waits move only when the test advances it).
 */
export function createTestEngine(server: FakeLlmServer, options: TestEngineOptions = {}) {
  const clock = new TestClock();
  const newId = sequentialIds();
  const store = new SessionStore(
    clock,
    newId,
    { idleTimeoutMs: 30 * 60_000, absoluteTimeoutMs: 4 * 60 * 60_000, maxLiveSessions: 500, ...options.limits },
    silentLogger,
  );
  const gateway = createLlmGateway({
    endpoints: [server.baseURL],
    apiKey: '',
    fetch: globalThis.fetch,
    timeoutMs: options.timeoutMs ?? 5_000,
    maxRetries: 0,
    clock,
    logger: silentLogger,
  });
  const estimator = new BytesPerTokenEstimator();
  const maxOutputTokens = options.maxOutputTokens ?? 256;
  const assembler = createPromptAssembler({
    counter: estimator,
    estimator,
    contextLengthOf: options.contextLengthOf ?? ((model) => gateway.contextLengthOf(model)),
    fallbackContextLength: 8192,
    maxOutputTokens,
    marginTokens: 128,
  });
  const limiter = new ModelRequestLimiter(options.maxConcurrentModelRequests ?? 4);
  const service = new ProtocolService({
    store,
    llm: gateway,
    limiter,
    assembler,
    resolveModel: async () => 'fake-clinical-model',
    generation: { temperature: 0.2, maxOutputTokens },
    queueWaitMs: options.queueWaitMs ?? 90_000,
    clock,
    newId,
    logger: silentLogger,
  });
  return { clock, store, gateway, limiter, service, estimator };
}
