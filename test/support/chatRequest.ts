import type { StreamChatRequest } from '../../src/main/llm/llmClient';
import { LlmRequestError } from '../../src/main/llm/llmErrors';

/** A streamed chat request for client tests, recording its deltas in order. */
export function chatRequest(overrides: Partial<StreamChatRequest> = {}): StreamChatRequest & { deltas: string[] } {
  const deltas: string[] = [];
  return {
    model: 'fake-clinical-model',
    messages: [{ role: 'user', content: 'Suggest a protocol.' }],
    temperature: 0.2,
    maxTokens: 256,
    signal: new AbortController().signal,
    onDelta: (delta) => deltas.push(delta),
    deltas,
    ...overrides,
  };
}

/** The {@link LlmRequestError} a call failed with; anything else (or success) fails the test. */
export async function llmFailureOf(promise: Promise<unknown>): Promise<LlmRequestError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof LlmRequestError) return error;
    throw error;
  }
  throw new Error('expected an LlmRequestError');
}
