import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { generateKeyPairSync } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFakeLlmServer, type FakeLlmServer } from '../../test/fakes/fakeLlmServer';
import { startMainForTests, TEST_PASSPHRASE, type MainForTests } from '../../test/support/mainForTests';
import { sequentialIds, TestClock } from '../../test/support/testClock';
import { AUDIT_LOG_FILE } from './audit/auditFiles';
import { channelOf } from '../shared/contract';
import type { ProtocolResponse } from '../shared/protocol';
import type { SessionInfo } from '../shared/sessions';
import type { SettingsLayer } from '../shared/settings';
import type { RecordDelivery, SealedRecord } from '../shared/vault';

let server: FakeLlmServer;
let main: MainForTests;
let clock: TestClock;

async function start(settings: SettingsLayer): Promise<void> {
  clock = new TestClock();
  main = await startMainForTests({ llmBaseUrl: server.baseURL, clock, newId: sequentialIds(), settings });
}

const patient = { age: 60, sex: 'female', chiefComplaint: 'Fever' };

beforeEach(async () => {
  server = await startFakeLlmServer();
});
afterEach(async () => {
  await main.close();
  await server.close();
});

describe('main services take their limits from configuration (check 12)', () => {
  it('expires a session after the configured idle timeout, and sessions.get says it expired', async () => {
    await start({ sessionIdleTimeoutMs: 60_000, sessionAbsoluteTimeoutMs: 120_000, idleLockMinutes: 60 });
    const first = await main.call<ProtocolResponse>('protocol.generate', { patient });
    if (!first.ok) throw new Error(first.error.message);
    clock.advance(60_000);
    const info = await main.call<SessionInfo>('sessions.get', { sessionId: first.data.sessionId });
    expect(info).toMatchObject({ ok: true, data: { state: 'expired', conversationCount: 1 } });
    const followUp = await main.call('protocol.generate', { sessionId: first.data.sessionId, message: 'x' });
    expect(followUp).toMatchObject({ ok: false, error: { code: 'SESSION_NOT_FOUND' } });
  });

  it('evicts at the configured cap', async () => {
    await start({ maxLiveSessions: 2 });
    for (let index = 0; index < 3; index += 1) {
      await main.call('protocol.generate', { patient });
      clock.advance(1);
    }
    expect(await main.call('sessions.list')).toMatchObject({ ok: true, data: { count: 2 } });
  });

  it('streams deltas to the calling page before the call resolves, in order', async () => {
    await start({});
    server.queueReply('one two three');
    const result = await main.call<ProtocolResponse>('protocol.generate', { patient });
    const deltas = main.transport.sent.filter((event) => event.channel === channelOf('protocol.delta')).map((event) => (event.payload as { delta: string }).delta);
    expect(deltas.join('')).toBe('one two three');
    expect(result).toMatchObject({ ok: true, data: { protocol: 'one two three' } });
  });
});

describe('the vault behind a turn', () => {
  it('delivers sealed records to the page, the clinician’s message before the model is asked, none readable', async () => {
    await start({});
    server.queueReply('Canary-answer-7788 protocol');
    const result = await main.call<ProtocolResponse>('protocol.generate', { patient: { ...patient, chiefComplaint: 'Canary-complaint-5566' } });
    expect(result.ok).toBe(true);
    const records = main.deliveredRecords();
    expect(records.map((record) => [record.kind, record.status])).toEqual([
      ['session', 'pending'],
      ['turn', 'pending'],
      ['session', 'complete'],
      ['turn', 'complete'],
    ]);
    const serialized = JSON.stringify(records);
    expect(serialized).not.toContain('Canary-complaint-5566');
    expect(serialized).not.toContain('Canary-answer-7788');
    const opened = await main.call<{ results: { ok: boolean; payload?: { answerText?: string; title?: string } }[] }>('vault.open', { records: records.slice(2) });
    expect(opened).toMatchObject({
      ok: true,
      data: { results: [{ ok: true, payload: { title: 'Canary-complaint-5566' } }, { ok: true, payload: { answerText: 'Canary-answer-7788 protocol' } }] },
    });
  });

  it('answers LOCKED to data calls once the clinician locks, and opens nothing', async () => {
    await start({});
    const first = await main.call<ProtocolResponse>('protocol.generate', { patient });
    expect(first.ok).toBe(true);
    await main.call('auth.lock');
    expect(await main.call('sessions.list')).toMatchObject({ ok: false, error: { code: 'LOCKED' } });
    expect(await main.call('protocol.generate', { patient })).toMatchObject({ ok: false, error: { code: 'LOCKED' } });
    expect(await main.call('auth.state')).toMatchObject({ ok: true, data: { state: 'locked', reason: 'manual' } });
  });
});

describe('resuming a session from its sealed records', () => {
  it('rebuilds an expired session from the page’s records, and the next follow-up carries the whole history', async () => {
    await start({ sessionIdleTimeoutMs: 60_000, sessionAbsoluteTimeoutMs: 120_000, idleLockMinutes: 60 });
    server.queueReply('First answer.');
    const first = await main.call<ProtocolResponse>('protocol.generate', { patient });
    if (!first.ok) throw new Error(first.error.message);
    const stored = new Map<string, SealedRecord>();
    for (const event of main.transport.sent) {
      if (event.channel === channelOf('vault.record')) for (const record of (event.payload as RecordDelivery).records) stored.set(record.id, record);
    }
    clock.advance(60_000);
    expect(await main.call('protocol.generate', { sessionId: first.data.sessionId, message: 'x' })).toMatchObject({ ok: false, error: { code: 'SESSION_NOT_FOUND' } });

    const resumed = await main.call<SessionInfo>('sessions.resume', { records: [...stored.values()] });
    expect(resumed).toMatchObject({ ok: true, data: { sessionId: first.data.sessionId, conversationCount: 1, state: 'idle' } });
    server.queueReply('Second answer.');
    const next = await main.call<ProtocolResponse>('protocol.generate', { sessionId: first.data.sessionId, message: 'And now?' });
    expect(next).toMatchObject({ ok: true, data: { seq: 2 } });
    const messages = (server.chatRequests().at(-1)?.body as { messages: { role: string; content: string }[] }).messages;
    expect(messages.map((message) => message.content).slice(1)).toEqual(['Suggest an initial clinical protocol for this patient.', 'First answer.', 'And now?']);
  });

  it('refuses a history with its oldest turns left out when the page sent fewer records than it may (a turn hidden)', async () => {
    await start({ sessionIdleTimeoutMs: 60_000, sessionAbsoluteTimeoutMs: 120_000, idleLockMinutes: 60 });
    server.queueReply('One.', 'Two.', 'Three.');
    const first = await main.callOk<ProtocolResponse>('protocol.generate', { patient });
    await main.callOk('protocol.generate', { sessionId: first.sessionId, message: 'Second?' });
    await main.callOk('protocol.generate', { sessionId: first.sessionId, message: 'Third?' });
    const newest = new Map<string, SealedRecord>();
    for (const record of main.deliveredRecords()) newest.set(record.id, record);
    // Only a page that had to cut a very long session (2,000 records) may leave its oldest turns out.
    const trimmed = [...newest.values()].filter((record) => record.kind === 'session' || record.seq === 3);
    clock.advance(60_000);
    expect(await main.call('sessions.resume', { records: trimmed })).toMatchObject({ ok: false, error: { code: 'HISTORY_INTEGRITY' } });
    expect(await main.call('sessions.resume', { records: [...newest.values()] })).toMatchObject({ ok: true });
    server.queueReply('Four.');
    expect(await main.call('protocol.generate', { sessionId: first.sessionId, message: 'Fourth?' })).toMatchObject({ ok: true, data: { seq: 4 } });
  });

  it('refuses records that main did not seal (a forged or tampered record does not open)', async () => {
    await start({ sessionIdleTimeoutMs: 60_000, sessionAbsoluteTimeoutMs: 120_000, idleLockMinutes: 60 });
    const first = await main.call<ProtocolResponse>('protocol.generate', { patient });
    if (!first.ok) throw new Error(first.error.message);
    const records = main.deliveredRecords();
    const session = records.find((record) => record.kind === 'session')!;
    const forged = { ...session, ct: Buffer.from('{"patient":{"age":1}}').toString('base64') };
    clock.advance(60_000);
    expect(await main.call('sessions.resume', { records: [forged] })).toMatchObject({ ok: false, error: { code: 'HISTORY_INTEGRITY' } });
  });

  it('a record whose ciphertext is not base64 fails alone (malformed); the rest of the batch opens', async () => {
    await start({});
    const first = await main.call<ProtocolResponse>('protocol.generate', { patient });
    if (!first.ok) throw new Error(first.error.message);
    const records = main.deliveredRecords();
    const latest = records.slice(2);
    const damaged = { ...latest[1]!, ct: `${latest[1]!.ct.slice(0, 8)}*not base64*` };
    const opened = await main.call<{ results: { id: string; ok: boolean; reason?: string }[] }>('vault.open', { records: [latest[0], damaged] });
    expect(opened.ok && opened.data.results.map((result) => [result.ok, result.reason])).toEqual([
      [true, undefined],
      [false, 'malformed'],
    ]);
  });

  it('deleting a session crypto-shreds it: its records never open again', async () => {
    await start({});
    const first = await main.call<ProtocolResponse>('protocol.generate', { patient });
    if (!first.ok) throw new Error(first.error.message);
    const records = main.deliveredRecords();
    expect(await main.call('sessions.delete', { sessionId: first.data.sessionId })).toEqual({ ok: true, data: { deleted: true } });
    const opened = await main.call<{ results: { ok: boolean; reason?: string }[] }>('vault.open', { records });
    // Shredded on purpose (the key store lists it), so the page may delete the rows — never "key not here".
    expect(opened.ok && opened.data.results.every((result) => !result.ok && result.reason === 'shredded')).toBe(true);
  });
});

describe('search', () => {
  it('finds the clinician’s opened history in memory, and forgets it on lock', async () => {
    await start({});
    server.queueReply('Consider pulmonary embolism; CT angiography.');
    const first = await main.call<ProtocolResponse>('protocol.generate', { patient: { ...patient, chiefComplaint: 'Pleuritic chest pain' } });
    if (!first.ok) throw new Error(first.error.message);
    const records = main.deliveredRecords();
    await main.call('vault.open', { records: records.slice(2) });
    expect(await main.call('vault.search', { query: 'embol' })).toMatchObject({
      ok: true,
      data: { hits: [{ sessionId: first.data.sessionId }], indexedSessions: 1 },
    });
    await main.call('auth.lock');
    const profiles = await main.call<{ profiles: { profileId: string }[] }>('auth.listProfiles');
    const profileId = profiles.ok ? profiles.data.profiles[0]?.profileId : undefined;
    expect(await main.call('auth.unlock', { profileId, passphrase: TEST_PASSPHRASE })).toMatchObject({ ok: true });
    expect(await main.call('vault.search', { query: 'embol' })).toEqual({ ok: true, data: { hits: [], indexedSessions: 0 } });
  });
  it('indexes sealed history after unlock without handing any plaintext back; a tampered record is named, the rest is found', async () => {
    await start({});
    server.queueReply('Consider pulmonary embolism; CT angiography.');
    const first = await main.call<ProtocolResponse>('protocol.generate', { patient: { ...patient, chiefComplaint: 'Pleuritic chest pain' } });
    if (!first.ok) throw new Error(first.error.message);
    const records = main.deliveredRecords();
    const latest = records.slice(2);
    // A lock drops the index; the page's pass after the unlock rebuilds it from the stored records.
    await main.call('auth.lock');
    const profiles = await main.call<{ profiles: { profileId: string }[] }>('auth.listProfiles');
    const profileId = profiles.ok ? profiles.data.profiles[0]?.profileId : undefined;
    await main.call('auth.unlock', { profileId, passphrase: TEST_PASSPHRASE });
    const turn = latest.find((record) => record.kind === 'turn')!;
    const tampered = { ...turn, id: '0b7e1f52-6a3c-4d8e-9f10-2a4b6c8d0e1f', ct: `${turn.ct.slice(0, -8)}AAAAAAA=` };
    const indexed = await main.call('vault.index', { records: [...latest, tampered] });
    expect(indexed).toEqual({ ok: true, data: { indexed: latest.length, failures: [{ id: tampered.id, ok: false, reason: 'tampered' }] } });
    expect(JSON.stringify(indexed)).not.toMatch(/embolism|Pleuritic/);
    expect(await main.call('vault.search', { query: 'embol' })).toMatchObject({ ok: true, data: { hits: [{ sessionId: first.data.sessionId }], indexedSessions: 1 } });
  });
});

describe('IT removes a departed clinician', () => {
  it('removes the profile and shreds its history; its records never open again', async () => {
    await start({});
    const first = await main.call<ProtocolResponse>('protocol.generate', { patient });
    if (!first.ok) throw new Error(first.error.message);
    const profiles = await main.call<{ profiles: { profileId: string }[] }>('auth.listProfiles');
    const profileId = profiles.ok ? (profiles.data.profiles[0]?.profileId as string) : '';
    // What sync keeps for the profile (its outbox of sealed items) goes with it.
    const syncFolder = join(main.dataDir, 'sync', profileId);
    await mkdir(syncFolder, { recursive: true });
    await writeFile(join(syncFolder, 'outbox.jsonl'), '{}\n');
    expect(await main.services.removeProfile(profileId)).toBe(1);
    await expect(readFile(join(syncFolder, 'outbox.jsonl'))).rejects.toMatchObject({ code: 'ENOENT' });
    expect(await main.call('auth.listProfiles')).toMatchObject({ ok: true, data: { profiles: [] } });
    expect(await main.call('auth.state')).toMatchObject({ ok: true, data: { state: 'locked', reason: 'removed' } });
  });
});

describe('IT recovers a forgotten passphrase', () => {
  it('with the recovery private key sets a new passphrase; the history stays readable and the old passphrase no longer works', async () => {
    const { publicKey, privateKey } = generateKeyPairSync('rsa', {
      modulusLength: 2048,
      publicKeyEncoding: { type: 'spki', format: 'pem' },
      privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    });
    await start({ recoveryPublicKey: publicKey });
    const first = await main.call<ProtocolResponse>('protocol.generate', { patient });
    if (!first.ok) throw new Error(first.error.message);
    const records = main.deliveredRecords();
    const profiles = await main.call<{ profiles: { profileId: string }[] }>('auth.listProfiles');
    const profileId = profiles.ok ? (profiles.data.profiles[0]?.profileId as string) : '';
    await main.call('auth.lock');

    await main.services.recoverProfile(profileId, privateKey, 'a brand new passphrase for the ward');
    // IT's reset is in the audit trail, naming the profile only.
    const auditLines = (await readFile(join(main.dataDir, AUDIT_LOG_FILE), 'utf8')).trim().split('\n').map((line) => JSON.parse(line) as { action: string; profileId: string | null });
    expect(auditLines.at(-1)).toMatchObject({ action: 'profile.recovered', profileId });
    // A wrong passphrase is answered after a delay on main's clock: move the test clock until it answers.
    let settled = false;
    const wrong = main.call('auth.unlock', { profileId, passphrase: TEST_PASSPHRASE }).finally(() => (settled = true));
    while (!settled) {
      clock.advance(250);
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(await wrong).toMatchObject({ ok: false });
    expect(await main.call('auth.unlock', { profileId, passphrase: 'a brand new passphrase for the ward' })).toMatchObject({ ok: true });
    const opened = await main.call<{ results: { ok: boolean }[] }>('vault.open', { records: records.slice(2) });
    expect(opened.ok && opened.data.results.every((result) => result.ok)).toBe(true);
  });
});
