import { describe, expect, it } from 'vitest';
import { TestClock } from '../../../test/support/testClock';
import { AppError } from '../../shared/errors';
import type { LlmClient, ServedModel } from './llmClient';
import { LlmRequestError } from './llmErrors';
import { probeLlmStatus } from './llmStatusProbe';
import { createModelResolver } from './modelResolver';

function stubClient(models: ServedModel[] | Error, clock?: TestClock, delayMs = 0): LlmClient & { listed: number } {
  const client = {
    endpoint: 'https://llm.clinic.example/v1',
    listed: 0,
    streamChat: () => Promise.reject(new Error('not used')),
    listModels: async () => {
      client.listed += 1;
      clock?.advance(delayMs);
      if (models instanceof Error) throw models;
      return models;
    },
  };
  return client;
}

describe('probeLlmStatus', () => {
  it('is reachable, with the latency, when the configured model is served', async () => {
    const clock = new TestClock();
    const status = await probeLlmStatus(stubClient([{ id: 'm', maxModelLen: 8192 }], clock, 120), 'm', clock);
    expect(status).toEqual({ reachable: true, state: 'reachable', model: 'm', endpoint: 'https://llm.clinic.example/v1', latencyMs: 120 });
  });

  it('is degraded when slow, or when the configured model is not served', async () => {
    const clock = new TestClock();
    expect((await probeLlmStatus(stubClient([{ id: 'm', maxModelLen: null }], clock, 2_500), 'm', clock)).state).toBe('degraded');
    expect((await probeLlmStatus(stubClient([{ id: 'other', maxModelLen: null }]), 'm', clock)).state).toBe('degraded');
  });

  it('is offline, without throwing, when the server cannot be reached', async () => {
    const status = await probeLlmStatus(stubClient(new AppError('LLM_UNAVAILABLE', 'down')), '', new TestClock());
    expect(status).toMatchObject({ reachable: false, state: 'offline', model: null, latencyMs: null });
  });
});

describe('probeLlmStatus, a server answering with an error', () => {
  it('is degraded, not offline: something is there, but it will not serve (e.g. a refused API key)', async () => {
    const refused = new LlmRequestError('LLM_UNAVAILABLE', 'refused', { kind: 'auth', status: 401, retryable: false, retryAfterMs: null });
    const status = await probeLlmStatus(stubClient(refused), 'm', new TestClock());
    expect(status).toMatchObject({ reachable: true, state: 'degraded', model: 'm', latencyMs: 0 });
  });
});

describe('createModelResolver', () => {
  it('uses the configured model without asking the server', async () => {
    const client = stubClient([]);
    expect(await createModelResolver(client, 'clinic-model', false)()).toBe('clinic-model');
    expect(client.listed).toBe(0);
  });

  it('in development, takes the first model the server lists, once', async () => {
    const client = stubClient([{ id: 'first', maxModelLen: null }, { id: 'second', maxModelLen: null }]);
    const resolve = createModelResolver(client, '', true);
    expect(await resolve()).toBe('first');
    expect(await resolve()).toBe('first');
    expect(client.listed).toBe(1);
  });

  it('in release builds, refuses to guess a model', async () => {
    await expect(createModelResolver(stubClient([{ id: 'x', maxModelLen: null }]), '', false)()).rejects.toThrow('IT sets the model');
  });
});
