import { describe, expect, it } from 'vitest';
import { createAppStore } from './createAppStore';
import { createFakeApi, failure } from './testing/fakeApi';

describe('checkLlmStatus', () => {
  it('shows what main reports', async () => {
    const fake = createFakeApi();
    const store = createAppStore(fake.api);
    await store.getState().checkLlmStatus();
    expect(store.getState().llmStatus?.state).toBe('reachable');
    expect(store.getState().llmStatusChecking).toBe(false);
  });

  it('shows why the status could not be read', async () => {
    const fake = createFakeApi();
    fake.status = failure('INTERNAL', 'Something went wrong.');
    const store = createAppStore(fake.api);
    await store.getState().checkLlmStatus();
    expect(store.getState().llmStatusError).toBe('Something went wrong.');
  });

  it('does not double a check already under way', async () => {
    const fake = createFakeApi();
    const store = createAppStore(fake.api);
    await Promise.all([store.getState().checkLlmStatus(), store.getState().checkLlmStatus()]);
    expect(fake.statusCalls).toBe(1);
  });
});

describe('status events from main', () => {
  it('updates the status line when main reports a change (failover, server gone)', () => {
    const fake = createFakeApi();
    const store = createAppStore(fake.api);
    const offline = { reachable: false, state: 'offline', model: null, endpoint: 'http://127.0.0.1:8000/v1', latencyMs: null } as const;
    fake.emitStatus(offline);
    expect(store.getState().llmStatus).toEqual(offline);
    store.dispose();
  });
});
