import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFakeLlmServer, type FakeLlmServer } from '../../../test/fakes/fakeLlmServer';
import { startMainForTests, type MainForTests } from '../../../test/support/mainForTests';
import { sequentialIds, TestClock } from '../../../test/support/testClock';
import type { ProtocolResponse } from '../../shared/protocol';
import type { SessionInfo } from '../../shared/sessions';
import type { OpenOutput, SealedRecord } from '../../shared/vault';

let server: FakeLlmServer;
let main: MainForTests;
let clock: TestClock;

const patient = { age: 60, sex: 'female', chiefComplaint: 'Fever and cough' };
const IDLE_TIMEOUT_MS = 60_000;

beforeEach(async () => {
  server = await startFakeLlmServer();
  clock = new TestClock();
  main = await startMainForTests({
    llmBaseUrl: server.baseURL,
    clock,
    newId: sequentialIds(),
    settings: { sessionIdleTimeoutMs: IDLE_TIMEOUT_MS, sessionAbsoluteTimeoutMs: 4 * IDLE_TIMEOUT_MS, idleLockMinutes: 60 },
  });
});
afterEach(async () => {
  await main.close();
  await server.close();
});

const call = <T>(operation: string, payload?: unknown): Promise<T> => main.callOk<T>(operation, payload);

/** Every record main delivered to the page, every version, in order. */
const delivered = (): SealedRecord[] => main.deliveredRecords();

/** What the page's store holds: the last version of each record, in the order first written. */
function pageStore(): SealedRecord[] {
  const byId = new Map<string, SealedRecord>();
  for (const record of delivered()) byId.set(record.id, record);
  return [...byId.values()];
}

/** The header of a record: everything but its ciphertext, IV, `updatedAt` and version counter (a re-seal moves both). */
function headerOf(record: SealedRecord): Record<string, unknown> {
  const { iv: _iv, ct: _ct, updatedAt: _updatedAt, ...header } = record;
  if ('rv' in header) delete (header as { rv?: number }).rv;
  return header;
}

/** A record's version counter (0 for format v1). */
const versionOf = (record: SealedRecord): number => (record.v === 2 ? record.rv : 0);

async function opened(record: SealedRecord): Promise<unknown> {
  const { results } = await call<OpenOutput>('vault.open', { records: [record] });
  expect(results[0]).toMatchObject({ ok: true });
  return results[0]!.ok ? results[0]!.payload : null;
}

type Message = { role: string; content: string };
const lastPrompt = (): string[] => (server.chatRequests().at(-1)?.body as { messages: Message[] }).messages.map((message) => message.content);

/** A session whose latest turn was answered, then regenerated; then it left memory (idle) and came back from history. */
async function regeneratedThenResumed(): Promise<{ first: ProtocolResponse; regenerated: ProtocolResponse; info: SessionInfo }> {
  server.queueReply('Answer A.', 'Answer B.');
  const first = await call<ProtocolResponse>('protocol.generate', { patient });
  clock.advance(1_000);
  const regenerated = await call<ProtocolResponse>('protocol.regenerate', { sessionId: first.sessionId, turnId: first.turnId });
  clock.advance(IDLE_TIMEOUT_MS);
  expect(await main.call('protocol.generate', { sessionId: first.sessionId, message: 'x' })).toMatchObject({ ok: false, error: { code: 'SESSION_NOT_FOUND' } });
  const info = await call<SessionInfo>('sessions.resume', { records: pageStore() });
  return { first, regenerated, info };
}

describe('resuming a session whose latest turn has regenerated answers', () => {
  it('restores every sibling: switching back to the older answer re-seals it exactly as before the session expired', async () => {
    const { first, regenerated, info } = await regeneratedThenResumed();
    expect(info).toMatchObject({ sessionId: first.sessionId, conversationCount: 1 });
    const originalA = pageStore().find((record) => record.id === first.turnId)!;
    const newestB = pageStore().find((record) => record.id === regenerated.turnId)!;
    const originalPayload = await opened(originalA);

    clock.advance(1_000);
    const before = delivered().length;
    expect(await call('protocol.selectAnswer', { sessionId: first.sessionId, turnId: first.turnId })).toEqual({ turnId: first.turnId });
    const resealed = delivered()
      .slice(before)
      .filter((record) => record.id === first.turnId);
    expect(resealed).toHaveLength(1);
    // The same record as first sealed — seq, parent, status, when it was asked, and its payload — only newer than B,
    // so history (review, and the next resume) takes it.
    expect(headerOf(resealed[0]!)).toEqual(headerOf(originalA));
    expect(versionOf(resealed[0]!)).toBeGreaterThan(versionOf(originalA));
    expect(resealed[0]!.updatedAt > newestB.updatedAt).toBe(true);
    expect(await opened(resealed[0]!)).toEqual(originalPayload);
    // The copy it replaced is now an older version: main refuses it as rolled back rather than show it as history.
    const { results } = await call<OpenOutput>('vault.open', { records: [originalA] });
    expect(results[0]).toMatchObject({ ok: false, reason: 'rolled-back' });

    server.queueReply('Follow-up answer.');
    const next = await call<ProtocolResponse>('protocol.generate', { sessionId: first.sessionId, message: 'SpO2 88%' });
    expect(next).toMatchObject({ seq: 2, protocol: 'Follow-up answer.' });
    expect(lastPrompt()).toContain('Answer A.');
    expect(lastPrompt()).not.toContain('Answer B.');
  });

  it('switches back and forth after a resume, and a regenerated answer joins the restored siblings', async () => {
    const { first, regenerated } = await regeneratedThenResumed();
    await call('protocol.selectAnswer', { sessionId: first.sessionId, turnId: first.turnId });
    clock.advance(1_000);
    const before = delivered().length;
    // Back to B: it too is re-sealed with its own parent (A), as before the session expired.
    await call('protocol.selectAnswer', { sessionId: first.sessionId, turnId: regenerated.turnId });
    const resealedB = delivered()
      .slice(before)
      .filter((record) => record.id === regenerated.turnId);
    expect(resealedB.map((record) => [record.seq, record.parentTurnId, record.status])).toEqual([[1, first.turnId, 'complete']]);

    server.queueReply('Answer C.');
    const third = await call<ProtocolResponse>('protocol.regenerate', { sessionId: first.sessionId, turnId: regenerated.turnId });
    expect(third).toMatchObject({ seq: 1, protocol: 'Answer C.', metadata: { conversationCount: 1 } });
    // Any of the three can be chosen; the follow-up builds on the one chosen.
    for (const turnId of [first.turnId, regenerated.turnId, third.turnId]) {
      expect(await call('protocol.selectAnswer', { sessionId: first.sessionId, turnId })).toEqual({ turnId });
    }
    await call('protocol.selectAnswer', { sessionId: first.sessionId, turnId: first.turnId });
    server.queueReply('Follow-up answer.');
    await call<ProtocolResponse>('protocol.generate', { sessionId: first.sessionId, message: 'next' });
    expect(lastPrompt()).toContain('Answer A.');
    expect(lastPrompt()).not.toContain('Answer B.');
    expect(lastPrompt()).not.toContain('Answer C.');
  });

  it('resumes on the answer history shows (the newest), and an earlier turn’s answer cannot be chosen', async () => {
    server.queueReply('First.', 'Second A.', 'Second B.');
    const first = await call<ProtocolResponse>('protocol.generate', { patient });
    clock.advance(1_000);
    const second = await call<ProtocolResponse>('protocol.generate', { sessionId: first.sessionId, message: 'more' });
    clock.advance(1_000);
    await call<ProtocolResponse>('protocol.regenerate', { sessionId: first.sessionId, turnId: second.turnId });
    clock.advance(IDLE_TIMEOUT_MS);
    expect(await call<SessionInfo>('sessions.resume', { records: pageStore() })).toMatchObject({ conversationCount: 2 });

    expect(await main.call('protocol.selectAnswer', { sessionId: first.sessionId, turnId: first.turnId })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_INPUT' },
    });
    server.queueReply('Third.');
    await call<ProtocolResponse>('protocol.generate', { sessionId: first.sessionId, message: 'and now' });
    expect(lastPrompt()).toContain('Second B.');
    expect(lastPrompt()).not.toContain('Second A.');
  });
});
