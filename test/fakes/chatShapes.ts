/**
 * Builders for the JSON objects of OpenAI's chat completions API, kept in one
 * place so streamed and non-streamed answers share exactly the same fields.
 */

/** Why generation stopped. */
export type FinishReason = 'stop' | 'length';

/** Token accounting as OpenAI reports it. */
export interface Usage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
}

/** Fields shared by every object of one completion. */
export interface CompletionMeta {
  id: string;
  /** Unix seconds. */
  created: number;
  /** The model id the client requested. */
  model: string;
}

/** A streamed content or role delta. */
export interface ChunkDelta {
  role?: 'assistant';
  content?: string;
}

/** Builds usage from the two estimates. */
export function usageOf(promptTokens: number, completionTokens: number): Usage {
  return {
    prompt_tokens: promptTokens,
    completion_tokens: completionTokens,
    total_tokens: promptTokens + completionTokens,
  };
}

/** A `chat.completion.chunk` with one choice. */
export function completionChunk(meta: CompletionMeta, delta: ChunkDelta, finishReason: FinishReason | null) {
  return {
    id: meta.id,
    object: 'chat.completion.chunk' as const,
    created: meta.created,
    model: meta.model,
    choices: [{ index: 0, delta, finish_reason: finishReason, logprobs: null }],
  };
}

/** The trailing chunk sent when `stream_options.include_usage` is true: no choices, only usage. */
export function usageChunk(meta: CompletionMeta, usage: Usage) {
  return {
    id: meta.id,
    object: 'chat.completion.chunk' as const,
    created: meta.created,
    model: meta.model,
    choices: [],
    usage,
  };
}

/** A non-streamed `chat.completion`. */
export function chatCompletion(meta: CompletionMeta, content: string, finishReason: FinishReason, usage: Usage) {
  return {
    id: meta.id,
    object: 'chat.completion' as const,
    created: meta.created,
    model: meta.model,
    choices: [
      {
        index: 0,
        message: { role: 'assistant' as const, content },
        finish_reason: finishReason,
        logprobs: null,
      },
    ],
    usage,
  };
}

/** Frames a value as one server-sent event. */
export function sseData(value: unknown): string {
  return `data: ${typeof value === 'string' ? value : JSON.stringify(value)}\n\n`;
}
