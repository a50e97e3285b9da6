import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { mainTestBed } from '../../../test/support/mainTestBed';
import { channelOf } from '../../shared/contract';
import type { ProtocolResponse } from '../../shared/protocol';
import type { SearchOutput } from '../../shared/vault';
import { SESSION_KEYS_FILE } from '../vault/sessionKeyFile';

/**
 * Deleted means deleted: after a delete (or retention's shred) nothing of the session can be found, opened, re-keyed
 * or sent to the model — not even by a turn that was still running when it went.
 */
const bed = mainTestBed({ settings: { retentionDays: 7 } });

const patient = { age: 34, sex: 'female', chiefComplaint: 'Itchy rash on both forearms' };
const LONG_ANSWER = Array.from({ length: 400 }, (_, index) => `step${index}`).join(' ');

/** The session ids that have a key in main's key store files (file and journal). */
async function keyedSessions(): Promise<string> {
  const file = await readFile(join(bed.main.dataDir, SESSION_KEYS_FILE), 'utf8').catch(() => '');
  const journal = await readFile(join(bed.main.dataDir, 'session-keys.journal'), 'utf8').catch(() => '');
  return file + journal;
}

/**
 * Starts a turn whose answer streams slowly; resolves once its first words reached the page, with the turn's call
 * (wrapped: an async function returning the promise itself would wait for the whole turn).
 */
async function startStreamingTurn(sessionId?: string): Promise<{ done: ReturnType<typeof bed.main.call<ProtocolResponse>> }> {
  bed.server.setChunkDelay(20);
  bed.server.queueReply(LONG_ANSWER);
  const before = bed.main.transport.sent.length;
  const turn = bed.main.call<ProtocolResponse>('protocol.generate', sessionId ? { sessionId, message: 'and now?' } : { patient });
  await vi.waitFor(() => expect(bed.main.transport.sent.slice(before).some((event) => event.channel === channelOf('protocol.delta'))).toBe(true), { timeout: 5_000 });
  return { done: turn };
}

describe('deleted means deleted', () => {
  it('a deleted session is no longer found by search', async () => {
    const first = await bed.main.callOk<ProtocolResponse>('protocol.generate', { patient });
    expect((await bed.main.callOk<SearchOutput>('vault.search', { query: 'rash' })).hits).toHaveLength(1);
    await bed.main.callOk('sessions.delete', { sessionId: first.sessionId });
    expect(await bed.main.callOk<SearchOutput>('vault.search', { query: 'rash' })).toEqual({ hits: [], indexedSessions: 0 });
  });

  it('a turn still running when its session is deleted is dropped and audited — never sealed under a new key', async () => {
    const first = await bed.main.callOk<ProtocolResponse>('protocol.generate', { patient });
    const running = (await startStreamingTurn(first.sessionId)).done;
    const deliveredBefore = bed.main.deliveredRecords().length;
    await bed.main.callOk('sessions.delete', { sessionId: first.sessionId });
    const ended = await running;
    expect(ended).toMatchObject({ ok: false, error: { code: 'SESSION_NOT_FOUND' } });
    // Nothing of the session was sealed after the delete, and no key exists for it again.
    expect(bed.main.deliveredRecords().slice(deliveredBefore)).toEqual([]);
    const keys = await keyedSessions();
    expect(keys).not.toMatch(new RegExp(`"sessionId":\\s*"${first.sessionId}"[^}]*"wrappedKey"`));
    await vi.waitFor(async () =>
      expect(await bed.main.auditEntries()).toContainEqual(expect.objectContaining({ action: 'session.turn_dropped', objectId: first.sessionId })),
    );
  });

  it('when retention shreds a session that is live in memory, a follow-up cannot send its history to the model', async () => {
    const first = await bed.main.callOk<ProtocolResponse>('protocol.generate', { patient });
    const requestsBefore = bed.server.chatRequests().length;
    // Retention aims its timer once the turn's last-turn time is on disk (queued off the answer's path).
    await vi.waitFor(() => expect(bed.clock.requestedDelays).toContain(7 * 86_400_000));
    bed.clock.advance(8 * 86_400_000);
    await vi.waitFor(async () => expect(await bed.main.auditEntries()).toContainEqual(expect.objectContaining({ action: 'retention.shredded' })));
    const followUp = await bed.main.call('protocol.generate', { sessionId: first.sessionId, message: 'Worse today' });
    expect(followUp).toMatchObject({ ok: false, error: { code: 'SESSION_NOT_FOUND' } });
    expect(bed.server.chatRequests().length).toBe(requestsBefore);
    // Resuming it from the stored records is refused too: its key is gone for good.
    const resumed = await bed.main.call('sessions.resume', { records: bed.main.deliveredRecords().filter((record) => record.sessionId === first.sessionId) });
    expect(resumed).toMatchObject({ ok: false, error: { code: 'SESSION_NOT_FOUND' } });
    expect(await bed.main.callOk<SearchOutput>('vault.search', { query: 'rash' })).toEqual({ hits: [], indexedSessions: 0 });
  });

  it('a turn running when retention shreds its session ends without its answer being kept', async () => {
    const first = await bed.main.callOk<ProtocolResponse>('protocol.generate', { patient });
    const running = (await startStreamingTurn(first.sessionId)).done;
    const deliveredBefore = bed.main.deliveredRecords().length;
    bed.clock.advance(8 * 86_400_000);
    expect(await running).toMatchObject({ ok: false, error: { code: 'SESSION_NOT_FOUND' } });
    expect(bed.main.deliveredRecords().slice(deliveredBefore)).toEqual([]);
  });
});
