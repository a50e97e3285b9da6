import type { ServerResponse } from 'node:http';
import { findModel, isRecord, unknownModel } from './chatRequest.js';
import { estimateTokens, type ChatMessageLike } from './estimateTokens.js';
import { sendError, sendJson } from './http.js';
import type { FakeModel } from './types.js';

/** GET /v1/models, with vLLM's `max_model_len` extension. */
export function handleModels(response: ServerResponse, models: readonly FakeModel[], created: number): void {
  sendJson(response, 200, {
    object: 'list',
    data: models.map((model) => ({
      id: model.id,
      object: 'model',
      created,
      owned_by: 'fake-llm',
      max_model_len: model.maxModelLen ?? null,
    })),
  });
}

/** GET /health: vLLM answers 200 with an empty body once the engine is up. */
export function handleHealth(response: ServerResponse): void {
  response.writeHead(200, { 'content-length': 0 });
  response.end();
}

/**
 * POST /tokenize, vLLM's extension: `{model, prompt}` or
 * `{model, messages, add_generation_prompt}` → `{count, max_model_len, tokens}`,
 * counted with {@link estimateTokens} so clients can budget against the fake.
 */
export function handleTokenize(response: ServerResponse, body: unknown, models: readonly FakeModel[]): void {
  if (!isRecord(body)) {
    sendError(response, 400, 'The request body is not a valid JSON object.');
    return;
  }
  const model = findModel(body['model'], models);
  if (model === undefined) {
    sendError(response, 404, unknownModel(body['model']).message);
    return;
  }
  const { prompt, messages } = body;
  let count: number;
  if (typeof prompt === 'string') count = estimateTokens(prompt);
  else if (Array.isArray(messages) && messages.every(isRecord)) count = estimateTokens(messages as ChatMessageLike[]);
  else {
    sendError(response, 400, 'Either `prompt` (a string) or `messages` (an array) is required.');
    return;
  }
  sendJson(response, 200, {
    count,
    max_model_len: model.maxModelLen ?? null,
    // Arbitrary but deterministic ids: only the length is meaningful.
    tokens: Array.from({ length: count }, (_, index) => 1000 + index),
  });
}
