import { describe, expect, it } from 'vitest';
import { sendAvailability } from './useSendAvailability';

const status = (state: 'reachable' | 'degraded' | 'offline') => ({
  reachable: state !== 'offline',
  state,
  model: null,
  endpoint: 'https://llm.clinic.example/v1',
  latencyMs: null,
});

describe('sendAvailability', () => {
  it('pauses sending only while main reports the server offline, naming the endpoint and what to do', () => {
    const offline = sendAvailability(status('offline'));
    expect(offline.canSend).toBe(false);
    expect(offline.reason).toContain('https://llm.clinic.example/v1');
    expect(offline.reason).toContain('review past sessions');
    expect(sendAvailability(status('degraded'))).toEqual({ canSend: true, reason: null });
    expect(sendAvailability(status('reachable'))).toEqual({ canSend: true, reason: null });
    expect(sendAvailability(null)).toEqual({ canSend: true, reason: null });
  });
});
