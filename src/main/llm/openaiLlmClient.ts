import OpenAI from 'openai';
import { AppError } from '../../shared/errors';
import type { LlmClient, ServedModel, StreamChatRequest, StreamChatResult, StreamEnd } from './llmClient';
import { toLlmAppError } from './llmErrors';

/** How to reach one OpenAI-compatible endpoint. */
export interface OpenAiLlmClientOptions {
  readonly baseURL: string;
  /** Empty when the server needs none (vLLM without `--api-key`). */
  readonly apiKey: string;
  /** Electron's `net.fetch` in the app (OS trust store and proxy), the global fetch in Node. */
  readonly fetch: typeof globalThis.fetch;
  /** Limit for the response to start, and for each silence between streamed chunks. */
  readonly timeoutMs: number;
  /** Retries of a failed request before any text arrived (429 with Retry-After, 503, connection errors). */
  readonly maxRetries: number;
}

/** The model server through the official `openai` SDK. */
export function createOpenAiLlmClient(options: OpenAiLlmClientOptions): LlmClient {
  const endpoint = options.baseURL;
  const client = new OpenAI({
    baseURL: options.baseURL,
    // The SDK insists on a key; vLLM started without --api-key ignores the header.
    apiKey: options.apiKey || 'no-key',
    fetch: options.fetch,
    timeout: options.timeoutMs,
    maxRetries: options.maxRetries,
    // The SDK would otherwise read OPENAI_* variables and browser checks; configuration comes from settings only.
    dangerouslyAllowBrowser: false,
  });

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

      let text = '';
      let model = request.model;
      let end: StreamEnd = 'stream_cut';
      let promptTokens: number | null = null;
      let completionTokens: number | null = null;
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
            text += delta;
            request.onDelta(delta);
          }
          if (choice?.finish_reason) end = choice.finish_reason === 'length' ? 'max_tokens' : 'stop';
        }
        // An aborted stream may end the loop without throwing: tell that apart from a clean end.
        if (controller.signal.aborted) end = timedOut ? 'stream_cut' : 'cancelled';
        if (timedOut && text === '') throw new AppError('LLM_TIMEOUT', silenceMessage(endpoint, options.timeoutMs));
      } catch (error) {
        if (request.signal.aborted) end = 'cancelled';
        else if (error instanceof AppError) throw error;
        else if (timedOut && text === '') throw new AppError('LLM_TIMEOUT', silenceMessage(endpoint, options.timeoutMs));
        else if (text === '') throw toLlmAppError(error, endpoint, options.timeoutMs);
        else end = 'stream_cut'; // Keep what arrived; the turn is marked incomplete and retrying is the clinician's choice.
      } finally {
        clearTimeout(silenceTimer);
        request.signal.removeEventListener('abort', abortFromCaller);
      }
      return { text, end, promptTokens, completionTokens, model, endpoint };
    },

    async listModels(signal?: AbortSignal): Promise<ServedModel[]> {
      try {
        const page = await client.models.list(signal ? { signal } : undefined);
        return page.data.map((entry) => {
          const maxModelLen = (entry as { max_model_len?: unknown }).max_model_len;
          return { id: entry.id, maxModelLen: typeof maxModelLen === 'number' ? maxModelLen : null };
        });
      } catch (error) {
        throw toLlmAppError(error, endpoint, options.timeoutMs);
      }
    },
  };
}

function silenceMessage(endpoint: string, timeoutMs: number): string {
  return `The model server at ${endpoint} did not answer within ${Math.round(timeoutMs / 1000)} s.`;
}
