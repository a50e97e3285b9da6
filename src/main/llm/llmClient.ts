/**
 * What the rest of main knows of the model server. Only `src/main/llm/` talks to the `openai` SDK; sessions and
 * handlers see this interface, so tests can drive them against the OpenAI-compatible test server or a stub.
 */

/** One message of a chat prompt. */
export interface ChatMessage {
  readonly role: 'system' | 'user' | 'assistant';
  readonly content: string;
}

/** A streamed chat completion request. */
export interface StreamChatRequest {
  readonly model: string;
  readonly messages: readonly ChatMessage[];
  readonly temperature: number;
  readonly maxTokens: number;
  /** Aborting it cancels the request; the server sees the connection close. */
  readonly signal: AbortSignal;
  /** Called with each piece of text, in order, as it arrives. */
  readonly onDelta: (text: string) => void;
}

/** How a stream ended without an error. */
export type StreamEnd = 'stop' | 'max_tokens' | 'cancelled' | 'stream_cut';

/** The outcome of a streamed completion. */
export interface StreamChatResult {
  /** Every delta received, concatenated: the partial answer when the stream was cut or cancelled. */
  readonly text: string;
  readonly end: StreamEnd;
  readonly promptTokens: number | null;
  readonly completionTokens: number | null;
  /** The model that answered, as the server named it. */
  readonly model: string;
  /** The endpoint that answered (base URL, never with credentials). */
  readonly endpoint: string;
}

/** A model the server lists. */
export interface ServedModel {
  readonly id: string;
  /** Context length, when the server says (vLLM's `max_model_len`). */
  readonly maxModelLen: number | null;
}

/** The model server, as main uses it. Failures are thrown as `AppError`s with LLM_* codes. */
export interface LlmClient {
  /** The base URL requests go to. */
  readonly endpoint: string;
  streamChat(request: StreamChatRequest): Promise<StreamChatResult>;
  listModels(signal?: AbortSignal): Promise<ServedModel[]>;
}
