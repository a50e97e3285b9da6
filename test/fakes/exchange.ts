import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RecordedRequest } from './types.js';

/** A request being answered: what was recorded plus the means to answer or drop it. */
export interface Exchange {
  readonly recorded: RecordedRequest;
  readonly response: ServerResponse;
  /** Aborts when the client goes away or the server closes, so scripted waits stop early. */
  readonly signal: AbortSignal;
  /**
   * Drops the connection on purpose. Marked first so the server's own
   * disconnects are not reported as `closedEarly` (which means the client left).
   */
  hangUp(): void;
}

/** An exchange plus the server-side switch used when the whole server closes. */
export interface OpenExchange extends Exchange {
  /** Marks the exchange as ended by the server (before its socket is destroyed). */
  markEndedByServer(): void;
}

/**
 * Records a request and wires up `closedEarly` and `done`.
 *
 * @param shutdown aborts when the server closes
 * @param onClose called once the response is over either way
 */
export function openExchange(
  request: IncomingMessage,
  response: ServerResponse,
  shutdown: AbortSignal,
  onClose: (exchange: OpenExchange) => void,
): OpenExchange {
  let resolveDone: () => void = () => undefined;
  const done = new Promise<void>((resolve) => {
    resolveDone = resolve;
  });
  const recorded: RecordedRequest = {
    method: request.method ?? 'GET',
    path: (request.url ?? '/').split('?')[0] ?? '/',
    headers: { ...request.headers },
    body: undefined,
    receivedAt: Date.now(),
    closedEarly: false,
    done,
  };
  const gone = new AbortController();
  let endedByServer = false;
  const exchange: OpenExchange = {
    recorded,
    response,
    signal: AbortSignal.any([gone.signal, shutdown]),
    hangUp() {
      endedByServer = true;
      response.destroy();
    },
    markEndedByServer() {
      endedByServer = true;
    },
  };
  // A reset or refused client makes these streams error; the fake must not crash for it.
  request.on('error', () => undefined);
  response.on('error', () => undefined);
  response.on('close', () => {
    if (!response.writableFinished && !endedByServer) recorded.closedEarly = true;
    gone.abort();
    onClose(exchange);
    resolveDone();
  });
  return exchange;
}
