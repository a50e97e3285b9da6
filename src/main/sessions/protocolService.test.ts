import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFakeLlmServer, type FakeLlmServer } from '../../../test/fakes/fakeLlmServer';
import { sequentialIds, TestClock } from '../../../test/support/testClock';
import type { EventName, EventPayload } from '../../shared/contract';
import { AppError } from '../../shared/errors';
import { GenerateInput } from '../../shared/protocol';
import { createOpenAiLlmClient } from '../llm/openaiLlmClient';
import { silentLogger } from '../logging/logger';
import { ProtocolService, type TurnCaller } from './protocolService';
import { SessionRegistry } from './sessionRegistry';

let server: FakeLlmServer;
let clock: TestClock;
let registry: SessionRegistry;
let service: ProtocolService;

beforeEach(async () => {
  server = await startFakeLlmServer();
  clock = new TestClock();
  const newId = sequentialIds();
  registry = new SessionRegistry(clock, newId);
  const llm = createOpenAiLlmClient({ baseURL: server.baseURL, apiKey: '', fetch: globalThis.fetch, timeoutMs: 5_000, maxRetries: 0 });
  service = new ProtocolService({
    registry,
    llm,
    resolveModel: async () => 'fake-clinical-model',
    generation: { temperature: 0.2, maxOutputTokens: 512 },
    clock,
    newId,
    logger: silentLogger,
  });
});
afterEach(() => server.close());

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
  return service.generate(GenerateInput.parse(input), turnCaller);
}

function chatMessages(index: number): { role: string; content: string }[] {
  return (server.chatRequests()[index]?.body as { messages: { role: string; content: string }[] }).messages;
}

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
      metadata: { model: 'fake-clinical-model', temperature: 0.2, maxTokens: 512, conversationCount: 1, endpoint: server.baseURL },
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
    const second = await generate({ sessionId: first.sessionId, message: 'Chest X-ray shows bilateral infiltrates' });
    const third = await generate({ sessionId: first.sessionId, message: 'Hypoxic, SpO2 88% on room air', patient: { vitals: { spo2: 88 } } });

    expect(third.metadata.conversationCount).toBe(3);
    expect(second.seq).toBe(2);
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

  it('never creates a session for an id it does not know', async () => {
    const unknown = '3f2b8c1e-7d4a-4f6b-9c2d-1e5a7b9c0d3f';
    await expect(generate({ sessionId: unknown, message: 'hello' })).rejects.toMatchObject({ code: 'SESSION_NOT_FOUND' });
    expect(registry.size).toBe(0);
    expect(server.chatRequests()).toHaveLength(0);
  });

  it('refuses another owner’s session', async () => {
    const first = await generate({ patient: feverPatient });
    await expect(generate({ sessionId: first.sessionId, message: 'x' }, caller('someone-else').turnCaller)).rejects.toMatchObject({ code: 'FORBIDDEN' });
  });

  it('answers SESSION_BUSY to a second turn while one runs, and frees the session afterwards', async () => {
    const first = await generate({ patient: feverPatient });
    server.setChunkDelay(20);
    const running = generate({ sessionId: first.sessionId, message: 'first follow-up' });
    await new Promise((resolve) => setImmediate(resolve));
    await expect(generate({ sessionId: first.sessionId, message: 'second follow-up' })).rejects.toMatchObject({ code: 'SESSION_BUSY' });
    await running;
    server.setChunkDelay(0);
    await expect(generate({ sessionId: first.sessionId, message: 'third follow-up' })).resolves.toMatchObject({ seq: 3 });
  });

  it('forgets a session whose first turn failed, and sends nothing more', async () => {
    server.failNext({ kind: 'status', status: 500 });
    await expect(generate({ patient: feverPatient })).rejects.toBeInstanceOf(AppError);
    expect(registry.size).toBe(0);
  });

  it('keeps the session and applies no patient update when a follow-up fails', async () => {
    const first = await generate({ patient: feverPatient });
    server.failNext({ kind: 'refuse' });
    await expect(generate({ sessionId: first.sessionId, message: 'x', patient: { weightKg: 95 } })).rejects.toMatchObject({ code: 'LLM_UNAVAILABLE' });
    const retried = await generate({ sessionId: first.sessionId, message: 'x' });
    expect(retried).toMatchObject({ seq: 2, patientSummary: { weightKg: 80 } });
  });

  it('cancels a running turn: partial answer kept, marked incomplete, session free again', async () => {
    const first = await generate({ patient: feverPatient });
    server.setChunkDelay(20);
    server.queueReply('a b c d e f g h i j k l m n o p');
    const { turnCaller, events } = caller();
    const running = generate({ sessionId: first.sessionId, message: 'go on' }, turnCaller);
    await expect.poll(() => events.filter((entry) => entry.event === 'protocol.delta').length).toBeGreaterThan(1);
    expect(service.cancel(first.sessionId, 'local')).toBe(true);
    const cancelled = await running;
    expect(cancelled).toMatchObject({ status: 'incomplete', incompleteReason: 'cancelled' });
    expect('a b c d e f g h i j k l m n o p'.startsWith(cancelled.protocol)).toBe(true);
    expect(service.cancel(first.sessionId, 'local')).toBe(false);
  });

  it('measures inference time on the monotonic clock', async () => {
    server.queueReply(() => {
      clock.advance(1_250);
      return 'timed';
    });
    expect((await generate({ patient: feverPatient })).metadata.inferenceTimeMs).toBe(1_250);
  });
});
