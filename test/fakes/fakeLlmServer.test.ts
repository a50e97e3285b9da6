import OpenAI, {
  APIConnectionError,
  APIConnectionTimeoutError,
  BadRequestError,
  InternalServerError,
  NotFoundError,
  RateLimitError,
} from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import { clinicalDemoReply, SCRIPTED_ANSWER_NOTICE } from './clinicalScript.js';
import { estimateTokens, startFakeLlmServer, type FakeLlmServer, type FakeLlmServerOptions } from './fakeLlmServer.js';

const servers: FakeLlmServer[] = [];

afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function start(options?: FakeLlmServerOptions): Promise<FakeLlmServer> {
  const server = await startFakeLlmServer(options);
  servers.push(server);
  return server;
}

function clientFor(server: FakeLlmServer, options: { timeout?: number; maxRetries?: number } = {}): OpenAI {
  // logLevel 'off' keeps the SDK's own logging of malformed chunks out of the test output.
  return new OpenAI({
    baseURL: server.baseURL,
    apiKey: 'test',
    maxRetries: options.maxRetries ?? 0,
    timeout: options.timeout ?? 5000,
    logLevel: 'off',
  });
}

const MODEL = 'fake-clinical-model';
const question = [{ role: 'user' as const, content: 'Fake patient: 60 y, fever and cough.' }];

/** Streams a chat completion and collects what the client saw, including a thrown error. */
async function collectStream(client: OpenAI, extra: { signal?: AbortSignal; onDelta?: (count: number) => void } = {}) {
  const deltas: string[] = [];
  const chunks: OpenAI.ChatCompletionChunk[] = [];
  let error: unknown;
  try {
    const stream = await client.chat.completions.create(
      { model: MODEL, messages: question, stream: true, stream_options: { include_usage: true } },
      { signal: extra.signal },
    );
    for await (const chunk of stream) {
      chunks.push(chunk);
      const content = chunk.choices[0]?.delta.content;
      if (content) {
        deltas.push(content);
        extra.onDelta?.(deltas.length);
      }
    }
  } catch (caught) {
    error = caught;
  }
  return { deltas, chunks, error };
}

/** Reads a raw response body until it ends or breaks, keeping what arrived. */
async function readRaw(response: Response): Promise<{ text: string; broke: boolean }> {
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let text = '';
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return { text, broke: false };
      text += decoder.decode(value, { stream: true });
    }
  } catch {
    return { text, broke: true };
  }
}

function postChat(server: FakeLlmServer, body: unknown): Promise<Response> {
  return fetch(`${server.baseURL}/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

describe('startFakeLlmServer', () => {
  it('listens on 127.0.0.1 with an ephemeral port by default', async () => {
    const server = await start();
    expect(server.port).toBeGreaterThan(0);
    expect(server.url).toBe(`http://127.0.0.1:${server.port}`);
    expect(server.baseURL).toBe(`${server.url}/v1`);
  });

  describe('chat completions', () => {
    it('streams deltas that concatenate to the queued reply, then usage when asked', async () => {
      const server = await start();
      const reply = '  **Step 1**: check  SpO2.\n\n2. Reassess — café ✓ ';
      server.queueReply(reply);
      const { deltas, chunks, error } = await collectStream(clientFor(server));

      expect(error).toBeUndefined();
      expect(deltas.length).toBeGreaterThan(3);
      expect(deltas.join('')).toBe(reply);
      expect(chunks[0]?.choices[0]?.delta).toEqual({ role: 'assistant', content: '' });
      for (const chunk of chunks) {
        expect(chunk.object).toBe('chat.completion.chunk');
        expect(chunk.model).toBe(MODEL);
        expect(chunk.id).toBe(chunks[0]?.id);
      }
      const finish = chunks.at(-2);
      expect(finish?.choices[0]?.finish_reason).toBe('stop');
      const last = chunks.at(-1);
      expect(last?.choices).toEqual([]);
      const completionTokens = estimateTokens(reply);
      const promptTokens = estimateTokens(question);
      expect(last?.usage).toEqual({
        prompt_tokens: promptTokens,
        completion_tokens: completionTokens,
        total_tokens: promptTokens + completionTokens,
      });
    });

    it('sends no usage chunk unless asked, and ends with [DONE]', async () => {
      const server = await start();
      server.queueReply('one two');
      const response = await postChat(server, { model: MODEL, messages: question, stream: true });
      expect(response.headers.get('content-type')).toBe('text/event-stream');
      const { text, broke } = await readRaw(response);
      expect(broke).toBe(false);
      expect(text).not.toContain('"usage"');
      expect(text.endsWith('data: [DONE]\n\n')).toBe(true);
    });

    it('answers without streaming', async () => {
      const server = await start();
      server.queueReply('Give oxygen.');
      const completion = await clientFor(server).chat.completions.create({ model: MODEL, messages: question });
      expect(completion.object).toBe('chat.completion');
      expect(completion.model).toBe(MODEL);
      expect(completion.choices[0]?.message).toMatchObject({ role: 'assistant', content: 'Give oxygen.' });
      expect(completion.choices[0]?.finish_reason).toBe('stop');
      expect(completion.usage).toEqual({
        prompt_tokens: estimateTokens(question),
        completion_tokens: estimateTokens('Give oxygen.'),
        total_tokens: estimateTokens(question) + estimateTokens('Give oxygen.'),
      });
    });

    it('truncates to max_tokens and reports finish_reason length', async () => {
      const server = await start();
      server.queueReply('aaaa bbbb cccc', 'aaaa bbbb cccc');
      const client = clientFor(server);
      const plain = await client.chat.completions.create({ model: MODEL, messages: question, max_tokens: 2 });
      expect(plain.choices[0]?.message.content).toBe('aaaa bbb');
      expect(plain.choices[0]?.finish_reason).toBe('length');
      expect(plain.usage?.completion_tokens).toBe(2);

      const stream = await client.chat.completions.create({
        model: MODEL,
        messages: question,
        max_completion_tokens: 2,
        stream: true,
      });
      let text = '';
      let finish: string | null | undefined;
      for await (const chunk of stream) {
        text += chunk.choices[0]?.delta.content ?? '';
        finish = chunk.choices[0]?.finish_reason ?? finish;
      }
      expect(text).toBe('aaaa bbb');
      expect(finish).toBe('length');
    });

    it('uses queued replies in order, then a default reply that never echoes the prompt', async () => {
      const server = await start();
      server.queueReply('first', (request) => `second saw ${server.requests.indexOf(request)}`);
      const client = clientFor(server);
      const ask = async (messages: OpenAI.ChatCompletionMessageParam[]) =>
        (await client.chat.completions.create({ model: MODEL, messages })).choices[0]?.message.content;

      expect(await ask(question)).toBe('first');
      expect(await ask(question)).toBe('second saw 1');
      const third = await ask([{ role: 'system', content: 'Be brief.' }, ...question]);
      expect(third).toBe('Scripted reply #3 from the test server (not a model). It received 2 messages.');
      expect(third).not.toContain('fever');
    });

    it('records requests with their bodies', async () => {
      const server = await start();
      await clientFor(server).chat.completions.create({ model: MODEL, messages: question, temperature: 0.2 });
      await fetch(`${server.url}/health`);

      expect(server.requests.map((request) => `${request.method} ${request.path}`)).toEqual([
        'POST /v1/chat/completions',
        'GET /health',
      ]);
      const [chat] = server.chatRequests();
      expect(server.chatRequests()).toHaveLength(1);
      expect(chat?.body).toMatchObject({ model: MODEL, messages: question, temperature: 0.2 });
      expect(chat?.headers['authorization']).toBe('Bearer test');
      expect(chat?.closedEarly).toBe(false);
      await expect(chat?.done).resolves.toBeUndefined();
      expect(server.requests[1]?.body).toBeUndefined();
    });

    it('answers 404 in OpenAI shape for an unknown model and 400 for invalid JSON', async () => {
      const server = await start();
      const error = await clientFor(server)
        .chat.completions.create({ model: 'no-such-model', messages: question })
        .catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(NotFoundError);
      expect((error as NotFoundError).message).toContain('The model `no-such-model` does not exist.');

      const invalid = await postChat(server, '{"model": ');
      expect(invalid.status).toBe(400);
      expect(await invalid.json()).toMatchObject({ error: { type: 'BadRequestError', code: 400 } });
      expect(server.chatRequests()[1]?.body).toBeUndefined();
    });

    it("answers 400 with vLLM's message when the prompt exceeds the context window", async () => {
      const server = await start({ models: [{ id: 'tiny', maxModelLen: 50 }] });
      const messages = [{ role: 'user' as const, content: 'x'.repeat(180) }]; // 45 + 4 = 49 tokens
      const error = await clientFor(server)
        .chat.completions.create({ model: 'tiny', messages, max_tokens: 10 })
        .catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(BadRequestError);
      const expected =
        "This model's maximum context length is 50 tokens. However, you requested 59 tokens " +
        '(49 in the messages, 10 in the completion). Please reduce the length of the messages or completion.';
      expect((error as BadRequestError).error).toMatchObject({ message: expected, type: 'BadRequestError' });
      expect(server.chatRequests()).toHaveLength(1);
    });
  });

  describe('other routes', () => {
    it('lists models with max_model_len', async () => {
      const server = await start({ models: [{ id: 'a', maxModelLen: 4096 }, { id: 'b' }] });
      const page = await clientFor(server).models.list();
      expect(page.data.map((model) => model.id)).toEqual(['a', 'b']);
      const body = (await (await fetch(`${server.baseURL}/models`)).json()) as unknown;
      expect(body).toMatchObject({
        object: 'list',
        data: [
          { id: 'a', object: 'model', owned_by: 'fake-llm', max_model_len: 4096 },
          { id: 'b', object: 'model', owned_by: 'fake-llm', max_model_len: null },
        ],
      });
    });

    it('answers /health with 200 and an empty body', async () => {
      const server = await start();
      const response = await fetch(`${server.url}/health`);
      expect(response.status).toBe(200);
      expect(await response.text()).toBe('');
    });

    it('tokenizes prompts and messages with estimateTokens', async () => {
      const server = await start();
      const tokenize = async (body: unknown) =>
        (await fetch(`${server.url}/tokenize`, { method: 'POST', body: JSON.stringify(body) })).json();

      expect(await tokenize({ model: MODEL, prompt: 'hello' })).toEqual({
        count: 2,
        max_model_len: 8192,
        tokens: [1000, 1001],
      });
      const counted = (await tokenize({ model: MODEL, messages: question, add_generation_prompt: true })) as {
        count: number;
        tokens: number[];
      };
      expect(counted.count).toBe(estimateTokens(question));
      expect(counted.tokens).toHaveLength(counted.count);
      expect(counted.tokens.every(Number.isInteger)).toBe(true);
    });

    it('answers 404 to anything else', async () => {
      const server = await start();
      expect((await fetch(`${server.url}/v1/completions`, { method: 'POST', body: '{}' })).status).toBe(404);
      expect((await fetch(`${server.baseURL}/chat/completions`)).status).toBe(404);
      expect(server.requests).toHaveLength(2);
    });
  });

  describe('faults', () => {
    it('refuse: the client gets a connection error', async () => {
      const server = await start();
      server.failNext({ kind: 'refuse' });
      const error = await clientFor(server)
        .chat.completions.create({ model: MODEL, messages: question })
        .catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(APIConnectionError);
      expect(server.chatRequests()[0]?.closedEarly).toBe(false);
    });

    it('status 429 with a Retry-After header', async () => {
      const server = await start();
      server.failNext({ kind: 'status', status: 429, retryAfterSeconds: 7, message: 'Slow down.' });
      const error = await clientFor(server)
        .chat.completions.create({ model: MODEL, messages: question })
        .catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(RateLimitError);
      expect((error as RateLimitError).headers?.get('retry-after')).toBe('7');
      expect((error as RateLimitError).error).toMatchObject({ message: 'Slow down.', type: 'RateLimitError' });
    });

    it('status 503 without Retry-After', async () => {
      const server = await start();
      server.failNext({ kind: 'status', status: 503 }, 2);
      const error = await clientFor(server)
        .chat.completions.create({ model: MODEL, messages: question })
        .catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(InternalServerError);
      expect((error as InternalServerError).status).toBe(503);

      const response = await postChat(server, { model: MODEL, messages: question });
      expect(response.status).toBe(503);
      expect(response.headers.get('retry-after')).toBeNull();
      expect(await response.json()).toEqual({
        error: {
          message: 'Scripted HTTP 503 from the test server.',
          type: 'ServiceUnavailableError',
          param: null,
          code: 503,
        },
      });
      // Both faults are used up: the next request is answered.
      expect((await postChat(server, { model: MODEL, messages: question })).status).toBe(200);
    });

    it('faults apply `times` requests in FIFO order and do not consume replies', async () => {
      const server = await start();
      server.failNext({ kind: 'status', status: 500 }, 2);
      server.failNext({ kind: 'status', status: 429, retryAfterSeconds: 0 });
      server.queueReply('after the faults');
      const statuses: number[] = [];
      for (let attempt = 0; attempt < 4; attempt += 1) {
        statuses.push((await postChat(server, { model: MODEL, messages: question })).status);
      }
      expect(statuses).toEqual([500, 500, 429, 200]);
      expect((await (await postChat(server, { model: MODEL, messages: question })).json()) as unknown).toMatchObject({
        choices: [{ message: { content: 'Scripted reply #2 from the test server (not a model). It received 1 messages.' } }],
      });
    });

    it('lets a retrying client get through after a 503', async () => {
      const server = await start();
      server.failNext({ kind: 'status', status: 503, retryAfterSeconds: 0 });
      server.queueReply('recovered');
      const completion = await clientFor(server, { maxRetries: 1 }).chat.completions.create({
        model: MODEL,
        messages: question,
      });
      expect(completion.choices[0]?.message.content).toBe('recovered');
      expect(server.chatRequests()).toHaveLength(2);
    });

    it('cutAfter: exactly k content deltas, then an error and no [DONE]', async () => {
      const server = await start();
      server.queueReply('one two three four five', 'one two three four five');
      server.failNext({ kind: 'cutAfter', chunks: 2 }, 2);

      const viaSdk = await collectStream(clientFor(server));
      expect(viaSdk.deltas).toEqual(['one ', 'two ']);
      expect(viaSdk.chunks.some((chunk) => chunk.choices[0]?.finish_reason)).toBe(false);

      const raw = await readRaw(await postChat(server, { model: MODEL, messages: question, stream: true }));
      expect(raw.broke).toBe(true);
      expect(raw.text).not.toContain('[DONE]');
      expect(raw.text.match(/"content":"[^"]+"/g)).toEqual(['"content":"one "', '"content":"two "']);
      expect(server.chatRequests().every((request) => !request.closedEarly)).toBe(true);
    });

    it('malformedChunk: the SDK throws after k deltas', async () => {
      const server = await start();
      server.queueReply('one two three', 'one two three');
      server.failNext({ kind: 'malformedChunk', afterChunks: 1 }, 2);

      const { deltas, error } = await collectStream(clientFor(server));
      expect(deltas).toEqual(['one ']);
      expect(error).toBeInstanceOf(SyntaxError);

      // A tolerant reader sees the bad event, then the rest of the stream.
      const raw = await readRaw(await postChat(server, { model: MODEL, messages: question, stream: true }));
      expect(raw.text).toContain('"content":"one "}');
      expect(raw.text).toContain('\n\ndata: {not json\n\n');
      expect(raw.text.endsWith('data: [DONE]\n\n')).toBe(true);
    });

    it('delay: answers normally after the delay', async () => {
      const server = await start();
      server.failNext({ kind: 'delay', ms: 150 });
      server.queueReply('late but fine');
      const started = performance.now();
      const completion = await clientFor(server).chat.completions.create({ model: MODEL, messages: question });
      expect(performance.now() - started).toBeGreaterThanOrEqual(140);
      expect(completion.choices[0]?.message.content).toBe('late but fine');
    });

    it('hang: never answers; the client times out and the server sees it leave', async () => {
      const server = await start();
      server.failNext({ kind: 'hang' });
      const error = await clientFor(server, { timeout: 150 })
        .chat.completions.create({ model: MODEL, messages: question })
        .catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(APIConnectionTimeoutError);
      const [request] = server.chatRequests();
      await request?.done;
      expect(request?.closedEarly).toBe(true);
    });

    it('hang: close() ends the hanging request and resolves', async () => {
      const server = await start();
      server.failNext({ kind: 'hang' });
      const pending = postChat(server, { model: MODEL, messages: question }).catch((caught: unknown) => caught);
      await expect.poll(() => server.chatRequests().length).toBe(1);
      await server.close();
      expect(await pending).toBeInstanceOf(TypeError); // fetch failed
      await server.chatRequests()[0]?.done;
      expect(server.chatRequests()[0]?.closedEarly).toBe(false);
    });
  });

  it('sees an aborted stream as closedEarly', async () => {
    const server = await start({ chunkDelayMs: 20 });
    server.queueReply(Array.from({ length: 100 }, (_, index) => `word${index}`).join(' '));
    const controller = new AbortController();
    const { deltas, error } = await collectStream(clientFor(server), {
      signal: controller.signal,
      onDelta: () => controller.abort(),
    });
    expect(error).toBeUndefined(); // the SDK ends an aborted stream quietly
    expect(deltas).toHaveLength(1);
    const [request] = server.chatRequests();
    await request?.done;
    expect(request?.closedEarly).toBe(true);
  });

  it('reset clears requests, replies and faults', async () => {
    const server = await start();
    server.queueReply('stale');
    server.failNext({ kind: 'refuse' });
    await fetch(`${server.url}/health`);
    server.reset();
    expect(server.requests).toHaveLength(0);
    const completion = await clientFor(server).chat.completions.create({ model: MODEL, messages: question });
    expect(completion.choices[0]?.message.content).toBe(
      'Scripted reply #1 from the test server (not a model). It received 1 messages.',
    );
  });

  it('serves the clinical demo script by number of user turns', async () => {
    const server = await start({ defaultReply: clinicalDemoReply });
    const client = clientFor(server);
    const first = await client.chat.completions.create({ model: MODEL, messages: question });
    const second = await client.chat.completions.create({
      model: MODEL,
      messages: [...question, { role: 'assistant', content: 'ok' }, { role: 'user', content: 'X-ray result' }],
    });
    const texts = [first, second].map((completion) => completion.choices[0]?.message.content ?? '');
    expect(texts.every((text) => text.startsWith(SCRIPTED_ANSWER_NOTICE))).toBe(true);
    expect(texts[0]).not.toBe(texts[1]);
    expect(texts[1]).toContain('bilateral infiltrates');
  });
});
