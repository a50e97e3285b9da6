/**
 * Failover between endpoints, endpoint health, and the status the gateway reports — against several real fake
 * servers. A "network partition" is a fetch that refuses one endpoint's URLs, so an endpoint can go down and come
 * back on the same address without racing for a port. Time is a TestClock; backoff sleeps resolve at once.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { chatRequest, llmFailureOf } from '../../../test/support/chatRequest';
import { startFakeLlmServer, type FakeLlmServer, type FakeLlmServerOptions } from '../../../test/fakes/fakeLlmServer';
import { TestClock } from '../../../test/support/testClock';
import type { LlmStatus } from '../../shared/settings';
import { silentLogger } from '../core/logger';
import { createLlmGateway, DEFAULT_UNHEALTHY_COOLDOWN_MS, type LlmGateway, type LlmGatewayOptions } from './gateway';

const MODEL = 'fake-clinical-model';
const servers: FakeLlmServer[] = [];

afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function startServer(options?: FakeLlmServerOptions): Promise<FakeLlmServer> {
  const server = await startFakeLlmServer(options);
  servers.push(server);
  return server;
}

interface Harness {
  readonly gateway: LlmGateway;
  readonly clock: TestClock;
  readonly sleeps: number[];
  /** Base URLs whose requests fail as if the host were unreachable. */
  readonly down: Set<string>;
  /** Advances the test clock by this much during each `/v1/models` request to the given base URL (a slow server). */
  readonly slowModels: Map<string, number>;
}

function harness(endpoints: string[], overrides: Partial<LlmGatewayOptions> = {}): Harness {
  const clock = new TestClock();
  const sleeps: number[] = [];
  const down = new Set<string>();
  const slowModels = new Map<string, number>();
  const fetch: typeof globalThis.fetch = (input, init) => {
    const url = input instanceof Request ? input.url : String(input);
    if ([...down].some((base) => url.startsWith(base))) return Promise.reject(new TypeError('fetch failed'));
    for (const [base, ms] of slowModels) if (url.startsWith(`${base}/models`)) clock.advance(ms);
    return globalThis.fetch(input, init);
  };
  const gateway = createLlmGateway({
    endpoints,
    apiKey: '',
    fetch,
    timeoutMs: 2_000,
    maxRetries: 2,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    clock,
    logger: silentLogger,
    random: () => 0.5,
    ...overrides,
  });
  return { gateway, clock, sleeps, down, slowModels };
}


function modelListings(server: FakeLlmServer): number {
  return server.requests.filter((entry) => entry.method === 'GET' && entry.path === '/v1/models').length;
}


function summary(status: LlmStatus): string {
  return `${status.state}@${status.endpoint}`;
}

describe('gateway failover', () => {
  it('primary refusing: the secondary serving the same model answers, and result.endpoint says so', async () => {
    const primary = await startServer();
    const secondary = await startServer();
    primary.failNext({ kind: 'refuse' }, 3);
    secondary.queueReply('From the secondary.');
    const { gateway, sleeps } = harness([primary.baseURL, secondary.baseURL]);
    const call = chatRequest({ model: MODEL });
    const result = await gateway.streamChat(call);
    expect(result).toMatchObject({ text: 'From the secondary.', end: 'stop', endpoint: secondary.baseURL, model: MODEL });
    expect(call.deltas.join('')).toBe('From the secondary.');
    expect(primary.chatRequests()).toHaveLength(3);
    expect(secondary.chatRequests()).toHaveLength(1);
    // Backoff on the primary only; the switch itself does not wait.
    expect(sleeps).toEqual([375, 750]);
    expect(gateway.endpoint).toBe(secondary.baseURL);
  });

  it('passes over a failed primary while it cools down, and goes back to it afterwards', async () => {
    const primary = await startServer();
    const secondary = await startServer();
    const { gateway, clock, down } = harness([primary.baseURL, secondary.baseURL], { unhealthyCooldownMs: 30_000 });
    down.add(primary.baseURL);
    expect((await gateway.streamChat(chatRequest({ model: MODEL }))).endpoint).toBe(secondary.baseURL);
    down.delete(primary.baseURL);

    clock.advance(29_999);
    expect(gateway.endpoint).toBe(secondary.baseURL);
    expect((await gateway.streamChat(chatRequest({ model: MODEL }))).endpoint).toBe(secondary.baseURL);
    expect(primary.chatRequests()).toHaveLength(0);

    clock.advance(1);
    expect(gateway.endpoint).toBe(primary.baseURL);
    expect((await gateway.streamChat(chatRequest({ model: MODEL }))).endpoint).toBe(primary.baseURL);
  });

  it('never uses a fallback that serves a different model id', async () => {
    const primary = await startServer();
    const other = await startServer({ models: [{ id: 'some-other-model', maxModelLen: 4096 }] });
    const { gateway, down } = harness([primary.baseURL, other.baseURL]);
    down.add(primary.baseURL);
    const error = await llmFailureOf(gateway.streamChat(chatRequest({ model: MODEL })));
    expect(error.code).toBe('LLM_UNAVAILABLE');
    expect(error.message).toContain('Tried 1 model server (3 attempts)');
    expect(other.chatRequests()).toHaveLength(0);
    expect(modelListings(other)).toBe(1);
  });

  it('every endpoint down: the last error, naming how many servers were tried', async () => {
    const primary = await startServer();
    const secondary = await startServer();
    const { gateway, down, sleeps } = harness([primary.baseURL, secondary.baseURL], { maxRetries: 1 });
    down.add(primary.baseURL);
    down.add(secondary.baseURL);
    const error = await llmFailureOf(gateway.streamChat(chatRequest({ model: MODEL })));
    expect(error).toMatchObject({ code: 'LLM_UNAVAILABLE', kind: 'connection' });
    expect(error.message).toContain('Tried 2 model servers');
    expect(sleeps).toEqual([375]);
  });

  it('a Retry-After beyond the cap is not waited out: straight to the fallback, and the primary rests that long', async () => {
    const primary = await startServer();
    const secondary = await startServer();
    primary.failNext({ kind: 'status', status: 429, retryAfterSeconds: 120 });
    const { gateway, clock, sleeps } = harness([primary.baseURL, secondary.baseURL]);
    expect((await gateway.streamChat(chatRequest({ model: MODEL }))).endpoint).toBe(secondary.baseURL);
    expect(sleeps).toEqual([]);
    expect(primary.chatRequests()).toHaveLength(1);
    clock.advance(DEFAULT_UNHEALTHY_COOLDOWN_MS);
    expect(gateway.endpoint).toBe(secondary.baseURL);
    clock.advance(120_000 - DEFAULT_UNHEALTHY_COOLDOWN_MS);
    expect(gateway.endpoint).toBe(primary.baseURL);
  });

  it('a stream cut on the primary is kept as is, never re-asked of the fallback', async () => {
    const primary = await startServer();
    const secondary = await startServer();
    primary.queueReply('one two three four five');
    primary.failNext({ kind: 'cutAfter', chunks: 2 });
    const { gateway } = harness([primary.baseURL, secondary.baseURL]);
    const call = chatRequest({ model: MODEL });
    const result = await gateway.streamChat(call);
    expect(result).toMatchObject({ text: 'one two ', end: 'stream_cut', endpoint: primary.baseURL });
    expect(call.deltas).toEqual(['one ', 'two ']);
    expect(secondary.requests).toHaveLength(0);
  });

  it('lists the models of the endpoint in use, and of the fallback when the primary is down', async () => {
    const primary = await startServer();
    const secondary = await startServer({ models: [{ id: MODEL, maxModelLen: 4096 }] });
    const { gateway, down } = harness([primary.baseURL, secondary.baseURL]);
    expect(await gateway.listModels()).toEqual([{ id: MODEL, maxModelLen: 8192 }]);
    down.add(primary.baseURL);
    expect(await gateway.listModels()).toEqual([{ id: MODEL, maxModelLen: 4096 }]);
  });
});

describe('gateway context length', () => {
  it('reads max_model_len from the serving endpoint, cached briefly', async () => {
    const primary = await startServer();
    const { gateway, clock } = harness([primary.baseURL], { modelsCacheMs: 30_000 });
    expect(await gateway.contextLengthOf(MODEL)).toBe(8192);
    expect(await gateway.contextLengthOf(MODEL)).toBe(8192);
    expect(modelListings(primary)).toBe(1);
    clock.advance(30_000);
    expect(await gateway.contextLengthOf(MODEL)).toBe(8192);
    expect(modelListings(primary)).toBe(2);
  });

  it('is null when the server does not say, or does not serve the model, or cannot be reached', async () => {
    const silent = await startServer({ models: [{ id: MODEL }] });
    expect(await harness([silent.baseURL]).gateway.contextLengthOf(MODEL)).toBeNull();
    expect(await harness([silent.baseURL]).gateway.contextLengthOf('unknown-model')).toBeNull();
    const { gateway, down } = harness([silent.baseURL]);
    down.add(silent.baseURL);
    expect(await gateway.contextLengthOf(MODEL)).toBeNull();
  });

  it('comes from the fallback while the primary is down', async () => {
    const primary = await startServer();
    const secondary = await startServer({ models: [{ id: MODEL, maxModelLen: 4096 }] });
    const { gateway, down } = harness([primary.baseURL, secondary.baseURL]);
    down.add(primary.baseURL);
    await gateway.streamChat(chatRequest({ model: MODEL }));
    expect(await gateway.contextLengthOf(MODEL)).toBe(4096);
  });
});

describe('gateway status', () => {
  it('reachable → degraded (only the fallback answers) → degraded while the primary cools down → reachable → offline', async () => {
    const primary = await startServer();
    const secondary = await startServer();
    const { gateway, clock, down } = harness([primary.baseURL, secondary.baseURL], { unhealthyCooldownMs: 30_000 });
    const seen: string[] = [];
    const unsubscribe = gateway.onStatusChange((status) => seen.push(summary(status)));

    expect(await gateway.status(MODEL)).toEqual({ reachable: true, state: 'reachable', model: MODEL, endpoint: primary.baseURL, latencyMs: 0 });
    expect(seen).toEqual([`reachable@${primary.baseURL}`]);

    // The primary goes away: the turn fails over, and the failover is visible at once.
    down.add(primary.baseURL);
    expect((await gateway.streamChat(chatRequest({ model: MODEL }))).endpoint).toBe(secondary.baseURL);
    expect(seen).toEqual([`reachable@${primary.baseURL}`, `degraded@${secondary.baseURL}`]);
    expect(await gateway.status(MODEL)).toMatchObject({ reachable: true, state: 'degraded', endpoint: secondary.baseURL, model: MODEL });

    // Back, but still cooling down: not probed, still degraded, no new event.
    down.delete(primary.baseURL);
    const listingsBefore = modelListings(primary);
    expect((await gateway.status(MODEL)).state).toBe('degraded');
    expect(modelListings(primary)).toBe(listingsBefore);
    expect(seen).toHaveLength(2);

    // After the cooldown the primary is probed first again.
    clock.advance(30_000);
    expect(await gateway.status(MODEL)).toMatchObject({ state: 'reachable', endpoint: primary.baseURL });
    expect(seen).toEqual([`reachable@${primary.baseURL}`, `degraded@${secondary.baseURL}`, `reachable@${primary.baseURL}`]);

    // Nothing answers.
    down.add(primary.baseURL);
    down.add(secondary.baseURL);
    expect(await gateway.status(MODEL)).toEqual({ reachable: false, state: 'offline', model: MODEL, endpoint: primary.baseURL, latencyMs: null });
    expect(seen.at(-1)).toBe(`offline@${primary.baseURL}`);

    unsubscribe();
    down.clear();
    clock.advance(30_000);
    expect((await gateway.status(MODEL)).state).toBe('reachable');
    expect(seen).toHaveLength(4);
  });

  it('a turn failing on every endpoint makes the status offline', async () => {
    const primary = await startServer();
    const { gateway, down } = harness([primary.baseURL]);
    const seen: LlmStatus[] = [];
    gateway.onStatusChange((status) => seen.push(status));
    await gateway.status(MODEL);
    down.add(primary.baseURL);
    await llmFailureOf(gateway.streamChat(chatRequest({ model: MODEL })));
    expect(seen.map((status) => status.state)).toEqual(['reachable', 'offline']);
  });

  it('a turn refused for its credentials, or a server busy through every retry, makes the status degraded', async () => {
    const primary = await startServer();
    const { gateway } = harness([primary.baseURL]);
    const seen: string[] = [];
    gateway.onStatusChange((status) => seen.push(summary(status)));
    await gateway.status(MODEL);
    primary.failNext({ kind: 'status', status: 401 });
    await llmFailureOf(gateway.streamChat(chatRequest({ model: MODEL })));
    expect(seen).toEqual([`reachable@${primary.baseURL}`, `degraded@${primary.baseURL}`]);

    await gateway.streamChat(chatRequest({ model: MODEL }));
    expect(seen.at(-1)).toBe(`reachable@${primary.baseURL}`);
    primary.failNext({ kind: 'status', status: 503 }, 3);
    await llmFailureOf(gateway.streamChat(chatRequest({ model: MODEL })));
    expect(seen.at(-1)).toBe(`degraded@${primary.baseURL}`);
  });

  it('a request-specific refusal (context too long) says nothing about the server', async () => {
    const primary = await startServer();
    const { gateway } = harness([primary.baseURL]);
    const seen: string[] = [];
    gateway.onStatusChange((status) => seen.push(status.state));
    await gateway.status(MODEL);
    primary.failNext({ kind: 'status', status: 400, message: "This model's maximum context length is 8192 tokens." });
    expect((await llmFailureOf(gateway.streamChat(chatRequest({ model: MODEL })))).code).toBe('CONTEXT_TOO_LONG');
    expect(seen).toEqual(['reachable']);
  });

  it('is degraded when the primary is slow (> 2 s) or does not serve the configured model', async () => {
    const primary = await startServer();
    const { gateway, slowModels } = harness([primary.baseURL]);
    const seen: string[] = [];
    gateway.onStatusChange((status) => seen.push(status.state));
    slowModels.set(primary.baseURL, 2_500);
    expect(await gateway.status(MODEL)).toMatchObject({ reachable: true, state: 'degraded', endpoint: primary.baseURL, latencyMs: 2_500 });
    // A turn that works does not overrule the probe's finding that the server is slow.
    await gateway.streamChat(chatRequest({ model: MODEL }));
    expect(seen).toEqual(['degraded']);
    slowModels.clear();
    expect(await gateway.status('not-served-here')).toMatchObject({ reachable: true, state: 'degraded', model: 'not-served-here' });
    expect(await gateway.status(MODEL)).toMatchObject({ state: 'reachable' });
  });

  it('in development (no model configured) reports the first model the primary lists', async () => {
    const primary = await startServer();
    expect(await harness([primary.baseURL]).gateway.status('')).toMatchObject({ state: 'reachable', model: MODEL });
  });

  it('a listener that throws does not stop the others', async () => {
    const primary = await startServer();
    const { gateway } = harness([primary.baseURL]);
    const seen: string[] = [];
    gateway.onStatusChange(() => {
      throw new Error('listener bug');
    });
    gateway.onStatusChange((status) => seen.push(status.state));
    await gateway.status(MODEL);
    expect(seen).toEqual(['reachable']);
  });
});

describe('gateway monitoring', () => {
  it('probes at once, then on one timer per interval, and stops on dispose', async () => {
    const primary = await startServer();
    const { gateway, clock } = harness([primary.baseURL]);
    const seen: string[] = [];
    gateway.onStatusChange((status) => seen.push(status.state));

    gateway.startMonitoring(15_000, MODEL);
    await vi.waitFor(() => expect(clock.pendingTimers).toBe(1));
    expect(modelListings(primary)).toBe(1);
    expect(seen).toEqual(['reachable']);
    expect(clock.requestedDelays).toEqual([15_000]);

    clock.advance(15_000);
    await vi.waitFor(() => expect(clock.pendingTimers).toBe(1));
    expect(modelListings(primary)).toBe(2);

    // Starting again replaces the monitoring: still one timer.
    gateway.startMonitoring(15_000, MODEL);
    await vi.waitFor(() => expect(modelListings(primary)).toBe(3));
    await vi.waitFor(() => expect(clock.pendingTimers).toBe(1));

    gateway.dispose();
    expect(clock.pendingTimers).toBe(0);
    clock.advance(60_000);
    expect(modelListings(primary)).toBe(3);
  });
});
