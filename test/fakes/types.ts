/**
 * Public types of the fake OpenAI-compatible server. They live apart from the
 * server so the helper modules can share them without importing the server.
 */

/** A model the server claims to serve. */
export interface FakeModel {
  id: string;
  /** Context window in tokens (prompt + completion); omit to disable the overflow check. */
  maxModelLen?: number;
}

/** One HTTP request as the server received it. */
export interface RecordedRequest {
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  /** Parsed JSON body, or undefined when empty or not JSON. */
  body: unknown;
  /** Date.now() when the request arrived. */
  receivedAt: number;
  /** true once the client closed the connection before the response finished (e.g. a cancelled stream) */
  closedEarly: boolean;
  /** resolves when the response has finished or the client went away */
  done: Promise<void>;
}

/** A scripted failure for the next chat completion request. */
export type Fault =
  /** Destroy the socket without answering. */
  | { kind: 'refuse' }
  /** Wait before sending headers, then answer normally. */
  | { kind: 'delay'; ms: number }
  /** Accept, never answer (until the client or the server closes). */
  | { kind: 'hang' }
  /** JSON error body in OpenAI shape; Retry-After header when given. */
  | { kind: 'status'; status: number; retryAfterSeconds?: number; message?: string }
  /** Stream k content chunks then destroy the socket (no [DONE]). */
  | { kind: 'cutAfter'; chunks: number }
  /** After k content chunks send `data: {not json`, then continue the stream normally. */
  | { kind: 'malformedChunk'; afterChunks: number };

/** A scripted answer: fixed text, or text computed from the request. */
export type Reply = string | ((request: RecordedRequest) => string);

/** Options of `startFakeLlmServer`. */
export interface FakeLlmServerOptions {
  /** Port on 127.0.0.1; default 0 (ephemeral). */
  port?: number;
  /** Default [{ id: 'fake-clinical-model', maxModelLen: 8192 }]. */
  models?: FakeModel[];
  /** Delay between streamed chunks; default 0. */
  chunkDelayMs?: number;
  /** Used when the reply queue is empty. */
  defaultReply?: Reply;
}

/** A running fake server. */
export interface FakeLlmServer {
  /** http://127.0.0.1:<port> */
  readonly url: string;
  /** url + '/v1', what the OpenAI SDK takes as baseURL. */
  readonly baseURL: string;
  readonly port: number;
  /** Every request received, in order. */
  readonly requests: readonly RecordedRequest[];
  /** Only POST /v1/chat/completions. */
  chatRequests(): RecordedRequest[];
  /** FIFO script of answers for chat completions. */
  queueReply(...replies: Reply[]): void;
  /** The next `times` (default 1) chat completion requests suffer the fault (FIFO with other queued faults). */
  failNext(fault: Fault, times?: number): void;
  setChunkDelay(ms: number): void;
  /** Clear recorded requests, replies, faults and the answer counter. */
  reset(): void;
  /** Closes all sockets too; resolves when closed. */
  close(): Promise<void>;
}
