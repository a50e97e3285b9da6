/**
 * The app's main-process services wired as the app wires them — `createMainServices` behind the registrar — on an
 * in-memory transport that timestamps what the benchmarks need: when the registrar's `protocol.generate` handler
 * receives a call, and when the first `protocol.delta` event for that caller is sent.
 */
import { randomUUID } from 'node:crypto';
import { resolveSettings } from '../src/main/config/resolveSettings';
import { exactOrigins } from '../src/main/ipc/callContext';
import { registerOperations, type RegisteredOperations } from '../src/main/ipc/registrar';
import type { ChannelHandler, Disposable } from '../src/main/ipc/transport';
import { silentLogger } from '../src/main/logging/logger';
import { createMainServices, type MainServices } from '../src/main/services';
import { systemClock } from '../src/main/sessions/clock';
import { channelOf, type OperationInput } from '../src/shared/contract';
import type { Result } from '../src/shared/errors';
import type { ProtocolResponse } from '../src/shared/protocol';
import type { SettingsLayer } from '../src/shared/settings';
import { APP_ORIGIN_FOR_TESTS, appCaller, MemoryTransport } from '../test/support/memoryTransport';
import { BENCH_MODEL } from './engineSessions';

const GENERATE_CHANNEL = channelOf('protocol.generate');
const DELTA_CHANNEL = channelOf('protocol.delta');

/**
 * A {@link MemoryTransport} that notes, per sender, when a generate call reaches the registrar's handler and when
 * the first delta goes out. One call per sender at a time: the benchmarks give every call its own sender id.
 */
export class TimedTransport extends MemoryTransport {
  readonly receivedAt = new Map<string, number>();
  readonly firstDeltaAt = new Map<string, number>();

  override handle(channel: string, handler: ChannelHandler): Disposable {
    if (channel !== GENERATE_CHANNEL) return super.handle(channel, handler);
    return super.handle(channel, (context, payload) => {
      if (context.senderId !== null) this.receivedAt.set(context.senderId, performance.now());
      return handler(context, payload);
    });
  }

  override sendTo(senderId: string, channel: string, payload: unknown): boolean {
    if (channel === DELTA_CHANNEL && !this.firstDeltaAt.has(senderId)) this.firstDeltaAt.set(senderId, performance.now());
    return super.sendTo(senderId, channel, payload);
  }

  /** Forgets the events kept so far, so a long run does not hold every delta. */
  clearSent(): void {
    this.sent.length = 0;
  }
}

/** The app's services on a timed transport. */
export interface AppUnderTest {
  readonly transport: TimedTransport;
  /** Calls `protocol.generate` as the app's page `senderId`; throws when the envelope says it failed. */
  generate(senderId: string, input: OperationInput<'protocol.generate'>): Promise<ProtocolResponse>;
  close(): Promise<void>;
}

/**
 * Builds main's services against the model server at `llmBaseUrl`, as the harness does (harness mode, settings
 * from an environment layer), with the system clock, crypto ids and no background probes.
 */
export function startApp(llmBaseUrl: string, settings: SettingsLayer = {}): AppUnderTest {
  const config = resolveSettings('harness', { env: { name: 'bench', values: { llmBaseUrl, model: BENCH_MODEL, ...settings } } });
  const services: MainServices = createMainServices({
    mode: 'harness',
    config,
    fetch: globalThis.fetch,
    clock: systemClock,
    newId: () => randomUUID(),
    logger: silentLogger,
    monitorLlm: false,
  });
  const transport = new TimedTransport();
  const registration: RegisteredOperations = registerOperations(transport, services.handlers, {
    isAppOrigin: exactOrigins([APP_ORIGIN_FOR_TESTS]),
    logger: silentLogger,
  });
  return {
    transport,
    async generate(senderId, input) {
      const result = (await transport.call(GENERATE_CHANNEL, appCaller(senderId), input)) as Result<ProtocolResponse>;
      if (!result.ok) throw new Error(`protocol.generate failed: ${result.error.code} ${result.error.message}`);
      return result.data;
    },
    async close() {
      await services.shutdown(1_000);
      registration.dispose();
    },
  };
}
