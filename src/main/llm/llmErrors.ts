import OpenAI from 'openai';
import { AppError } from '../../shared/errors';

const CONTEXT_OVERFLOW = /maximum context length/i;

/**
 * Turns whatever the SDK threw into an {@link AppError} a clinician can act on. Messages name the endpoint
 * and the status, never the prompt (which holds patient data).
 */
export function toLlmAppError(error: unknown, endpoint: string, timeoutMs: number): AppError {
  if (error instanceof AppError) return error;
  if (error instanceof OpenAI.APIConnectionTimeoutError) {
    return new AppError('LLM_TIMEOUT', `The model server at ${endpoint} did not answer within ${Math.round(timeoutMs / 1000)} s.`);
  }
  if (error instanceof OpenAI.APIConnectionError) {
    return new AppError('LLM_UNAVAILABLE', `The model server at ${endpoint} cannot be reached. Check that it is running and on the network.`);
  }
  if (error instanceof OpenAI.APIError) {
    const status = error.status;
    if (status === 400 && CONTEXT_OVERFLOW.test(error.message)) {
      return new AppError('CONTEXT_TOO_LONG', 'The conversation is too long for the model. Start a new session for this patient.');
    }
    if (status === 401 || status === 403) {
      return new AppError('LLM_UNAVAILABLE', `The model server at ${endpoint} refused the app's credentials; ask IT to check the API key.`);
    }
    if (status === 404) {
      return new AppError('LLM_UNAVAILABLE', `The model server at ${endpoint} does not serve the configured model.`);
    }
    if (status === 429 || status === 503) {
      return new AppError('LLM_UNAVAILABLE', `The model server at ${endpoint} is busy (status ${status}). Try again in a moment.`);
    }
    return new AppError('LLM_UNAVAILABLE', `The model server at ${endpoint} answered with an error (status ${status ?? 'unknown'}).`);
  }
  return new AppError('LLM_UNAVAILABLE', `The model server at ${endpoint} sent an answer the app could not read.`);
}
