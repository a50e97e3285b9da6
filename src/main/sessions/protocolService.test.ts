import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFakeLlmServer, type FakeLlmServer } from '../../../test/fakes/fakeLlmServer';
import { createTestEngine, type TestEngineOptions } from '../../../test/support/engine';
import type { EventName, EventPayload } from '../../shared/contract';
import { AppError } from '../../shared/errors';
import { GenerateInput } from '../../shared/protocol';
import type { TurnCaller } from './protocolService';

let server: FakeLlmServer;
let engine: ReturnType<typeof createTestEngine>;

beforeEach(async () => {
  server = await startFakeLlmServer();
  engine = createTestEngine(server);
});
afterEach(async () => {
  engine.gateway.dispose();
  await server.close();
});

function rebuild(options: TestEngineOptions): void {
  engine.gateway.dispose();
  engine = createTestEngine(server, options);
}

function caller(ownerId = 'local', senderId = 'page-1') {
  const events: { event: EventName; payload: unknown }[] = [];
  const turnCaller: TurnCaller = {
    ownerId,
    senderId,
    emit: <E extends EventName>(event: E, payload: EventPayload<E>) => {
      events.push({ event, payload });
      return true;
    },
  };
  return { turnCaller, events };
}

const feverPatient = {
  age: 60,
  sex: 'male' as const,
  chiefComplaint: 'Fever and cough for 3 days',
  weightKg: 80,
  vitals: { heartRate: 102, temperatureC: 38.7, spo2: 95 },
};

function generate(input: unknown, turnCaller = caller().turnCaller) {
  return engine.service.generate(GenerateInput.parse(input), turnCaller);
}

type Message = { role: string; content: string };
function chatMessages(index: number): Message[] {
  return (server.chatRequests()[index]?.body as { messages: Message[] }).messages;
}

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('protocol turns', () => {
  it('opens a session with a UUID v4 minted by main and answers the seed’s response shape', async () => {
    server.queueReply('1. Vitals.\n2. Chest X-ray.');
    const { turnCaller, events } = caller();
    const response = await generate({ patient: feverPatient }, turnCaller);
    expect(response).toMatchObject({
      sessionId: '00000000-0000-4000-8000-000000000001',
      turnId: '00000000-0000-4000-8000-000000000002',
      seq: 1,
      protocol: '1. Vitals.\n2. Chest X-ray.',
      patientSummary: feverPatient,
      metadata: {
        model: 'fake-clinical-model',
        temperature: 0.2,
        maxTokens: 256,
        conversationCount: 1,
        endpoint: server.baseURL,
        historyTurnsIncluded: 0,
        historyTrimmed: false,
      },
      timestamp: '2026-11-25T09:00:00.000Z',
      status: 'complete',
      incompleteReason: null,
    });
    expect(events[0]).toEqual({ event: 'protocol.turnStarted', payload: { sessionId: response.sessionId, turnId: response.turnId, seq: 1 } });
    const deltas = events.filter((entry) => entry.event === 'protocol.delta').map((entry) => entry.payload as { index: number; delta: string });
    expect(deltas.map((delta) => delta.index)).toEqual(deltas.map((_delta, index) => index));
    expect(deltas.map((delta) => delta.delta).join('')).toBe(response.protocol);
  });

  it('sends every earlier turn with each follow-up (seed scenario 1)', async () => {
    server.queueReply('Initial protocol: vitals, chest X-ray, CBC, viral tests.', 'Pneumonia plan.', 'Escalate: oxygen, ICU consult, sepsis screen.');
    const first = await generate({ patient: feverPatient });
    await generate({ sessionId: first.sessionId, message: 'Chest X-ray shows bilateral infiltrates' });
    const third = await generate({ sessionId: first.sessionId, message: 'Hypoxic, SpO2 88% on room air', patient: { vitals: { spo2: 88 } } });

    expect(third.metadata).toMatchObject({ conversationCount: 3, historyTurnsIncluded: 2, historyTrimmed: false });
    const messages = chatMessages(2);
    expect(messages.map((message) => message.role)).toEqual(['system', 'user', 'assistant', 'user', 'assistant', 'user']);
    expect(messages[2]?.content).toBe('Initial protocol: vitals, chest X-ray, CBC, viral tests.');
    expect(messages[3]?.content).toBe('Chest X-ray shows bilateral infiltrates');
    expect(messages[4]?.content).toBe('Pneumonia plan.');
    expect(messages[5]?.content).toBe('(Updated patient details: vitals.)\nHypoxic, SpO2 88% on room air');
    expect(messages[0]?.content).toContain('SpO2 88 %');
    expect(third.patientSummary.vitals).toEqual({ heartRate: 102, temperatureC: 38.7, spo2: 88 });
  });

  it('keeps age, sex, weight and vitals when a follow-up only adds history', async () => {
    const first = await generate({ patient: feverPatient });
    const next = await generate({ sessionId: first.sessionId, message: 'Patient also has diabetes', patient: { pastMedicalHistory: 'Type 2 diabetes' } });
    expect(next.patientSummary).toEqual({ ...feverPatient, pastMedicalHistory: 'Type 2 diabetes' });
  });

  it('never creates a session for an id it does not know (check 11)', async () => {
    await expect(generate({ sessionId: '3f2b8c1e-7d4a-4f6b-9c2d-1e5a7b9c0d3f', message: 'hello' })).rejects.toMatchObject({ code: 'SESSION_NOT_FOUND' });
    expect(engine.store.size).toBe(0);
    expect(server.chatRequests()).toHaveLength(0);
  });

  it('refuses another owner’s session (check 11)', async () => {
    const first = await generate({ patient: feverPatient });
    await expect(generate({ sessionId: first.sessionId, message: 'x' }, caller('someone-else').turnCaller)).rejects.toMatchObject({ code: 'FORBIDDEN' });
  });

  it('answers SESSION_NOT_FOUND saying the session expired after the idle timeout (check 12)', async () => {
    const first = await generate({ patient: feverPatient });
    engine.clock.advance(30 * 60_000);
    await expect(generate({ sessionId: first.sessionId, message: 'x' })).rejects.toThrow('expired after a period without activity');
  });

  it('does not count streaming as activity: idleness runs from the request (check 12)', async () => {
    const first = await generate({ patient: feverPatient });
    engine.clock.advance(29 * 60_000);
    server.queueReply(() => {
      engine.clock.advance(2 * 60_000);
      return 'a slow answer';
    });
    await generate({ sessionId: first.sessionId, message: 'next' });
    // The request came at minute 29; the answer finished at minute 31. Idle expiry is at minute 59.
    engine.clock.advance(27 * 60_000);
    expect(engine.store.size).toBe(1);
    engine.clock.advance(1 * 60_000);
    expect(engine.store.size).toBe(0);
  });

  it('forgets a session whose first turn failed, and keeps one whose follow-up failed, unchanged', async () => {
    server.failNext({ kind: 'status', status: 500 });
    await expect(generate({ patient: feverPatient })).rejects.toBeInstanceOf(AppError);
    expect(engine.store.size).toBe(0);
    const first = await generate({ patient: feverPatient });
    server.failNext({ kind: 'refuse' });
    await expect(generate({ sessionId: first.sessionId, message: 'x', patient: { weightKg: 95 } })).rejects.toMatchObject({ code: 'LLM_UNAVAILABLE' });
    const retried = await generate({ sessionId: first.sessionId, message: 'x' });
    expect(retried).toMatchObject({ seq: 2, patientSummary: { weightKg: 80 } });
  });

  it('cancels a running turn: partial answer kept, marked incomplete, the session free again', async () => {
    const first = await generate({ patient: feverPatient });
    server.setChunkDelay(20);
    server.queueReply('a b c d e f g h i j k l m n o p');
    const { turnCaller, events } = caller();
    const running = generate({ sessionId: first.sessionId, message: 'go on' }, turnCaller);
    await expect.poll(() => events.filter((entry) => entry.event === 'protocol.delta').length).toBeGreaterThan(1);
    expect(engine.service.cancel(first.sessionId, 'local', 'another-page')).toBe(false);
    expect(engine.service.cancel(first.sessionId, 'local', 'page-1')).toBe(true);
    const cancelled = await running;
    expect(cancelled).toMatchObject({ status: 'incomplete', incompleteReason: 'cancelled' });
    expect('a b c d e f g h i j k l m n o p'.startsWith(cancelled.protocol)).toBe(true);
    expect(engine.service.cancel(first.sessionId, 'local', 'page-1')).toBe(false);
    server.setChunkDelay(0);
    await expect(generate({ sessionId: first.sessionId, message: 'again' })).resolves.toMatchObject({ seq: 3 });
  });

  it('measures inference time on the monotonic clock', async () => {
    server.queueReply(() => {
      engine.clock.advance(1_250);
      return 'timed';
    });
    expect((await generate({ patient: feverPatient })).metadata.inferenceTimeMs).toBe(1_250);
  });
});

describe('one turn at a time per session (check 13)', () => {
  it('runs concurrent follow-ups in arrival order, each seeing the answer before it', async () => {
    const first = await generate({ patient: feverPatient });
    server.setChunkDelay(5);
    server.queueReply('answer two', 'answer three', 'answer four');
    const results = await Promise.all(['two', 'three', 'four'].map((message) => generate({ sessionId: first.sessionId, message })));
    expect(results.map((result) => result.seq)).toEqual([2, 3, 4]);
    const last = chatMessages(3).slice(1).map((message) => message.content);
    expect(last.slice(2)).toEqual(['two', 'answer two', 'three', 'answer three', 'four']);
    for (const [index, request] of server.chatRequests().entries()) {
      if (index === 0) continue;
      const previous = server.chatRequests()[index - 1]!;
      await previous.done;
      expect(request.receivedAt).toBeGreaterThanOrEqual(previous.receivedAt);
    }
  });

  it('gives SESSION_BUSY to a turn that waited past its bound, and the lock is still released after', async () => {
    rebuild({ queueWaitMs: 1_000 });
    const first = await generate({ patient: feverPatient });
    server.setChunkDelay(10);
    server.queueReply('slow one two three four five');
    const running = generate({ sessionId: first.sessionId, message: 'first' });
    const waiting = generate({ sessionId: first.sessionId, message: 'second' });
    await tick();
    engine.clock.advance(1_000);
    await expect(waiting).rejects.toMatchObject({ code: 'SESSION_BUSY' });
    await running;
    server.setChunkDelay(0);
    await expect(generate({ sessionId: first.sessionId, message: 'third' })).resolves.toMatchObject({ seq: 3 });
  });

  it('releases the lock after an error and after a timeout', async () => {
    rebuild({ timeoutMs: 1_000 });
    const first = await generate({ patient: feverPatient });
    server.failNext({ kind: 'status', status: 400, message: 'bad request' });
    await expect(generate({ sessionId: first.sessionId, message: 'x' })).rejects.toBeInstanceOf(AppError);
    server.failNext({ kind: 'hang' });
    await expect(generate({ sessionId: first.sessionId, message: 'y' })).rejects.toMatchObject({ code: 'LLM_TIMEOUT' });
    await expect(generate({ sessionId: first.sessionId, message: 'z' })).resolves.toMatchObject({ seq: 2 });
  });

  it('lets other sessions run at once, up to the global limit, first come first served', async () => {
    rebuild({ maxConcurrentModelRequests: 1 });
    server.setChunkDelay(10);
    server.queueReply('one two three four', 'five six seven', 'eight');
    const a = generate({ patient: feverPatient });
    const b = generate({ patient: { ...feverPatient, age: 30 } });
    const c = generate({ patient: { ...feverPatient, age: 40 } });
    await expect.poll(() => server.chatRequests().length).toBe(1);
    expect(engine.limiter.queued).toBe(2);
    const answers = await Promise.all([a, b, c]);
    expect(answers.map((answer) => answer.protocol)).toEqual(['one two three four', 'five six seven', 'eight']);

    rebuild({ maxConcurrentModelRequests: 4 });
    server.queueReply('one two three four', 'five six seven');
    const both = Promise.all([generate({ patient: feverPatient }), generate({ patient: feverPatient })]);
    await expect.poll(() => server.chatRequests().length).toBe(5);
    expect(engine.limiter.inFlight).toBe(2);
    await both;
  });
});

describe('context budget', () => {
  const longText = (label: string, chars: number): string => `${label} ${'clinical detail '.repeat(chars / 16)}`.slice(0, chars);

  it('sends only recent turns once the history outgrows the context, and says so', async () => {
    rebuild({ contextLengthOf: async () => 2_048, maxOutputTokens: 256 });
    let sessionId = '';
    let last;
    for (let turn = 0; turn < 12; turn += 1) {
      server.queueReply(longText(`answer${turn}`, 800));
      last = sessionId
        ? await generate({ sessionId, message: longText(`question${turn}`, 300) })
        : await generate({ patient: feverPatient, message: longText('question0', 300) });
      sessionId = last.sessionId;
    }
    expect(last!.metadata.historyTrimmed).toBe(true);
    expect(last!.metadata.historyTurnsIncluded).toBeLessThan(11);
    const system = chatMessages(11)[0]!.content;
    expect(system).toContain('Earlier turns omitted for length');
    expect(system).toContain('Chief complaint: Fever and cough for 3 days');
  });

  it('shrinks the window and retries once when the server says the context is exceeded', async () => {
    rebuild({ contextLengthOf: async () => 32_768, maxOutputTokens: 256 });
    const first = await generate({ patient: feverPatient, message: longText('q0', 300) });
    for (let turn = 1; turn < 8; turn += 1) {
      server.queueReply(longText(`answer${turn}`, 800));
      await generate({ sessionId: first.sessionId, message: longText(`q${turn}`, 300) });
    }
    server.failNext({ kind: 'status', status: 400, message: "This model's maximum context length is 2048 tokens. However, you requested 3000 tokens." });
    const response = await generate({ sessionId: first.sessionId, message: 'short follow-up' });
    const requests = server.chatRequests();
    const failed = (requests.at(-2)!.body as { messages: Message[] }).messages;
    const retried = (requests.at(-1)!.body as { messages: Message[] }).messages;
    expect(retried.length).toBeLessThan(failed.length);
    expect(response.metadata.historyTrimmed).toBe(true);
  });

  it('reports a message too long for the model without calling it', async () => {
    rebuild({ contextLengthOf: async () => 1_024, maxOutputTokens: 256 });
    await expect(generate({ patient: feverPatient, message: 'x'.repeat(8_000) })).rejects.toMatchObject({ code: 'CONTEXT_TOO_LONG' });
    expect(server.chatRequests()).toHaveLength(0);
  });
});

describe('graceful shutdown', () => {
  it('lets a running turn finish within the grace period and refuses new ones', async () => {
    server.setChunkDelay(5);
    server.queueReply('finishing answer');
    const running = generate({ patient: feverPatient });
    await expect.poll(() => server.chatRequests().length).toBe(1);
    const stopping = engine.service.shutdown(10_000);
    await expect(generate({ patient: feverPatient })).rejects.toThrow('The app is closing');
    await expect(running).resolves.toMatchObject({ status: 'complete', protocol: 'finishing answer' });
    await stopping;
  });

  it('cancels turns still running when the grace period ends, keeping their partial answers', async () => {
    server.setChunkDelay(20);
    server.queueReply('one two three four five six seven eight nine ten');
    const { turnCaller, events } = caller();
    const running = generate({ patient: feverPatient }, turnCaller);
    await expect.poll(() => events.filter((entry) => entry.event === 'protocol.delta').length).toBeGreaterThan(1);
    const stopping = engine.service.shutdown(1_000);
    engine.clock.advance(1_000);
    await stopping;
    await expect(running).resolves.toMatchObject({ status: 'incomplete', incompleteReason: 'cancelled' });
    expect(engine.clock.pendingTimers).toBe(0);
  });
});
