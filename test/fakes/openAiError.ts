/** An error body in the shape the OpenAI SDK (and current vLLM) produce. */
export interface OpenAiErrorBody {
  error: { message: string; type: string; param: null; code: number };
}

// vLLM names its error types after the exception class; the SDK only reads
// `message`, but clients that log `type` should see realistic values.
const typeByStatus: Record<number, string> = {
  400: 'BadRequestError',
  401: 'AuthenticationError',
  403: 'PermissionDeniedError',
  404: 'NotFoundError',
  408: 'RequestTimeoutError',
  409: 'ConflictError',
  413: 'RequestEntityTooLargeError',
  422: 'UnprocessableEntityError',
  429: 'RateLimitError',
  500: 'InternalServerError',
  502: 'BadGatewayError',
  503: 'ServiceUnavailableError',
  504: 'GatewayTimeoutError',
};

/** The error `type` used for an HTTP status. */
export function errorTypeForStatus(status: number): string {
  return typeByStatus[status] ?? (status >= 500 ? 'InternalServerError' : 'BadRequestError');
}

/** Builds `{ error: { message, type, param: null, code: status } }`. */
export function openAiError(status: number, message: string, type = errorTypeForStatus(status)): OpenAiErrorBody {
  return { error: { message, type, param: null, code: status } };
}
