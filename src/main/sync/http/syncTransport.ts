/**
 * One request to the sync server over the injected `fetch` (the network seam: Electron's `net.fetch` in the app, so
 * the OS proxy and IT's extra CAs apply; a fake in tests). Every answer is checked against the shared schema before
 * anyone sees it: a server answering something else is an error, never data.
 */
import type { z } from 'zod';
import { formatIssues } from '../../../shared/formatIssues';
import { SyncErrorBody } from '../../../shared/sync/syncErrors';
import type { Clock } from '../../core/clock';
import { SyncOfflineError, SyncProtocolError, SyncRequestError } from './syncClientErrors';

/**
 * Largest answer body read: 64 MiB. The server's pull pages stop at 16 M blob characters and every other answer is
 * small; a server (or something posing as it) sending more is refused as a protocol error instead of filling memory.
 */
export const MAX_SYNC_RESPONSE_BYTES = 64 * 1024 * 1024;

/** The network seam: `fetch`'s shape, which Electron's `net.fetch` and Node's `fetch` both have. */
export type SyncFetch = (url: string, init: RequestInit) => Promise<Response>;

/** Where and how requests go. */
export interface SyncTransport {
  /** The checked base address (see `parseSyncServerUrl`), ending in a slash. */
  readonly baseUrl: URL;
  readonly fetch: SyncFetch;
  /** Runs the timeouts, so tests move time instead of sleeping. */
  readonly clock: Clock;
  /** Longest wait for a whole answer (headers and body) of one request. */
  readonly timeoutMs: number;
}

/** One call: where, what is sent, and the schema the answer must pass (null: the answer's body is not used). */
export interface SyncCall<T> {
  readonly method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Relative to the base, without a leading slash: `v1/push`. */
  readonly path: string;
  readonly query?: Readonly<Record<string, string>>;
  readonly body?: unknown;
  /** The bearer token, for every call but register, prelogin and sign-in. */
  readonly token?: string;
  readonly output: z.ZodType<T> | null;
  readonly signal?: AbortSignal;
  /** 'text/event-stream' for the live feed; JSON otherwise. */
  readonly accept?: string;
}

/**
 * A signal that aborts when the caller's does or when `timeoutMs` of the clock pass. `timedOut` tells which, so a
 * timeout is reported as offline and a caller's cancel as the caller's own reason.
 */
export function deadline(clock: Clock, timeoutMs: number, callerSignal?: AbortSignal) {
  const controller = new AbortController();
  let timedOut = false;
  const onCallerAbort = () => controller.abort(callerSignal?.reason);
  if (callerSignal?.aborted) onCallerAbort();
  else callerSignal?.addEventListener('abort', onCallerAbort, { once: true });
  const timer = clock.setTimer(() => {
    timedOut = true;
    controller.abort(new SyncOfflineError('timeout'));
  }, timeoutMs);
  return {
    signal: controller.signal,
    /** Why a failed read failed: the caller's cancel (rethrown as is), the timeout, or the network. */
    failure(): unknown {
      if (callerSignal?.aborted) return callerSignal.reason;
      return new SyncOfflineError(timedOut ? 'timeout' : 'unreachable');
    },
    dispose(): void {
      clock.clearTimer(timer);
      callerSignal?.removeEventListener('abort', onCallerAbort);
    },
  };
}

/** The full URL of `call` under `base`. */
function urlOf(base: URL, call: Pick<SyncCall<unknown>, 'path' | 'query'>): string {
  const url = new URL(call.path, base);
  for (const [name, value] of Object.entries(call.query ?? {})) url.searchParams.set(name, value);
  return url.toString();
}

/**
 * Sends `call` and returns its checked answer and the still-open response (for a stream), or throws
 * {@link SyncRequestError} (the server's error code), {@link SyncOfflineError} (no connection, timeout, or a proxy
 * saying the server behind it is down) or {@link SyncProtocolError} (anything else).
 *
 * Redirects are refused, not followed: a redirect would carry the bearer token to an address policy never named.
 */
export async function sendSyncRequest(transport: SyncTransport, call: SyncCall<unknown>, keepOpen: true): Promise<Response>;
export async function sendSyncRequest<T>(transport: SyncTransport, call: SyncCall<T>): Promise<T>;
export async function sendSyncRequest<T>(transport: SyncTransport, call: SyncCall<T>, keepOpen = false): Promise<T | Response> {
  const headers: Record<string, string> = { accept: call.accept ?? 'application/json' };
  if (call.body !== undefined) headers['content-type'] = 'application/json';
  if (call.token !== undefined) headers.authorization = `Bearer ${call.token}`;
  const timing = deadline(transport.clock, transport.timeoutMs, call.signal);
  try {
    let response: Response;
    try {
      response = await transport.fetch(urlOf(transport.baseUrl, call), {
        method: call.method,
        headers,
        body: call.body === undefined ? undefined : JSON.stringify(call.body),
        redirect: 'manual',
        signal: timing.signal,
      });
    } catch {
      throw timing.failure();
    }
    // Node's fetch hands a manual redirect over as its 3xx; Chromium's (Electron's net.fetch) as an opaque one, status 0.
    if (response.type === 'opaqueredirect' || (response.status >= 300 && response.status < 400)) {
      await response.body?.cancel().catch(() => undefined);
      throw new SyncProtocolError(response.status, 'a redirect, which is not followed');
    }
    if (keepOpen && response.ok) return response;
    const text = await readCapped(response, timing);
    if (!response.ok) throw errorOf(response.status, text);
    if (call.output === null) return undefined as T;
    return parseAnswer(response.status, text, call.output);
  } finally {
    // For a kept-open stream only the wait for its headers was timed: a live feed is quiet for as long as it likes.
    timing.dispose();
  }
}

/**
 * The body as text, read chunk by chunk and counted: past {@link MAX_SYNC_RESPONSE_BYTES} the read is cancelled
 * and the answer refused ({@link SyncProtocolError}). A failed read is the deadline's failure (offline or cancel).
 */
async function readCapped(response: Response, timing: { failure(): unknown }): Promise<string> {
  if (response.body === null) return '';
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  const parts: string[] = [];
  let bytes = 0;
  for (;;) {
    let chunk: ReadableStreamReadResult<Uint8Array>;
    try {
      chunk = await reader.read();
    } catch {
      throw timing.failure();
    }
    if (chunk.done) break;
    bytes += chunk.value.byteLength;
    if (bytes > MAX_SYNC_RESPONSE_BYTES) {
      await reader.cancel().catch(() => undefined);
      throw new SyncProtocolError(response.status, 'an answer larger than 64 MiB');
    }
    parts.push(decoder.decode(chunk.value, { stream: true }));
  }
  parts.push(decoder.decode());
  return parts.join('');
}

/** Parses a 2xx body as JSON and checks it against `schema`. */
function parseAnswer<T>(status: number, text: string, schema: z.ZodType<T>): T {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new SyncProtocolError(status, 'the body is not JSON');
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) throw new SyncProtocolError(status, formatIssues(parsed.error));
  return parsed.data;
}

/** Gateway statuses a reverse proxy answers with when the sync server behind it is down. */
const GATEWAY_DOWN = new Set([502, 503, 504]);

/** The error a non-2xx answer means. */
function errorOf(status: number, text: string): Error {
  let json: unknown = null;
  try {
    json = JSON.parse(text);
  } catch {
    // Not JSON: judged below like any other body that is not the protocol's.
  }
  const parsed = SyncErrorBody.safeParse(json);
  if (parsed.success) {
    const { code, message, retryAfterMs, holderLabel } = parsed.data.error;
    return new SyncRequestError(code, message, status, retryAfterMs ?? null, holderLabel ?? null);
  }
  // A proxy's own error page: the server is as good as unreachable, and what waits to be sent is sent later.
  if (GATEWAY_DOWN.has(status)) return new SyncOfflineError('unreachable');
  return new SyncProtocolError(status, 'an error without the protocol\'s error body');
}
