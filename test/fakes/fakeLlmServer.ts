/**
 * A fake of a vLLM server's OpenAI-compatible API for unit tests, end-to-end
 * tests and UI work. It answers from a script (queued replies and faults) and
 * never pretends to be a model. It binds 127.0.0.1 only.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { handleChatCompletion, type ChatScript } from './chatCompletions.js';
import { openExchange, type OpenExchange } from './exchange.js';
import { parseJson, readBody, sendError } from './http.js';
import { handleHealth, handleModels, handleTokenize } from './infoRoutes.js';
import { scriptedDefaultReply } from './defaultReply.js';
import type { Fault, FakeLlmServer, FakeLlmServerOptions, FakeModel, RecordedRequest, Reply } from './types.js';

export type { Fault, FakeLlmServer, FakeLlmServerOptions, FakeModel, RecordedRequest, Reply } from './types.js';
export { estimateTokens } from './estimateTokens.js';

/** The model served when no `models` option is given. */
export const DEFAULT_FAKE_MODEL: Readonly<FakeModel> = Object.freeze({ id: 'fake-clinical-model', maxModelLen: 8192 });

/** The only address the fake listens on: the machine has no network beyond loopback. */
const HOST = '127.0.0.1';

const CHAT_PATH = '/v1/chat/completions';

/**
 * Starts a fake OpenAI-compatible server on 127.0.0.1.
 *
 * @example
 * const server = await startFakeLlmServer();
 * server.queueReply('Hello');
 * const client = new OpenAI({ baseURL: server.baseURL, apiKey: 'test' });
 */
export async function startFakeLlmServer(options: FakeLlmServerOptions = {}): Promise<FakeLlmServer> {
  const models: readonly FakeModel[] = options.models ?? [{ ...DEFAULT_FAKE_MODEL }];
  if (models.length === 0) throw new Error('startFakeLlmServer: `models` must not be empty.');
  const requests: RecordedRequest[] = [];
  const replies: Reply[] = [];
  const faults: Fault[] = [];
  let answered = 0;
  let chunkDelayMs = checkDelay(options.chunkDelayMs ?? 0);
  const shutdown = new AbortController();
  const sockets = new Set<Socket>();
  const inFlight = new Set<OpenExchange>();
  const modelsCreated = Math.floor(Date.now() / 1000);

  const chatScript: ChatScript = {
    models,
    takeFault: () => faults.shift(),
    takeReply: () => replies.shift() ?? options.defaultReply ?? scriptedDefaultReply(answered),
    countAnswer: () => (answered += 1),
    chunkDelayMs: () => chunkDelayMs,
  };

  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const exchange = openExchange(request, response, shutdown.signal, (ended) => inFlight.delete(ended));
    inFlight.add(exchange);
    requests.push(exchange.recorded);
    const { method, path } = exchange.recorded;
    try {
      exchange.recorded.body = parseJson(await readBody(request));
      if (method === 'POST' && path === CHAT_PATH) await handleChatCompletion(exchange, chatScript);
      else if (method === 'GET' && path === '/v1/models') handleModels(response, models, modelsCreated);
      else if (method === 'GET' && path === '/health') handleHealth(response);
      else if (method === 'POST' && path === '/tokenize') handleTokenize(response, exchange.recorded.body, models);
      else sendError(response, 404, 'Not Found');
    } catch (error) {
      // A bug in the fake should fail the test loudly, not hang it.
      if (!response.headersSent) sendError(response, 500, `Test server error: ${String(error)}`);
      else exchange.hangUp();
    }
  };

  const server = createServer({ noDelay: true }, (request, response) => void handle(request, response));
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.on('clientError', (_error, socket) => socket.destroy());
  const port = await listen(server, options.port ?? 0);
  const url = `http://${HOST}:${port}`;

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= new Promise<void>((resolve) => {
      shutdown.abort();
      for (const exchange of inFlight) exchange.markEndedByServer();
      server.close(() => resolve());
      // server.close() alone would wait for hanging and streaming responses.
      for (const socket of sockets) socket.destroy();
      server.closeAllConnections();
    });
    return closing;
  };

  return {
    url,
    baseURL: `${url}/v1`,
    port,
    get requests() {
      return requests;
    },
    chatRequests: () => requests.filter((request) => request.method === 'POST' && request.path === CHAT_PATH),
    queueReply: (...queued) => {
      replies.push(...queued);
    },
    failNext: (fault, times = 1) => {
      for (let index = 0; index < times; index += 1) faults.push(fault);
    },
    setChunkDelay: (ms) => {
      chunkDelayMs = checkDelay(ms);
    },
    reset: () => {
      requests.length = 0;
      replies.length = 0;
      faults.length = 0;
      answered = 0;
    },
    close,
  };
}

function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port, host: HOST }, () => {
      server.off('error', reject);
      const address = server.address();
      if (address === null || typeof address === 'string') reject(new Error('Unexpected server address.'));
      else resolve(address.port);
    });
  });
}

function checkDelay(ms: number): number {
  if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`Chunk delay must be a non-negative number of ms, got ${ms}.`);
  return ms;
}
