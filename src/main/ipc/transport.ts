import type { CallContext } from './callContext';

/** Something that can be stopped: timers, listeners, servers, registrations. */
export interface Disposable {
  dispose(): void;
}

/** The function the registrar installs for one channel. It never throws; it answers an envelope. */
export type ChannelHandler = (context: CallContext, payload: unknown) => Promise<unknown>;

/**
 * A way for pages to reach main: Electron's `ipcMain` in the app, a loopback WebSocket in the browser harness.
 * Adapters only carry messages and describe the caller; every check is the registrar's, so no adapter can
 * skip one.
 */
export interface IpcTransport {
  /** Routes calls on `channel` to `handler`. */
  handle(channel: string, handler: ChannelHandler): Disposable;
  /** Delivers an event to one page only. Returns false when that page is gone. */
  sendTo(senderId: string, channel: string, payload: unknown): boolean;
}
