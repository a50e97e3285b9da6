import { z } from 'zod';

/**
 * The closed set of error codes that may cross the IPC boundary. Adding one is a contract change: the renderer
 * switches over these to decide what to tell the clinician.
 */
export const ERROR_CODES = [
  'INVALID_INPUT',
  'SESSION_NOT_FOUND',
  'SESSION_BUSY',
  'FORBIDDEN',
  'LOCKED',
  'LLM_UNAVAILABLE',
  'LLM_TIMEOUT',
  'CONTEXT_TOO_LONG',
  'STORAGE_FULL',
  'STORAGE_FAILED',
  // Main's audit log cannot be written, so nothing that shows patient data runs (audit fails closed).
  'AUDIT_UNAVAILABLE',
  // Stored history failed an integrity check (an older copy put back, a turn missing): it is not continued.
  'HISTORY_INTEGRITY',
  'INTERNAL',
] as const;

/** Schema of an error code. */
export const ErrorCode = z.enum(ERROR_CODES);
/** One of {@link ERROR_CODES}. */
export type ErrorCode = z.infer<typeof ErrorCode>;

/** An error as it crosses IPC: a code and a message for people (never a stack, never patient data). */
export const ErrorPayload = z.strictObject({ code: ErrorCode, message: z.string() });
/** @see ErrorPayload */
export type ErrorPayload = z.infer<typeof ErrorPayload>;

/** The envelope every operation answers with. Errors are data, so nothing is thrown across the bridge. */
export type Result<T> = { ok: true; data: T } | { ok: false; error: ErrorPayload };

/**
 * An error whose code and message are safe to show. Main throws these; the registrar turns them into
 * `{ ok: false, error }`. Any other thrown value becomes `INTERNAL` with a generic message.
 *
 * Warning: the message is shown to the clinician and may be logged, so it must never contain patient data.
 */
export class AppError extends Error {
  override readonly name = 'AppError';
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
  }

  /** The IPC form of this error. */
  toPayload(): ErrorPayload {
    return { code: this.code, message: this.message };
  }
}

/** Builds a successful envelope. */
export function ok<T>(data: T): Result<T> {
  return { ok: true, data };
}

/** Builds a failed envelope. */
export function fail(code: ErrorCode, message: string): Result<never> {
  return { ok: false, error: { code, message } };
}
