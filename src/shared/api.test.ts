import { describe, expect, expectTypeOf, it } from 'vitest';
import { buildApi, type ApiCarrier, type AppApi, type Unsubscribe } from './api';
import { CHANNEL_PREFIX, EVENT_NAMES, events, OPERATION_NAMES, operations, type OperationOutput } from './contract';
import type { Result } from './errors';
import type { GenerateInput, ProtocolResponse } from './protocol';

function recordingCarrier() {
  const invoked: { channel: string; payload: unknown }[] = [];
  const listeners = new Map<string, (payload: unknown) => void>();
  const carrier: ApiCarrier = {
    invoke: async (channel, payload) => {
      invoked.push({ channel, payload });
      return { ok: true, data: null };
    },
    subscribe: (channel, listener) => {
      listeners.set(channel, listener);
      return () => listeners.delete(channel);
    },
  };
  return { carrier, invoked, listeners };
}

describe('contract', () => {
  it('gives every named operation and event a schema, and names every schema', () => {
    expect(Object.keys(operations)).toEqual([...OPERATION_NAMES]);
    expect(Object.keys(events)).toEqual([...EVENT_NAMES]);
  });
});

describe('buildApi', () => {
  it('exposes exactly one function per operation and one on… per event, nothing generic', () => {
    const api = buildApi(recordingCarrier().carrier) as unknown as Record<string, Record<string, unknown>>;
    const members = Object.entries(api).flatMap(([domain, functions]) => Object.keys(functions).map((name) => `${domain}.${name}`));
    const expected = [
      ...OPERATION_NAMES,
      ...EVENT_NAMES.map((name) => name.replace(/\.(\w)/, (_match, first: string) => `.on${first.toUpperCase()}`)),
    ];
    expect(members.sort()).toEqual(expected.sort());
    for (const functions of Object.values(api)) {
      for (const member of Object.values(functions)) expect(typeof member).toBe('function');
    }
    expect(Object.isFrozen(api)).toBe(true);
    expect(Object.isFrozen(api.protocol)).toBe(true);
  });

  it('sends each operation on its own prefixed channel', async () => {
    const { carrier, invoked } = recordingCarrier();
    const api = buildApi(carrier);
    await api.protocol.cancel({ sessionId: 'x' });
    await api.llm.status();
    expect(invoked).toEqual([
      { channel: `${CHANNEL_PREFIX}protocol.cancel`, payload: { sessionId: 'x' } },
      { channel: `${CHANNEL_PREFIX}llm.status`, payload: undefined },
    ]);
  });

  it('passes the payload only to listeners, and unsubscribe stops them', () => {
    const { carrier, listeners } = recordingCarrier();
    const received: unknown[] = [];
    const unsubscribe = buildApi(carrier).protocol.onDelta((payload) => received.push(payload));
    listeners.get(`${CHANNEL_PREFIX}protocol.delta`)?.({ delta: 'a' });
    expect(received).toEqual([{ delta: 'a' }]);
    unsubscribe();
    expect(listeners.has(`${CHANNEL_PREFIX}protocol.delta`)).toBe(false);
  });
});

describe('AppApi types follow the contract', () => {
  it('types generate, status and onDelta from the schemas', () => {
    expectTypeOf<AppApi['protocol']['generate']>().parameters.toEqualTypeOf<[GenerateInput]>();
    expectTypeOf<AppApi['protocol']['generate']>().returns.toEqualTypeOf<Promise<Result<ProtocolResponse>>>();
    expectTypeOf<AppApi['llm']['status']>().parameters.toEqualTypeOf<[]>();
    expectTypeOf<AppApi['llm']['status']>().returns.toEqualTypeOf<Promise<Result<OperationOutput<'llm.status'>>>>();
    expectTypeOf<AppApi['protocol']['onDelta']>().returns.toEqualTypeOf<Unsubscribe>();
    expectTypeOf<AppApi>().not.toHaveProperty('invoke');
    expectTypeOf<AppApi['protocol']>().not.toHaveProperty('send');
  });
});
