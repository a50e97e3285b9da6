import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFakeLlmServer, type FakeLlmServer } from '../../test/fakes/fakeLlmServer';
import { appCaller, APP_ORIGIN_FOR_TESTS, MemoryTransport } from '../../test/support/memoryTransport';
import { sequentialIds, TestClock } from '../../test/support/testClock';
import { channelOf } from '../shared/contract';
import type { Result } from '../shared/errors';
import type { ProtocolResponse } from '../shared/protocol';
import type { SessionInfo } from '../shared/sessions';
import { resolveSettings } from './config/resolveSettings';
import { exactOrigins } from './ipc/callContext';
import { registerOperations } from './ipc/registrar';
import { silentLogger } from './logging/logger';
import { createMainServices, type MainServices } from './services';

let server: FakeLlmServer;
let services: MainServices;
let transport: MemoryTransport;
let clock: TestClock;

function start(settings: Record<string, unknown>): void {
  clock = new TestClock();
  const config = resolveSettings('harness', { env: { name: 'environment', values: { llmBaseUrl: server.baseURL, maxRetries: 0, ...settings } } });
  services = createMainServices({ mode: 'harness', config, fetch: globalThis.fetch, clock, newId: sequentialIds(), logger: silentLogger, monitorLlm: false });
  transport = new MemoryTransport();
  registerOperations(transport, services.handlers, { isAppOrigin: exactOrigins([APP_ORIGIN_FOR_TESTS]), logger: silentLogger });
}

async function call<T>(operation: string, payload?: unknown): Promise<Result<T>> {
  return (await transport.call(`app:${operation}`, appCaller(), payload)) as Result<T>;
}

beforeEach(async () => {
  server = await startFakeLlmServer();
});
afterEach(async () => {
  await services.shutdown(0);
  await server.close();
});

describe('main services take their limits from configuration (check 12)', () => {
  it('expires a session after the configured idle timeout, and sessions.get says it expired', async () => {
    start({ sessionIdleTimeoutMs: 60_000, sessionAbsoluteTimeoutMs: 120_000 });
    const first = await call<ProtocolResponse>('protocol.generate', { patient: { age: 60, sex: 'female', chiefComplaint: 'Fever' } });
    if (!first.ok) throw new Error(first.error.message);
    clock.advance(60_000);
    const info = await call<SessionInfo>('sessions.get', { sessionId: first.data.sessionId });
    expect(info).toMatchObject({ ok: true, data: { state: 'expired', conversationCount: 1 } });
    const followUp = await call<ProtocolResponse>('protocol.generate', { sessionId: first.data.sessionId, message: 'x' });
    expect(followUp).toMatchObject({ ok: false, error: { code: 'SESSION_NOT_FOUND' } });
  });

  it('evicts at the configured cap', async () => {
    start({ maxLiveSessions: 2 });
    for (let index = 0; index < 3; index += 1) {
      await call('protocol.generate', { patient: { age: 60, sex: 'female', chiefComplaint: 'Fever' } });
      clock.advance(1);
    }
    const list = await call<{ count: number }>('sessions.list');
    expect(list).toMatchObject({ ok: true, data: { count: 2 } });
  });

  it('streams deltas to the calling page before the call resolves, in order', async () => {
    start({});
    server.queueReply('one two three');
    const result = await call<ProtocolResponse>('protocol.generate', { patient: { age: 60, sex: 'female', chiefComplaint: 'Fever' } });
    const deltas = transport.sent.filter((event) => event.channel === channelOf('protocol.delta')).map((event) => (event.payload as { delta: string }).delta);
    expect(deltas.join('')).toBe('one two three');
    expect(result).toMatchObject({ ok: true, data: { protocol: 'one two three' } });
  });
});
