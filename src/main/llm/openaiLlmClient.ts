import OpenAI from 'openai';
import { systemClock, type Clock } from '../core/clock';
import type { LlmClient, ServedModel, StreamChatRequest, StreamChatResult, StreamEnd } from './llmClient';
import { llmTimeoutError, toLlmAppError, unreachable, type LlmFailurePhase, type LlmRequestError } from './llmErrors';

/** How to reach one OpenAI-compatible endpoint. */
export interface OpenAiLlmClientOptions {
  readonly baseURL: string;
  /** Empty when the server needs none (vLLM without `--api-key`). */
  readonly apiKey: string;
  /** Electron's `net.fetch` in the app (OS trust store and proxy), the global fetch in Node. */
  readonly fetch: typeof globalThis.fetch;
  /** Limit for the response to start, and for each silence between streamed chunks. */
  readonly timeoutMs: number;
  /**
   * Ignored: this client never retries (the SDK's retries are off). Retries with backoff and failover between
   * endpoints belong to the gateway (`gateway.ts`), where they are tested with an injected sleep.
   * @deprecated Build a gateway with `createLlmGateway` for retries.
   */
  readonly maxRetries?: number;
  /** For `Retry-After` given as an HTTP date. Default: the system clock. */
  readonly clock?: Clock;
}

/**
 * One model-server endpoint through the official `openai` SDK, without retries: every failure before any text is
 * thrown as an {@link LlmRequestError} saying whether it is worth retrying; once text has arrived nothing is
 * thrown — a broken or silent stream ends as `stream_cut` with the text so far.
 */
export function createOpenAiLlmClient(options: OpenAiLlmClientOptions): LlmClient {
  const endpoint = options.baseURL;
  const clock = options.clock ?? systemClock;
  const client = new OpenAI({
    baseURL: options.baseURL,
    // The SDK insists on a key; vLLM started without --api-key ignores the header.
    apiKey: options.apiKey || 'no-key',
    // Configuration comes from settings only, never from OPENAI_* variables of whoever launched the app.
    organization: null,
    project: null,
    fetch: options.fetch,
    timeout: options.timeoutMs,
    // Retries live in the gateway: the SDK's own would hide attempts from it and wait on real timers.
    maxRetries: 0,
    // The SDK logs an unparsable stream chunk verbatim, and a chunk is answer text (patient data).
    logLevel: 'off',
    dangerouslyAllowBrowser: false,
  });
  const failure = (error: unknown, phase: LlmFailurePhase): LlmRequestError =>
    toLlmAppError(error, { endpoint, timeoutMs: options.timeoutMs, phase, nowMs: () => clock.now().getTime() });

  return {
    endpoint,

    async streamChat(request: StreamChatRequest): Promise<StreamChatResult> {
      const controller = new AbortController();
      const abortFromCaller = (): void => controller.abort();
      request.signal.addEventListener('abort', abortFromCaller, { once: true });
      if (request.signal.aborted) controller.abort();
      // The SDK's timeout covers the wait for the response to start; a stream that goes silent needs its own.
      let silenceTimer: NodeJS.Timeout | undefined;
      let timedOut = false;
      const armSilenceTimer = (): void => {
        clearTimeout(silenceTimer);
        silenceTimer = setTimeout(() => {
          timedOut = true;
          controller.abort();
        }, options.timeoutMs);
      };

      // Deltas are joined once at the end: `+=` per delta leaves a rope of hundreds of pieces per answer in memory.
      const parts: string[] = [];
      let model = request.model;
      let end: StreamEnd = 'stream_cut';
      let promptTokens: number | null = null;
      let completionTokens: number | null = null;
      let phase: LlmFailurePhase = 'request';
      try {
        const stream = await client.chat.completions.create(
          {
            model: request.model,
            messages: request.messages.map((message) => ({ role: message.role, content: message.content })),
            temperature: request.temperature,
            max_tokens: request.maxTokens,
            stream: true,
            stream_options: { include_usage: true },
          },
          { signal: controller.signal },
        );
        phase = 'stream';
        armSilenceTimer();
        for await (const chunk of stream) {
          armSilenceTimer();
          model = chunk.model || model;
          if (chunk.usage) {
            promptTokens = chunk.usage.prompt_tokens ?? null;
            completionTokens = chunk.usage.completion_tokens ?? null;
          }
          const choice = chunk.choices[0];
          const delta = choice?.delta?.content;
          if (delta) {
            parts.push(delta);
            request.onDelta(delta);
          }
          if (choice?.finish_reason) end = choice.finish_reason === 'length' ? 'max_tokens' : 'stop';
        }
        // An aborted stream may end the loop without throwing: tell that apart from a clean end.
        if (controller.signal.aborted) end = timedOut ? 'stream_cut' : 'cancelled';
        if (end === 'stream_cut' && parts.length === 0) {
          // Nothing was said, so nothing can be duplicated: report a failure the gateway may retry.
          throw timedOut ? llmTimeoutError(endpoint, options.timeoutMs) : unreachable(endpoint, 'closed the connection before answering');
        }
      } catch (error) {
        if (request.signal.aborted) end = 'cancelled';
        else if (parts.length > 0) end = 'stream_cut'; // Keep what arrived; the turn is marked incomplete, never re-asked.
        else if (timedOut) throw llmTimeoutError(endpoint, options.timeoutMs);
        else throw failure(error, phase);
      } finally {
        clearTimeout(silenceTimer);
        request.signal.removeEventListener('abort', abortFromCaller);
        // A stream left early (cut, malformed chunk) must not keep its socket open.
        controller.abort();
      }
      return { text: parts.join(''), end, promptTokens, completionTokens, model, endpoint };
    },

    async listModels(signal?: AbortSignal): Promise<ServedModel[]> {
      try {
        const page = await client.models.list(signal ? { signal } : undefined);
        return page.data.map((entry) => {
          const maxModelLen = (entry as { max_model_len?: unknown }).max_model_len;
          return { id: entry.id, maxModelLen: typeof maxModelLen === 'number' ? maxModelLen : null };
        });
      } catch (error) {
        throw failure(error, 'request');
      }
    },
  };
}
