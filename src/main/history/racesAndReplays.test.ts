import { describe, expect, it, vi } from 'vitest';
import { FakeSecretStorage } from '../../../test/fakes/fakeSecretStorage';
import { TEST_PASSPHRASE } from '../../../test/support/mainForTests';
import { mainTestBed } from '../../../test/support/mainTestBed';
import { appCaller } from '../../../test/support/memoryTransport';
import type { AuthState } from '../../shared/auth';
import { channelOf } from '../../shared/contract';
import type { ProtocolResponse } from '../../shared/protocol';
import type { OpenOutput, SealedRecord, SearchOutput } from '../../shared/vault';

/**
 * Races between a running turn, a delete, a resume, a lock and a second clinician, and replays of stored records —
 * each found by a hostile review and kept here so it stays fixed.
 */

let storage: FakeSecretStorage;
const bed = mainTestBed({ secretStorage: () => (storage = new FakeSecretStorage()) });
const patient = { age: 40, sex: 'male', chiefComplaint: 'Crushing chest pain' };

/** The newest version of each record the page was sent. */
function newestStored(sessionId?: string): SealedRecord[] {
  const newest = new Map<string, SealedRecord>();
  for (const record of bed.main.deliveredRecords()) if (sessionId === undefined || record.sessionId === sessionId) newest.set(record.id, record);
  return [...newest.values()];
}

async function relock(): Promise<string> {
  const { profileId } = await bed.main.callOk<AuthState>('auth.state');
  await bed.main.callOk('auth.lock');
  await bed.main.callOk('auth.unlock', { profileId, passphrase: TEST_PASSPHRASE });
  return profileId!;
}

describe('races', () => {
  it('a delete arriving while the first message creates the session key: the key is destroyed, nothing is sealed', async () => {
    const { transport } = bed.main;
    const send = transport.sendTo.bind(transport);
    let deleting: Promise<unknown> | null = null;
    transport.sendTo = (senderId, channel, payload) => {
      if (channel === channelOf('protocol.turnStarted') && deleting === null) {
        const { sessionId } = payload as { sessionId: string };
        queueMicrotask(() => (deleting = transport.call(channelOf('sessions.delete'), appCaller('1'), { sessionId })));
      }
      return send(senderId, channel, payload);
    };
    const turn = await bed.main.call('protocol.generate', { patient });
    expect(turn).toMatchObject({ ok: false, error: { code: 'SESSION_NOT_FOUND' } });
    expect(await deleting).toEqual({ ok: true, data: { deleted: true } });
    expect(bed.main.deliveredRecords()).toEqual([]);
    expect(bed.server.chatRequests()).toEqual([]);
  });

  it('a resume racing a delete never brings the session back, and a regenerate sends nothing to the model', async () => {
    const first = await bed.main.callOk<ProtocolResponse>('protocol.generate', { patient });
    await relock();
    const resume = bed.main.call('sessions.resume', { records: newestStored(first.sessionId) });
    const deleted = bed.main.call('sessions.delete', { sessionId: first.sessionId });
    await Promise.all([resume, deleted]);
    expect(await deleted).toEqual({ ok: true, data: { deleted: true } });
    expect(await bed.main.callOk<{ count: number }>('sessions.list')).toMatchObject({ count: 0 });
    const asked = bed.server.chatRequests().length;
    expect((await bed.main.call('protocol.regenerate', { sessionId: first.sessionId, turnId: first.turnId })).ok).toBe(false);
    expect(bed.server.chatRequests().length).toBe(asked);
  });

  it('open, index, resume and export running when the profile locks answer LOCKED and leave nothing in memory', async () => {
    const first = await bed.main.callOk<ProtocolResponse>('protocol.generate', { patient });
    await relock();
    const records = newestStored(first.sessionId);
    // The session key is cached: nothing in these calls waits for an unwrap the lock would stop.
    await bed.main.callOk('vault.open', { records });
    const calls = [
      bed.main.call('sessions.resume', { records }),
      bed.main.call('vault.index', { records }),
      bed.main.call('vault.open', { records }),
      bed.main.call('sessions.export', { format: 'markdown', records }),
    ];
    const locking = bed.main.call('auth.lock');
    for (const result of await Promise.all(calls)) expect(result).toMatchObject({ ok: false, error: { code: 'LOCKED' } });
    await locking;
    const { profiles } = await bed.main.callOk<{ profiles: { profileId: string }[] }>('auth.listProfiles');
    await bed.main.callOk('auth.unlock', { profileId: profiles[0]!.profileId, passphrase: TEST_PASSPHRASE });
    expect(await bed.main.callOk<{ count: number }>('sessions.list')).toMatchObject({ count: 0 });
    expect(await bed.main.callOk<SearchOutput>('vault.search', { query: 'chest' })).toEqual({ hits: [], indexedSessions: 0 });
  });

  it('two unlocks at once: a clinician who signed in meanwhile is fully signed out (their answer sealed, LOCKED), never switched away', async () => {
    const a = await bed.main.callOk<AuthState>('auth.state');
    const b = await bed.main.callOk<AuthState>('auth.createProfile', { name: 'Dr B', passphrase: 'violet harbor lantern quietly' });
    await bed.main.callOk('auth.lock');
    // Both asked while nobody is signed in; B's reaches the key store second and is held there.
    let releaseB!: () => void;
    let decrypts = 0;
    const decrypt = storage.decrypt.bind(storage);
    storage.decrypt = async (cipherText) => {
      decrypts += 1;
      if (decrypts === 2) await new Promise<void>((resolve) => (releaseB = resolve));
      return decrypt(cipherText);
    };
    const unlockA = bed.main.call('auth.unlock', { profileId: a.profileId, passphrase: TEST_PASSPHRASE }, '1');
    const unlockB = bed.main.call('auth.unlock', { profileId: b.profileId, passphrase: 'violet harbor lantern quietly' }, '2');
    expect(await unlockA).toMatchObject({ ok: true });
    bed.server.setChunkDelay(20);
    bed.server.queueReply(Array.from({ length: 200 }, (_, index) => `w${index}`).join(' '));
    const turn = bed.main.call('protocol.generate', { patient }, '1');
    await vi.waitFor(() => expect(bed.main.transport.sent.some((event) => event.channel === channelOf('protocol.delta'))).toBe(true), { timeout: 5_000 });
    releaseB();
    expect(await unlockB).toMatchObject({ ok: true, data: { profileId: b.profileId } });
    expect(await turn).toMatchObject({ ok: false, error: { code: 'LOCKED' } });
    const turnVersions = bed.main.deliveredRecords().filter((record) => record.kind === 'turn').map((record) => record.status);
    expect(turnVersions).toEqual(['pending', 'incomplete']);
  });
});

describe('replays and clock steps', () => {
  it('an older copy of a turn, opened alone after sign-in (no manifest yet), is refused as rolled back', async () => {
    const first = await bed.main.callOk<ProtocolResponse>('protocol.generate', { patient });
    const pending = bed.main.deliveredRecords().find((record) => record.kind === 'turn' && record.status === 'pending')!;
    await relock();
    const opened = await bed.main.callOk<OpenOutput>('vault.open', { records: [pending] });
    expect(opened.results).toEqual([{ id: first.turnId, ok: false, reason: 'rolled-back' }]);
  });

  it('filling a resume to 2,000 records with copies does not let the oldest turns be left out', async () => {
    bed.server.queueReply('One.', 'Two.', 'Three.');
    const first = await bed.main.callOk<ProtocolResponse>('protocol.generate', { patient });
    await bed.main.callOk('protocol.generate', { sessionId: first.sessionId, message: 'Allergic to penicillin.' });
    await bed.main.callOk('protocol.generate', { sessionId: first.sessionId, message: 'Third?' });
    const records = newestStored(first.sessionId);
    const kept = records.filter((record) => record.kind === 'session' || record.seq === 3);
    const padded = [...kept, ...Array.from({ length: 2_000 - kept.length }, () => kept[1]!)];
    await relock();
    expect(await bed.main.call('sessions.resume', { records: padded })).toMatchObject({ ok: false, error: { code: 'HISTORY_INTEGRITY' } });
  });

  it('a page that missed one answer (closed mid-answer) and went on: the answer is delivered again, the session resumes and exports', async () => {
    bed.server.setChunkDelay(5);
    bed.server.queueReply('one two three four five six seven eight', 'Second answer.');
    const turn = bed.main.call<ProtocolResponse>('protocol.generate', { patient });
    await vi.waitFor(() => expect(bed.main.transport.sent.some((event) => event.channel === channelOf('protocol.delta'))).toBe(true));
    const storedBefore = newestStored();
    bed.main.transport.storeRecords = false;
    await vi.waitFor(() => expect(bed.main.deliveredRecords().length).toBeGreaterThan(storedBefore.length), { timeout: 5_000 });
    bed.clock.advance(10_000);
    const first = await turn;
    if (!first.ok) throw new Error(first.error.message);
    // The page is back and keeps what it is sent again; the missed answer stays missed in its store.
    bed.main.transport.storeRecords = true;
    const delivered = bed.main.deliveredRecords().length;
    await bed.main.callOk('protocol.generate', { sessionId: first.data.sessionId, message: 'And now?' });
    const sentSince = bed.main.deliveredRecords().slice(delivered);
    // The answer the page missed is delivered again with the next turn's records: it is kept after all.
    expect(sentSince.find((record) => record.id === first.data.turnId)).toMatchObject({ status: 'complete' });
    const holds = new Map<string, SealedRecord>();
    for (const record of [...storedBefore, ...sentSince]) holds.set(record.id, record);
    const exported = await bed.main.callOk<{ content: string }>('sessions.export', { format: 'json', records: [...holds.values()] });
    expect(exported.content).toContain('one two three four five six seven eight');
  });

  it('the answer chosen last is the one a resumed session builds on, even after the wall clock stepped back', async () => {
    bed.server.queueReply('ANSWER_A give drug X');
    const a = await bed.main.callOk<ProtocolResponse>('protocol.generate', { patient });
    bed.clock.advance(60_000);
    bed.server.queueReply('ANSWER_B give drug Y');
    await bed.main.callOk('protocol.regenerate', { sessionId: a.sessionId, turnId: a.turnId });
    bed.clock.jumpWallClock(-2 * 3_600_000);
    await bed.main.callOk('protocol.selectAnswer', { sessionId: a.sessionId, turnId: a.turnId });
    await relock();
    await bed.main.callOk('sessions.resume', { records: newestStored() });
    bed.server.queueReply('ok');
    const asked = bed.server.chatRequests().length;
    await bed.main.callOk('protocol.generate', { sessionId: a.sessionId, message: 'next?' });
    const prompt = JSON.stringify(bed.server.chatRequests().slice(asked));
    expect([prompt.includes('ANSWER_A'), prompt.includes('ANSWER_B')]).toEqual([true, false]);
  });
});
