/**
 * The app's main-process services wired as the app wires them — `createMainServices` behind the registrar — on an
 * in-memory transport that timestamps what the benchmarks need: when the registrar's `protocol.generate` handler
 * receives a call, and when the first `protocol.delta` event for that caller is sent.
 */
import { randomUUID } from 'node:crypto';
import type { ChannelHandler, Disposable } from '../src/main/ipc/transport';
import { systemClock } from '../src/main/core/clock';
import { channelOf, type OperationInput } from '../src/shared/contract';
import type { Result } from '../src/shared/errors';
import type { ProtocolResponse } from '../src/shared/protocol';
import type { SettingsLayer } from '../src/shared/settings';
import { appCaller, MemoryTransport } from '../test/support/memoryTransport';
import { startMainForTests } from '../test/support/mainForTests';
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
 * Builds main's services against the model server at `llmBaseUrl` as the harness does (harness mode, settings from
 * an environment layer), with the system clock, crypto ids and no background probes, and a clinician signed in.
 * Every turn therefore goes through the vault: the session and turn records are sealed and acknowledged by the
 * (in-memory) page before the model is asked, as in the app.
 */
export async function startApp(llmBaseUrl: string, settings: SettingsLayer = {}): Promise<AppUnderTest> {
  const transport = new TimedTransport();
  const main = await startMainForTests({
    llmBaseUrl,
    clock: systemClock,
    newId: () => randomUUID(),
    settings: { model: BENCH_MODEL, ...settings },
    transport,
  });
  return {
    transport,
    async generate(senderId, input) {
      const result = (await transport.call(GENERATE_CHANNEL, appCaller(senderId), input)) as Result<ProtocolResponse>;
      if (!result.ok) throw new Error(`protocol.generate failed: ${result.error.code} ${result.error.message}`);
      return result.data;
    },
    close: () => main.close(),
  };
}
