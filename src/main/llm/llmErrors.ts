import OpenAI from 'openai';
import { AppError, type ErrorCode } from '../../shared/errors';

/** vLLM's wording for a prompt over the context length (chat route, and the engine's own check). */
const CONTEXT_OVERFLOW = /maximum context length|longer than the maximum model length/i;

/** Why a request to the model server failed, as far as retrying is concerned. */
export type LlmFailureKind =
  | 'connection'
  | 'timeout'
  | 'rate_limited'
  | 'overloaded'
  | 'server_error'
  | 'context_overflow'
  | 'auth'
  | 'not_found'
  | 'bad_request'
  | 'unreadable';

/** What a failed request says about itself, beyond the code and message every `AppError` has. */
export interface LlmFailureDetails {
  readonly kind: LlmFailureKind;
  /** The HTTP status, or null when no response came (connection refused, timeout, cut). */
  readonly status: number | null;
  /** Whether the same request may succeed if sent again (here or at another endpoint). */
  readonly retryable: boolean;
  /** How long the server asked to be left alone (`Retry-After`, `retry-after-ms`), or null when it did not say. */
  readonly retryAfterMs: number | null;
}

/**
 * A request to the model server that failed before any text arrived. It is an `AppError` (code and message safe
 * to show: they name the endpoint and the status, never the prompt), and it says whether trying again is worth it,
 * so retries and failover can live in one place (the gateway) instead of inside the SDK.
 */
export class LlmRequestError extends AppError implements LlmFailureDetails {
  readonly kind: LlmFailureKind;
  readonly status: number | null;
  readonly retryable: boolean;
  readonly retryAfterMs: number | null;

  constructor(code: ErrorCode, message: string, details: LlmFailureDetails) {
    super(code, message);
    this.kind = details.kind;
    this.status = details.status;
    this.retryable = details.retryable;
    this.retryAfterMs = details.retryAfterMs;
  }

  /** The same failure with another message (e.g. a summary after every endpoint was tried). */
  withMessage(message: string): LlmRequestError {
    return new LlmRequestError(this.code, message, this);
  }
}

/** Where a failure happened: before the response started, or while reading the stream (before any text). */
export type LlmFailurePhase = 'request' | 'stream';

/** Context for {@link toLlmAppError}. */
export interface LlmFailureContext {
  readonly endpoint: string;
  readonly timeoutMs: number;
  /** Default `'request'`. A non-HTTP error while streaming means the connection broke. */
  readonly phase?: LlmFailurePhase;
  /** Wall-clock now in ms, for `Retry-After` given as an HTTP date. Default `Date.now`. */
  readonly nowMs?: () => number;
}

/**
 * Turns whatever the SDK threw into an {@link LlmRequestError} a clinician can act on and the gateway can decide
 * on. Messages name the endpoint and the status, never the prompt or the server's own message (which may quote it).
 */
export function toLlmAppError(error: unknown, context: LlmFailureContext): LlmRequestError {
  if (error instanceof LlmRequestError) return error;
  const { endpoint } = context;
  if (error instanceof AppError) {
    // Someone else's AppError: keep its words, and do not guess that repeating the request would help.
    return new LlmRequestError(error.code, error.message, { kind: 'unreadable', status: null, retryable: false, retryAfterMs: null });
  }
  if (error instanceof OpenAI.APIConnectionTimeoutError) return llmTimeoutError(endpoint, context.timeoutMs);
  if (error instanceof OpenAI.APIConnectionError || error instanceof OpenAI.APIUserAbortError) {
    return unreachable(endpoint);
  }
  if (error instanceof OpenAI.APIError) {
    const retryAfterMs = parseRetryAfterMs(error.headers, context.nowMs ?? Date.now);
    return fromStatus(error.status ?? null, error.message, endpoint, retryAfterMs);
  }
  if (error instanceof SyntaxError) return unreadable(endpoint);
  // Anything else while reading the stream is the connection breaking (undici's "terminated", a reset socket).
  if (context.phase === 'stream') return unreachable(endpoint, 'closed the connection before answering');
  return unreadable(endpoint);
}

/** The error for a server that did not start answering, or went silent, within `timeoutMs`. */
export function llmTimeoutError(endpoint: string, timeoutMs: number): LlmRequestError {
  return new LlmRequestError('LLM_TIMEOUT', `The model server at ${endpoint} did not answer within ${formatSeconds(timeoutMs)}.`, {
    kind: 'timeout',
    status: null,
    retryable: true,
    retryAfterMs: null,
  });
}

/** The error for an endpoint the app could not reach, or that hung up before sending any text. */
export function unreachable(endpoint: string, how = 'cannot be reached'): LlmRequestError {
  return new LlmRequestError('LLM_UNAVAILABLE', `The model server at ${endpoint} ${how}. Check that it is running and on the network.`, {
    kind: 'connection',
    status: null,
    retryable: true,
    retryAfterMs: null,
  });
}

function unreadable(endpoint: string): LlmRequestError {
  return new LlmRequestError('LLM_UNAVAILABLE', `The model server at ${endpoint} sent an answer the app could not read.`, {
    kind: 'unreadable',
    status: null,
    retryable: false,
    retryAfterMs: null,
  });
}

function fromStatus(status: number | null, serverMessage: string, endpoint: string, retryAfterMs: number | null): LlmRequestError {
  const details = (kind: LlmFailureKind, retryable: boolean): LlmFailureDetails => ({ kind, status, retryable, retryAfterMs });
  if (status === 400 && CONTEXT_OVERFLOW.test(serverMessage)) {
    return new LlmRequestError(
      'CONTEXT_TOO_LONG',
      'The conversation is too long for the model. Start a new session for this patient.',
      details('context_overflow', false),
    );
  }
  if (status === 401 || status === 403) {
    return new LlmRequestError(
      'LLM_UNAVAILABLE',
      `The model server at ${endpoint} refused the app's credentials; ask IT to check the API key.`,
      details('auth', false),
    );
  }
  if (status === 404) {
    return new LlmRequestError('LLM_UNAVAILABLE', `The model server at ${endpoint} does not serve the configured model.`, details('not_found', false));
  }
  if (status === 408) return new LlmRequestError('LLM_TIMEOUT', `The model server at ${endpoint} timed out (status 408).`, details('timeout', true));
  if (status === 429 || status === 503) {
    return new LlmRequestError(
      'LLM_UNAVAILABLE',
      `The model server at ${endpoint} is busy (status ${status}). Try again in a moment.`,
      details(status === 429 ? 'rate_limited' : 'overloaded', true),
    );
  }
  // No status: an error event inside the stream, which vLLM sends when the engine fails mid-request.
  if (status === null || status >= 500) {
    return new LlmRequestError(
      'LLM_UNAVAILABLE',
      `The model server at ${endpoint} answered with an error (status ${status ?? 'unknown'}).`,
      details('server_error', true),
    );
  }
  return new LlmRequestError('LLM_UNAVAILABLE', `The model server at ${endpoint} rejected the request (status ${status}).`, details('bad_request', false));
}

/**
 * How long the server asked the client to wait, in ms: `retry-after-ms` (OpenAI's extension), else `Retry-After`
 * in seconds or as an HTTP date. Null when absent or unreadable; never negative.
 */
export function parseRetryAfterMs(headers: Headers | null | undefined, nowMs: () => number = Date.now): number | null {
  if (!headers) return null;
  const millis = headers.get('retry-after-ms');
  if (millis !== null && millis.trim() !== '') {
    const value = Number(millis);
    if (Number.isFinite(value)) return Math.max(0, Math.round(value));
  }
  const header = headers.get('retry-after');
  if (header === null || header.trim() === '') return null;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, Math.round(seconds * 1000));
  const date = Date.parse(header);
  return Number.isNaN(date) ? null : Math.max(0, date - nowMs());
}

function formatSeconds(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${Math.round(ms / 1000)} s`;
}
