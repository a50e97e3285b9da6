import type { WebSocket } from 'ws';
import { fail } from '../../src/shared/errors';
import type { CallContext } from '../../src/main/ipc/callContext';
import type { ChannelHandler, Disposable, IpcTransport } from '../../src/main/ipc/transport';

/** A message from the page: one call, answered by a `result` with the same id. */
interface InvokeMessage {
  type: 'invoke';
  id: number;
  channel: string;
  payload?: unknown;
}

/**
 * The harness's transport: each WebSocket connection is one page (one sender). Like the Electron adapter it
 * only carries messages and describes the caller; the registrar makes every decision. One socket carries both
 * results and events, in order, so every delta of a turn reaches the page before the turn's result.
 */
export class WebSocketTransport implements IpcTransport {
  readonly #handlers = new Map<string, ChannelHandler>();
  readonly #pages = new Map<string, WebSocket>();
  #nextSender = 1;

  handle(channel: string, handler: ChannelHandler): Disposable {
    this.#handlers.set(channel, handler);
    return { dispose: () => this.#handlers.delete(channel) };
  }

  sendTo(senderId: string, channel: string, payload: unknown): boolean {
    const socket = this.#pages.get(senderId);
    if (!socket || socket.readyState !== socket.OPEN) return false;
    socket.send(JSON.stringify({ type: 'event', channel, payload }));
    return true;
  }

  /**
   * Adopts a connection whose upgrade request already passed the Host, Origin and secret checks.
   * `origin` is the request's Origin header, reported to the registrar as the caller's origin.
   */
  attach(socket: WebSocket, origin: string): void {
    const senderId = `page-${this.#nextSender++}`;
    this.#pages.set(senderId, socket);
    // The harness cannot see frames; its pages are top-level because the server forbids framing them.
    const context: CallContext = { origin, isMainFrame: true, senderId };
    socket.on('close', () => this.#pages.delete(senderId));
    // A page sending an oversized or broken frame loses its connection; the harness (main) carries on.
    socket.on('error', () => socket.terminate());
    socket.on('message', (data) => {
      const message = parseInvoke(data.toString());
      if (!message) {
        socket.close(1003, 'malformed message');
        return;
      }
      const handler = this.#handlers.get(message.channel);
      const pending = handler
        ? handler(context, message.payload)
        : Promise.resolve(fail('INVALID_INPUT', 'Unknown operation.'));
      void pending.then((result) => {
        if (socket.readyState === socket.OPEN) socket.send(JSON.stringify({ type: 'result', id: message.id, result }));
      });
    });
  }
}

function parseInvoke(text: string): InvokeMessage | null {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null) return null;
  const message = value as Partial<InvokeMessage>;
  if (message.type !== 'invoke' || typeof message.id !== 'number' || typeof message.channel !== 'string') return null;
  return message as InvokeMessage;
}
