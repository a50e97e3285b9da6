/**
 * Check 14, the LLM fault matrix: the gateway against real fake OpenAI-compatible servers. Backoff waits go
 * through an injected sleep that records the delay and resolves at once; the only real wait is the 1 s timeout.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { chatRequest } from '../../../test/support/chatRequest';
import { startFakeLlmServer, type FakeLlmServer, type FakeLlmServerOptions } from '../../../test/fakes/fakeLlmServer';
import { TestClock } from '../../../test/support/testClock';
import { AppError } from '../../shared/errors';
import type { Logger } from '../core/logger';
import { createLlmGateway, type LlmGateway, type LlmGatewayOptions } from './gateway';
import { LlmRequestError } from './llmErrors';

/** Fake patient text: it must never show up in a log line or an error message. */
const PROMPT = 'Patient Jane Canary-4711, 67, chest pain since 03:00: suggest a protocol.';
const REPLY = 'alpha beta gamma delta epsilon zeta eta theta';

const servers: FakeLlmServer[] = [];
let logLines: string[];
let unhandled: unknown[];
const onUnhandled = (reason: unknown): void => {
  unhandled.push(reason);
};

beforeEach(() => {
  logLines = [];
  unhandled = [];
  process.on('unhandledRejection', onUnhandled);
});
afterEach(async () => {
  process.off('unhandledRejection', onUnhandled);
  await Promise.all(servers.splice(0).map((server) => server.close()));
  // Nothing the gateway logged may carry the prompt or the answer.
  expect(logLines.join('\n')).not.toContain('Canary-4711');
  expect(logLines.join('\n')).not.toContain('gamma');
  expect(unhandled).toEqual([]);
});

async function startServer(options?: FakeLlmServerOptions): Promise<FakeLlmServer> {
  const server = await startFakeLlmServer(options);
  servers.push(server);
  return server;
}

const recordingLogger: Logger = {
  info: (event, fields) => logLines.push(JSON.stringify({ event, ...fields })),
  warn: (event, fields) => logLines.push(JSON.stringify({ event, ...fields })),
  error: (event, fields) => logLines.push(JSON.stringify({ event, ...fields })),
};

/** A gateway whose sleep records each requested delay and resolves at once. */
function gatewayOf(endpoints: string[], overrides: Partial<LlmGatewayOptions> = {}): { gateway: LlmGateway; sleeps: number[]; chatCalls: string[] } {
  const sleeps: number[] = [];
  const chatCalls: string[] = [];
  const countingFetch: typeof globalThis.fetch = (input, init) => {
    const url = input instanceof Request ? input.url : String(input);
    if (url.endsWith('/chat/completions')) chatCalls.push(url);
    return globalThis.fetch(input, init);
  };
  const gateway = createLlmGateway({
    endpoints,
    apiKey: '',
    fetch: countingFetch,
    timeoutMs: 2_000,
    maxRetries: 2,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    clock: new TestClock(),
    logger: recordingLogger,
    random: () => 0.5,
    ...overrides,
  });
  return { gateway, sleeps, chatCalls };
}


async function failureOf(promise: Promise<unknown>): Promise<LlmRequestError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof LlmRequestError) {
      expect(error.message).not.toContain('Canary-4711');
      return error;
    }
    throw error;
  }
  throw new Error('expected an LlmRequestError');
}

/** Resolves true when `promise` settles within `ms` of real time. */
async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  const result = await Promise.race([promise.then(() => true), late]);
  clearTimeout(timer);
  return result;
}

describe('LLM fault matrix (check 14)', () => {
  it('down: LLM_UNAVAILABLE after maxRetries + 1 attempts, quickly, with backoff between them', async () => {
    const server = await startServer();
    const url = server.baseURL;
    await server.close();
    const { gateway, sleeps, chatCalls } = gatewayOf([url], { maxRetries: 2 });
    const started = performance.now();
    const error = await failureOf(gateway.streamChat(chatRequest({ messages: [{ role: 'user', content: PROMPT }] })));
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ code: 'LLM_UNAVAILABLE', kind: 'connection', status: null, retryable: true });
    expect(error.message).toContain('cannot be reached');
    expect(error.message).toContain('Tried 1 model server (3 attempts)');
    expect(chatCalls).toHaveLength(3);
    expect(sleeps).toEqual([375, 750]);
  });

  it('hang: LLM_TIMEOUT at the configured timeout, once — a timeout is not retried on the same server', async () => {
    const server = await startServer();
    server.failNext({ kind: 'hang' }, 3);
    const { gateway } = gatewayOf([server.baseURL], { timeoutMs: 1_000, maxRetries: 2 });
    const started = performance.now();
    const error = await failureOf(gateway.streamChat(chatRequest({ messages: [{ role: 'user', content: PROMPT }] })));
    const elapsed = performance.now() - started;
    expect(error).toMatchObject({ code: 'LLM_TIMEOUT', kind: 'timeout', retryable: true });
    expect(error.message).toContain('did not answer within 1 s');
    expect(elapsed).toBeGreaterThanOrEqual(1_000);
    expect(elapsed).toBeLessThan(3_000);
    expect(server.chatRequests()).toHaveLength(1);
    // The hung request's connection was closed by the client, not left open.
    await server.chatRequests()[0]?.done;
    expect(server.chatRequests()[0]?.closedEarly).toBe(true);
  });

  it('slow first token within the timeout: the answer arrives, without a retry', async () => {
    const server = await startServer();
    server.failNext({ kind: 'delay', ms: 300 });
    server.queueReply(REPLY);
    const { gateway, sleeps } = gatewayOf([server.baseURL], { timeoutMs: 1_000 });
    const call = chatRequest({ messages: [{ role: 'user', content: PROMPT }] });
    const result = await gateway.streamChat(call);
    expect(result).toMatchObject({ text: REPLY, end: 'stop', endpoint: server.baseURL, model: 'fake-clinical-model' });
    expect(call.deltas.join('')).toBe(REPLY);
    expect(server.chatRequests()).toHaveLength(1);
    expect(sleeps).toEqual([]);
  });

  it('429 with Retry-After: 2 — one wait of exactly 2000 ms, then the answer', async () => {
    const server = await startServer();
    server.failNext({ kind: 'status', status: 429, retryAfterSeconds: 2 });
    server.queueReply(REPLY);
    const { gateway, sleeps } = gatewayOf([server.baseURL]);
    const result = await gateway.streamChat(chatRequest({ messages: [{ role: 'user', content: PROMPT }] }));
    expect(result).toMatchObject({ text: REPLY, end: 'stop' });
    expect(sleeps).toEqual([2_000]);
    expect(server.chatRequests()).toHaveLength(2);
  });

  it('503 twice then success: two growing backoff waits', async () => {
    const server = await startServer();
    server.failNext({ kind: 'status', status: 503 }, 2);
    server.queueReply(REPLY);
    const { gateway, sleeps } = gatewayOf([server.baseURL], { maxRetries: 3, random: () => 0.9 });
    const call = chatRequest({ messages: [{ role: 'user', content: PROMPT }] });
    const result = await gateway.streamChat(call);
    expect(result).toMatchObject({ text: REPLY, end: 'stop' });
    expect(call.deltas.join('')).toBe(REPLY);
    expect(sleeps).toHaveLength(2);
    const [first = 0, second = 0] = sleeps;
    expect(first).toBeGreaterThanOrEqual(250);
    expect(first).toBeLessThanOrEqual(500);
    expect(second).toBeGreaterThan(first);
    expect(second).toBeLessThanOrEqual(1_000);
    expect(server.chatRequests()).toHaveLength(3);
  });

  it('503 until the retries run out: reported as LLM_UNAVAILABLE after maxRetries + 1 requests', async () => {
    const server = await startServer();
    server.failNext({ kind: 'status', status: 503 }, 10);
    const { gateway, sleeps } = gatewayOf([server.baseURL], { maxRetries: 2 });
    const error = await failureOf(gateway.streamChat(chatRequest({ messages: [{ role: 'user', content: PROMPT }] })));
    expect(error).toMatchObject({ code: 'LLM_UNAVAILABLE', kind: 'overloaded', status: 503 });
    expect(error.message).toContain('busy (status 503)');
    expect(server.chatRequests()).toHaveLength(3);
    expect(sleeps).toHaveLength(2);
  });

  it.each([
    [400, 'Scripted bad request.', 'LLM_UNAVAILABLE', 'bad_request'],
    [400, "This model's maximum context length is 8192 tokens. However, you requested 9000 tokens.", 'CONTEXT_TOO_LONG', 'context_overflow'],
    [401, 'bad key', 'LLM_UNAVAILABLE', 'auth'],
    [403, 'forbidden', 'LLM_UNAVAILABLE', 'auth'],
    [404, 'no such model', 'LLM_UNAVAILABLE', 'not_found'],
  ])('%i (%s) is not retried: exactly one request', async (status, message, code, kind) => {
    const server = await startServer();
    const fallback = await startServer();
    server.failNext({ kind: 'status', status, message }, 5);
    const { gateway, sleeps } = gatewayOf([server.baseURL, fallback.baseURL]);
    const error = await failureOf(gateway.streamChat(chatRequest({ messages: [{ role: 'user', content: PROMPT }] })));
    expect(error).toMatchObject({ code, kind, status, retryable: false });
    expect(error.message).not.toContain(message);
    expect(server.chatRequests()).toHaveLength(1);
    // Not failed over either: another endpoint would refuse the same request the same way.
    expect(fallback.requests).toHaveLength(0);
    expect(sleeps).toEqual([]);
  });

  it('stream cut after k chunks: partial text kept, stream_cut, no retry, no duplicated tokens', async () => {
    const server = await startServer();
    server.queueReply(REPLY);
    server.failNext({ kind: 'cutAfter', chunks: 3 });
    const { gateway, sleeps } = gatewayOf([server.baseURL]);
    const call = chatRequest({ messages: [{ role: 'user', content: PROMPT }] });
    const result = await gateway.streamChat(call);
    expect(result.end).toBe('stream_cut');
    expect(call.deltas).toEqual(['alpha ', 'beta ', 'gamma ']);
    expect(result.text).toBe(call.deltas.join(''));
    expect(result.endpoint).toBe(server.baseURL);
    expect(server.chatRequests()).toHaveLength(1);
    expect(sleeps).toEqual([]);
  });

  it('cancel mid-stream: cancelled, the text so far kept, and the server sees the close promptly', async () => {
    const server = await startServer();
    server.setChunkDelay(30);
    server.queueReply('one two three four five six seven eight nine ten eleven twelve');
    const abort = new AbortController();
    const call = chatRequest({ messages: [{ role: 'user', content: PROMPT }], 
      signal: abort.signal,
      onDelta: (delta) => {
        call.deltas.push(delta);
        if (call.deltas.length === 2) abort.abort();
      },
    });
    const { gateway } = gatewayOf([server.baseURL]);
    const result = await gateway.streamChat(call);
    expect(result.end).toBe('cancelled');
    expect(result.text).toBe(call.deltas.join(''));
    const recorded = server.chatRequests()[0];
    expect(await settlesWithin(recorded?.done ?? Promise.reject(new Error('no request')), 1_000)).toBe(true);
    expect(recorded?.closedEarly).toBe(true);
    expect(server.chatRequests()).toHaveLength(1);
  });

  it('cancel during a backoff wait ends the turn at once, even if the sleep never returns', async () => {
    const server = await startServer();
    server.failNext({ kind: 'status', status: 503 }, 5);
    const abort = new AbortController();
    const sleeps: number[] = [];
    const { gateway } = gatewayOf([server.baseURL], {
      sleep: (ms) => {
        sleeps.push(ms);
        queueMicrotask(() => abort.abort());
        return new Promise<void>(() => undefined); // Never settles: the gateway must not depend on it.
      },
    });
    const started = performance.now();
    const result = await gateway.streamChat(chatRequest({ messages: [{ role: 'user', content: PROMPT }],  signal: abort.signal }));
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(result).toMatchObject({ text: '', end: 'cancelled' });
    expect(sleeps).toHaveLength(1);
    expect(server.chatRequests()).toHaveLength(1);
  });

  it('a request cancelled before it starts never reaches the server', async () => {
    const server = await startServer();
    const abort = new AbortController();
    abort.abort();
    const { gateway } = gatewayOf([server.baseURL]);
    expect(await gateway.streamChat(chatRequest({ messages: [{ role: 'user', content: PROMPT }],  signal: abort.signal }))).toMatchObject({ text: '', end: 'cancelled' });
    expect(server.chatRequests()).toHaveLength(0);
  });

  it('malformed chunk before any text: a clear error, not retried, no crash', async () => {
    const server = await startServer();
    server.queueReply(REPLY);
    server.failNext({ kind: 'malformedChunk', afterChunks: 0 });
    const { gateway } = gatewayOf([server.baseURL]);
    const call = chatRequest({ messages: [{ role: 'user', content: PROMPT }] });
    const error = await failureOf(gateway.streamChat(call));
    expect(error).toMatchObject({ code: 'LLM_UNAVAILABLE', kind: 'unreadable', retryable: false });
    expect(error.message).toContain('could not read');
    expect(call.deltas).toEqual([]);
    expect(server.chatRequests()).toHaveLength(1);
  });

  it('malformed chunk after some text: the turn is incomplete with the text so far, no crash', async () => {
    const server = await startServer();
    server.queueReply(REPLY);
    server.failNext({ kind: 'malformedChunk', afterChunks: 2 });
    const { gateway } = gatewayOf([server.baseURL]);
    const call = chatRequest({ messages: [{ role: 'user', content: PROMPT }] });
    const result = await gateway.streamChat(call);
    expect(result.end).toBe('stream_cut');
    expect(result.text).toBe('alpha beta ');
    expect(call.deltas.join('')).toBe(result.text);
    expect(server.chatRequests()).toHaveLength(1);
  });

  it('a connection dropped before any text is retried (nothing was shown, so nothing repeats)', async () => {
    const server = await startServer();
    server.failNext({ kind: 'cutAfter', chunks: 0 });
    // The cut exchange consumes a reply too.
    server.queueReply(REPLY, REPLY);
    const { gateway, sleeps } = gatewayOf([server.baseURL]);
    const call = chatRequest({ messages: [{ role: 'user', content: PROMPT }] });
    const result = await gateway.streamChat(call);
    expect(result).toMatchObject({ text: REPLY, end: 'stop' });
    expect(call.deltas.join('')).toBe(REPLY);
    expect(sleeps).toHaveLength(1);
    expect(server.chatRequests()).toHaveLength(2);
  });
});
