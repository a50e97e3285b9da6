import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { estimateTokens } from '../../../../test/fakes/estimateTokens';
import { startFakeLlmServer, type FakeLlmServer } from '../../../../test/fakes/fakeLlmServer';
import type { Logger } from '../../core/logger';
import { BytesPerTokenEstimator } from './bytesEstimate';
import { createTokenCounter } from './createTokenCounter';
import { createVllmTokenizeCounter, TOKENIZE_COOLDOWN_MS, tokenizeUrl } from './vllmTokenize';

const MODEL = 'fake-clinical-model';
const TEXT = 'Chest X-ray shows bilateral infiltrates; SpO2 88 % on room air.';

/** Monotonic time moved by hand. */
function manualClock(): { monotonicMs: () => number; advance: (ms: number) => void } {
  let now = 0;
  return { monotonicMs: () => now, advance: (ms) => (now += ms) };
}

/** A logger that keeps every call, to check what reaches the logs. */
function recordingLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const record = (event: string, fields?: Record<string, unknown>): void => {
    lines.push(JSON.stringify({ event, ...fields }));
  };
  return { lines, info: record, warn: record, error: record };
}

/** A plain HTTP server on loopback that answers every request with `handler`, counting them. */
async function startPlainServer(handler: (request: IncomingMessage, response: ServerResponse) => void): Promise<{ baseURL: string; hits: () => number; close: () => Promise<void> }> {
  let hits = 0;
  const server: Server = createServer((request, response) => {
    hits += 1;
    handler(request, response);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseURL: `http://127.0.0.1:${port}/v1`,
    hits: () => hits,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

describe('tokenizeUrl', () => {
  it('puts /tokenize at the server root, beside /v1', () => {
    expect(tokenizeUrl('http://127.0.0.1:8000/v1')).toBe('http://127.0.0.1:8000/tokenize');
    expect(tokenizeUrl('https://llm.clinic.example/inference/v1/')).toBe('https://llm.clinic.example/inference/tokenize');
    expect(tokenizeUrl('https://user:secret@llm.clinic.example/v1?x=1')).toBe('https://llm.clinic.example/tokenize');
    expect(tokenizeUrl('http://llm.local:8000')).toBe('http://llm.local:8000/tokenize');
  });
});

describe('vLLM /tokenize counter', () => {
  let server: FakeLlmServer;

  it('counts with the server, asking for the text without special tokens', async () => {
    server = await startFakeLlmServer();
    cleanups.push(() => server.close());
    const counter = createVllmTokenizeCounter({ baseURL: server.baseURL, fetch: globalThis.fetch, fallback: new BytesPerTokenEstimator(), clock: manualClock() });
    expect(await counter.count(MODEL, TEXT)).toBe(estimateTokens(TEXT));
    expect(await counter.count(MODEL, '')).toBe(0);
    const [request] = server.requests;
    expect(request).toMatchObject({ method: 'POST', path: '/tokenize', body: { model: MODEL, prompt: TEXT, add_special_tokens: false } });
  });

  it('through createTokenCounter, uses the server when a base URL is set and the estimate alone when not', async () => {
    server = await startFakeLlmServer();
    cleanups.push(() => server.close());
    const estimator = new BytesPerTokenEstimator();
    const counter = createTokenCounter({ baseURL: server.baseURL, fetch: globalThis.fetch, estimator, clock: manualClock() });
    expect(await counter.count(MODEL, TEXT)).toBe(estimateTokens(TEXT));
    expect(createTokenCounter({ baseURL: ' ', fetch: globalThis.fetch, estimator, clock: manualClock() })).toBe(estimator);
  });

  it('falls back to the estimate when the route is missing, and leaves the endpoint alone for the cooldown', async () => {
    const plain = await startPlainServer((_request, response) => {
      response.writeHead(404, { 'content-type': 'text/plain' });
      response.end('Not Found');
    });
    cleanups.push(plain.close);
    const clock = manualClock();
    const logger = recordingLogger();
    const estimator = new BytesPerTokenEstimator();
    const counter = createVllmTokenizeCounter({ baseURL: plain.baseURL, fetch: globalThis.fetch, fallback: estimator, clock, logger });

    expect(await counter.count(MODEL, TEXT)).toBe(estimator.estimate(MODEL, TEXT));
    expect(await counter.count(MODEL, TEXT)).toBe(estimator.estimate(MODEL, TEXT));
    expect(plain.hits()).toBe(1);
    clock.advance(TOKENIZE_COOLDOWN_MS - 1);
    await counter.count(MODEL, TEXT);
    expect(plain.hits()).toBe(1);
    clock.advance(1);
    await counter.count(MODEL, TEXT);
    expect(plain.hits()).toBe(2);

    expect(logger.lines.map((line) => JSON.parse(line) as unknown)).toEqual([
      { event: 'llm.tokenize_unavailable', reason: 'status_404', cooldownMs: TOKENIZE_COOLDOWN_MS },
      { event: 'llm.tokenize_unavailable', reason: 'status_404', cooldownMs: TOKENIZE_COOLDOWN_MS },
    ]);
    expect(logger.lines.join('\n')).not.toContain('SpO2');
  });

  it('falls back when the connection is refused', async () => {
    const plain = await startPlainServer(() => {});
    await plain.close();
    const logger = recordingLogger();
    const counter = createVllmTokenizeCounter({ baseURL: plain.baseURL, fetch: globalThis.fetch, fallback: new BytesPerTokenEstimator(), clock: manualClock(), logger });
    expect(await counter.count(MODEL, TEXT)).toBe(new BytesPerTokenEstimator().estimate(MODEL, TEXT));
    expect(logger.lines[0]).toContain('"reason":"unreachable"');
  });

  it('falls back when the server is too slow', async () => {
    const plain = await startPlainServer(() => {
      // Never answers.
    });
    cleanups.push(plain.close);
    const logger = recordingLogger();
    const counter = createVllmTokenizeCounter({ baseURL: plain.baseURL, fetch: globalThis.fetch, fallback: new BytesPerTokenEstimator(), clock: manualClock(), logger, timeoutMs: 50 });
    expect(await counter.count(MODEL, TEXT)).toBe(new BytesPerTokenEstimator().estimate(MODEL, TEXT));
    expect(logger.lines[0]).toContain('"reason":"timeout"');
  });

  it.each([
    ['a count that is not a number', '{"count":"many"}'],
    ['a negative count', '{"count":-3}'],
    ['a body that is not JSON', '<html>proxy login</html>'],
  ])('falls back on %s', async (_label, body) => {
    const plain = await startPlainServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(body);
    });
    cleanups.push(plain.close);
    const logger = recordingLogger();
    const counter = createVllmTokenizeCounter({ baseURL: plain.baseURL, fetch: globalThis.fetch, fallback: new BytesPerTokenEstimator(), clock: manualClock(), logger });
    expect(await counter.count(MODEL, TEXT)).toBe(new BytesPerTokenEstimator().estimate(MODEL, TEXT));
    expect(logger.lines[0]).toContain('"reason":"malformed"');
  });
});
