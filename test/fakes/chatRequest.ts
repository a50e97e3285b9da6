import { estimateTokens, type ChatMessageLike } from './estimateTokens.js';
import type { FakeModel } from './types.js';

/** What a valid chat completion request asks for. */
export interface ChatPlan {
  model: FakeModel;
  messages: ChatMessageLike[];
  stream: boolean;
  includeUsage: boolean;
  /** `max_completion_tokens ?? max_tokens`, undefined when neither is given. */
  maxTokens: number | undefined;
  promptTokens: number;
}

/** A request the server must refuse, with the error to send. */
export interface ChatRejection {
  status: number;
  message: string;
}

/**
 * Checks a parsed chat completion body the way vLLM would, in vLLM's order:
 * shape, model, then context length.
 *
 * @param body parsed JSON, or undefined when the body was not JSON
 * @param models the served models; a missing `model` means the first one, as in vLLM
 */
export function checkChatRequest(body: unknown, models: readonly FakeModel[]): ChatPlan | ChatRejection {
  if (!isRecord(body)) return { status: 400, message: 'The request body is not a valid JSON object.' };
  const messages = body['messages'];
  if (!Array.isArray(messages) || !messages.every(isRecord)) {
    return { status: 400, message: '`messages` must be an array of message objects.' };
  }
  const model = findModel(body['model'], models);
  if (model === undefined) return unknownModel(body['model']);
  const maxTokens = body['max_completion_tokens'] ?? body['max_tokens'];
  if (maxTokens !== undefined && maxTokens !== null && !isPositiveInteger(maxTokens)) {
    return { status: 400, message: '`max_tokens` must be a positive integer.' };
  }
  const promptTokens = estimateTokens(messages as ChatMessageLike[]);
  const completionTokens = typeof maxTokens === 'number' ? maxTokens : 0;
  if (model.maxModelLen !== undefined && promptTokens + completionTokens > model.maxModelLen) {
    return { status: 400, message: contextOverflowMessage(model.maxModelLen, promptTokens, completionTokens) };
  }
  const streamOptions = body['stream_options'];
  return {
    model,
    messages: messages as ChatMessageLike[],
    stream: body['stream'] === true,
    includeUsage: isRecord(streamOptions) && streamOptions['include_usage'] === true,
    maxTokens: typeof maxTokens === 'number' ? maxTokens : undefined,
    promptTokens,
  };
}

/** vLLM's wording, so clients that parse it for a friendlier message can be tested. */
export function contextOverflowMessage(maxModelLen: number, promptTokens: number, completionTokens: number): string {
  return (
    `This model's maximum context length is ${maxModelLen} tokens. ` +
    `However, you requested ${promptTokens + completionTokens} tokens ` +
    `(${promptTokens} in the messages, ${completionTokens} in the completion). ` +
    'Please reduce the length of the messages or completion.'
  );
}

/** The model a request names; a missing model means the first served one. */
export function findModel(requested: unknown, models: readonly FakeModel[]): FakeModel | undefined {
  if (requested === undefined || requested === null) return models[0];
  return models.find((model) => model.id === requested);
}

/** vLLM's 404 for a model it does not serve. */
export function unknownModel(requested: unknown): ChatRejection {
  return { status: 404, message: `The model \`${String(requested)}\` does not exist.` };
}

/** Narrows a parsed JSON value to a plain object. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isPositiveInteger(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value > 0;
}
