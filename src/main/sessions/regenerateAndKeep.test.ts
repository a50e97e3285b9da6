import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFakeLlmServer, type FakeLlmServer } from '../../../test/fakes/fakeLlmServer';
import { startMainForTests, type MainForTests } from '../../../test/support/mainForTests';
import { sequentialIds, TestClock } from '../../../test/support/testClock';
import type { ProtocolResponse } from '../../shared/protocol';
import type { SessionList } from '../../shared/sessions';
import type { SealedRecord } from '../../shared/vault';

let server: FakeLlmServer;
let main: MainForTests;

const patient = { age: 60, sex: 'female', chiefComplaint: 'Fever and cough' };

beforeEach(async () => {
  server = await startFakeLlmServer();
  main = await startMainForTests({ llmBaseUrl: server.baseURL, clock: new TestClock(), newId: sequentialIds() });
});
afterEach(async () => {
  await main.close();
  await server.close();
});

const call = <T>(operation: string, payload?: unknown): Promise<T> => main.callOk<T>(operation, payload);

/** Every record main delivered to the page, in order. */
const delivered = (): SealedRecord[] => main.deliveredRecords();

type Message = { role: string; content: string };
const messagesOf = (index: number): Message[] => (server.chatRequests()[index]?.body as { messages: Message[] }).messages;

describe('regenerate: a new answer beside the earlier one', () => {
  it('asks again with the same history, records a sibling with parentTurnId, and the follow-up builds on it', async () => {
    server.queueReply('First answer.', 'Second answer.', 'Regenerated second.', 'Third.');
    const first = await call<ProtocolResponse>('protocol.generate', { patient });
    const second = await call<ProtocolResponse>('protocol.generate', { sessionId: first.sessionId, message: 'X-ray: infiltrates' });
    const again = await call<ProtocolResponse>('protocol.regenerate', { sessionId: first.sessionId, turnId: second.turnId });

    expect(again).toMatchObject({ seq: 2, protocol: 'Regenerated second.', metadata: { conversationCount: 2, historyTurnsIncluded: 1 } });
    expect(again.turnId).not.toBe(second.turnId);
    // Same prompt as the answer it redoes: the earlier answer it replaces is not in it.
    expect(messagesOf(2)).toEqual(messagesOf(1));
    const sibling = delivered().filter((record) => record.id === again.turnId);
    expect(sibling.map((record) => [record.kind, record.seq, record.parentTurnId, record.status])).toEqual([['turn', 2, second.turnId, 'complete']]);

    await call<ProtocolResponse>('protocol.generate', { sessionId: first.sessionId, message: 'SpO2 88%' });
    // After the system message and the first request: the regenerated answer, not the one it replaced.
    expect(messagesOf(3).map((message) => message.content).slice(2)).toEqual(['First answer.', 'X-ray: infiltrates', 'Regenerated second.', 'SpO2 88%']);
  });

  it('switching back to the earlier answer makes the follow-up build on it, and re-seals it as the newest', async () => {
    server.queueReply('Answer A.', 'Answer B.', 'Follow-up answer.');
    const first = await call<ProtocolResponse>('protocol.generate', { patient });
    const regenerated = await call<ProtocolResponse>('protocol.regenerate', { sessionId: first.sessionId, turnId: first.turnId });
    expect(regenerated).toMatchObject({ seq: 1, protocol: 'Answer B.' });
    const before = delivered().length;
    expect(await call('protocol.selectAnswer', { sessionId: first.sessionId, turnId: first.turnId })).toEqual({ turnId: first.turnId });
    const resealed = delivered().slice(before).find((record) => record.id === first.turnId);
    const original = delivered().filter((record) => record.id === first.turnId).at(-2)!;
    expect(resealed!.updatedAt >= original.updatedAt).toBe(true);

    await call('protocol.generate', { sessionId: first.sessionId, message: 'next' });
    expect(messagesOf(2).map((message) => message.content)).toContain('Answer A.');
    expect(messagesOf(2).map((message) => message.content)).not.toContain('Answer B.');
  });

  it('refuses to regenerate any but the latest turn, and says so', async () => {
    const first = await call<ProtocolResponse>('protocol.generate', { patient });
    await call<ProtocolResponse>('protocol.generate', { sessionId: first.sessionId, message: 'more' });
    const result = await main.call('protocol.regenerate', { sessionId: first.sessionId, turnId: first.turnId });
    expect(result).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT', message: expect.stringContaining('Only the latest answer') } });
    expect(await main.call('protocol.selectAnswer', { sessionId: first.sessionId, turnId: first.turnId })).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    expect(await main.call('protocol.regenerate', { sessionId: first.sessionId, turnId: 'not-an-id' })).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
  });

  it('a failed regenerate records nothing and leaves the live answer as it was', async () => {
    server.queueReply('Kept answer.', 'Next.');
    const first = await call<ProtocolResponse>('protocol.generate', { patient });
    const before = delivered().length;
    server.failNext({ kind: 'status', status: 500 });
    expect(await main.call('protocol.regenerate', { sessionId: first.sessionId, turnId: first.turnId })).toMatchObject({ ok: false });
    expect(delivered()).toHaveLength(before);
    await call('protocol.generate', { sessionId: first.sessionId, message: 'next' });
    expect(messagesOf(server.chatRequests().length - 1).map((message) => message.content)).toContain('Kept answer.');
  });
});

describe('do not keep: a session the patient declined storage for', () => {
  it('seals and delivers nothing, creates no session key, still asks the model, and lists no such session', async () => {
    server.queueReply('Answer one.', 'Answer two.');
    const first = await call<ProtocolResponse>('protocol.generate', { patient, doNotKeep: true });
    const next = await call<ProtocolResponse>('protocol.generate', { sessionId: first.sessionId, message: 'follow-up' });
    await call<ProtocolResponse>('protocol.regenerate', { sessionId: first.sessionId, turnId: next.turnId });
    expect(next).toMatchObject({ seq: 2, protocol: 'Answer two.' });
    expect(server.chatRequests()).toHaveLength(3);
    expect(delivered()).toEqual([]);
    expect(await call<SessionList>('sessions.list')).toEqual({ count: 0, sessions: [] });
    for (const file of await readdir(main.dataDir)) {
      // An atomic write's temp file (the audit log's, still settling from sign-in) may be renamed away meanwhile.
      const text = await readFile(join(main.dataDir, file), 'latin1').catch((error: NodeJS.ErrnoException) => {
        if (error.code === 'ENOENT' && file.endsWith('.tmp')) return '';
        throw error;
      });
      expect(text, file).not.toContain(first.sessionId);
    }
  });

  it('is chosen on the first turn only', async () => {
    const first = await call<ProtocolResponse>('protocol.generate', { patient });
    expect(await main.call('protocol.generate', { sessionId: first.sessionId, message: 'x', doNotKeep: true })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_INPUT' },
    });
  });
});
