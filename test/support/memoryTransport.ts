import type { CallContext } from '../../src/main/ipc/callContext';
import type { ChannelHandler, Disposable, IpcTransport } from '../../src/main/ipc/transport';

/** An in-memory transport: tests call channels directly with any caller context and see every event sent. */
export class MemoryTransport implements IpcTransport {
  readonly handlers = new Map<string, ChannelHandler>();
  readonly sent: { senderId: string; channel: string; payload: unknown }[] = [];
  readonly goneSenders = new Set<string>();

  handle(channel: string, handler: ChannelHandler): Disposable {
    this.handlers.set(channel, handler);
    return { dispose: () => this.handlers.delete(channel) };
  }

  /**
   * When true, the transport plays the page's history store: every sealed record delivered to a page is answered
   * with `vault.ack { stored: true }` from that page, as the renderer does after writing it to IndexedDB.
   */
  storeRecords = false;

  sendTo(senderId: string, channel: string, payload: unknown): boolean {
    if (this.goneSenders.has(senderId)) return false;
    this.sent.push({ senderId, channel, payload });
    if (this.storeRecords && channel === 'app:vault.record') {
      for (const { id: recordId } of (payload as { records: { id: string }[] }).records) {
        queueMicrotask(() => void this.call('app:vault.ack', { ...appCaller(senderId) }, { recordId, stored: true }));
      }
    }
    return true;
  }

  /** Calls `channel` as the given caller. */
  call(channel: string, context: CallContext, payload?: unknown): Promise<unknown> {
    const handler = this.handlers.get(channel);
    if (!handler) throw new Error(`no handler for ${channel}`);
    return handler(context, payload);
  }
}

/** The app's own page, as the registrar should accept it. */
export const APP_ORIGIN_FOR_TESTS = 'app://renderer';

/** A caller context for the app's main frame. */
export function appCaller(senderId = '1'): CallContext {
  return { origin: APP_ORIGIN_FOR_TESTS, isMainFrame: true, senderId };
}
