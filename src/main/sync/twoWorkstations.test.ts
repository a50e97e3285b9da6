/**
 * Two workstations — main wired as the app wires it, each with its own data folder and OS key store — against one
 * real sync server: what a clinician notices when they move between machines.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startFakeLlmServer, type FakeLlmServer } from '../../../test/fakes/fakeLlmServer';
import { startMainForTests, TEST_PASSPHRASE, type MainForTests } from '../../../test/support/mainForTests';
import { useSyncServer } from '../../../test/support/syncServerBed';
import { TestClock } from '../../../test/support/testClock';
import type { AuthState } from '../../shared/auth';
import type { ProtocolResponse } from '../../shared/protocol';
import type { SyncStatus } from '../../shared/sync/status';
import type { OpenOutput, SealedRecord } from '../../shared/vault';
import { systemClock } from '../core/clock';
import { createSyncClient } from './http/syncClient';
import { deriveClinicKeys } from './identity/clinicKeys';

let llm: FakeLlmServer;
const bed = useSyncServer('cpa-two-workstations-');

beforeAll(async () => {
  llm = await startFakeLlmServer();
}, 120_000);

afterAll(async () => {
  await llm.close();
}, 30_000);

const patient = { age: 71, sex: 'male', chiefComplaint: 'Shortness of breath' };

async function workstation(options: { name?: string; signIn?: boolean; label?: string } = {}): Promise<MainForTests> {
  const main = await startMainForTests({
    llmBaseUrl: llm.baseURL,
    clock: new TestClock(),
    newId: () => randomUUID(),
    settings: { syncServerUrl: bed.server.url, idleLockMinutes: 240, ...(options.label ? { syncWorkstationLabel: options.label } : {}) },
    signIn: options.signIn ?? true,
    ...(options.name ? { profileName: options.name } : {}),
  });
  return bed.track(main);
}

/** Runs `sync.now` until a full cycle succeeded (the first sign-in at unlock runs in the background). */
async function synced(main: MainForTests): Promise<SyncStatus> {
  let status: SyncStatus | null = null;
  await vi.waitFor(
    async () => {
      status = await main.callOk<SyncStatus>('sync.now');
      expect(status.state).toBe('synced');
    },
    { timeout: 20_000, interval: 50 },
  );
  return status!;
}

/** Syncs `main` until `arrived` holds (the key entry of a turn follows its records by a moment). */
async function syncedUntil(main: MainForTests, arrived: () => boolean): Promise<void> {
  await vi.waitFor(
    async () => {
      expect((await main.callOk<SyncStatus>('sync.now')).state).toBe('synced');
      expect(arrived()).toBe(true);
    },
    { timeout: 20_000, interval: 50 },
  );
}

/** The page's store: the newest version of each record delivered. */
function pageStore(main: MainForTests, sessionId: string): SealedRecord[] {
  const byId = new Map<string, SealedRecord>();
  for (const record of main.deliveredRecords()) if (record.sessionId === sessionId) byId.set(record.id, record);
  return [...byId.values()];
}

async function openResults(main: MainForTests, records: SealedRecord[]): Promise<OpenOutput['results']> {
  return (await main.callOk<OpenOutput>('vault.open', { records })).results;
}

describe('sync between two workstations', () => {
  it('follows a clinician: B signs in with the clinic profile, gets the session, continues it; A gets the turn; a delete on B shreds it on A', async () => {
    const name = `Dr Ada ${randomUUID().slice(0, 8)}`;
    const a = await workstation({ name });
    await synced(a);
    llm.queueReply('Oxygen, then a chest X-ray.');
    const first = await a.callOk<ProtocolResponse>('protocol.generate', { patient });
    expect((await synced(a)).pending).toBe(0);

    const b = await workstation({ signIn: false });
    const state = await b.callOk<AuthState>('auth.signInWithClinicProfile', { name, passphrase: TEST_PASSPHRASE });
    const { profileId } = await a.callOk<AuthState>('auth.state');
    expect(state).toMatchObject({ state: 'unlocked', profileId, profileName: name });
    await syncedUntil(b, () => pageStore(b, first.sessionId).length === 2);
    const arrived = pageStore(b, first.sessionId);
    expect(arrived.map((record) => record.kind).sort()).toEqual(['session', 'turn']);
    expect((await openResults(b, arrived)).every((result) => result.ok)).toBe(true);

    await b.callOk('sessions.resume', { records: arrived });
    llm.queueReply('Repeat the blood gas in one hour.');
    const second = await b.callOk<ProtocolResponse>('protocol.generate', { sessionId: first.sessionId, message: 'SpO2 now 91%' });
    expect(second.seq).toBe(2);
    await synced(b);

    await syncedUntil(a, () => pageStore(a, first.sessionId).some((record) => record.id === second.turnId));
    const onA = pageStore(a, first.sessionId);
    const turnFromB = onA.find((record) => record.id === second.turnId);
    expect(turnFromB).toBeDefined();
    const opened = await openResults(a, [turnFromB!]);
    expect(opened[0]).toMatchObject({ ok: true });

    // Back on A: its live copy of the session left memory when B's turn arrived, so A resumes from its page's store
    // (as the renderer does on SESSION_NOT_FOUND) and continues after B's turn — nothing of it is stale on the server.
    expect(await a.call('protocol.generate', { sessionId: first.sessionId, message: 'Chest X-ray done' })).toMatchObject({
      ok: false,
      error: { code: 'SESSION_NOT_FOUND' },
    });
    await a.callOk('sessions.resume', { records: pageStore(a, first.sessionId) });
    llm.queueReply('Admit to the ward.');
    const third = await a.callOk<ProtocolResponse>('protocol.generate', { sessionId: first.sessionId, message: 'Chest X-ray done' });
    expect(third.seq).toBe(3);
    expect(await synced(a)).toMatchObject({ pending: 0 });
    await syncedUntil(b, () => pageStore(b, first.sessionId).some((record) => record.id === third.turnId));

    expect(await b.callOk('sessions.delete', { sessionId: first.sessionId })).toEqual({ deleted: true });
    await synced(b);
    await synced(a);
    const afterDelete = await openResults(a, pageStore(a, first.sessionId));
    expect(afterDelete.every((result) => !result.ok)).toBe(true);
    expect((await a.auditEntries()).some((entry) => entry.action === 'sync.deleted_elsewhere' && entry.objectId === first.sessionId)).toBe(true);
  }, 90_000);

  it("keeps the session on A when the server hands out a tombstone no holder of the clinician's key wrote", async () => {
    const name = `Dr Eve ${randomUUID().slice(0, 8)}`;
    const a = await workstation({ name });
    await synced(a);
    llm.queueReply('Aspirin, then an ECG.');
    const first = await a.callOk<ProtocolResponse>('protocol.generate', { patient });
    await synced(a);

    // Whoever controls the server (or only its database) writes a tombstone: it has no proof sealed with the data key.
    const client = createSyncClient({ serverUrl: bed.server.url, allowInsecureHttp: false, fetch: (url, init) => fetch(url, init), clock: systemClock, timeoutMs: 15_000 });
    const { authKey } = await deriveClinicKeys(TEST_PASSPHRASE, (await client.prelogin({ name })).kdf);
    const { token } = await client.signIn({ name, authKey, workstation: { id: randomUUID(), label: 'Hostile' } });
    await client.session(token).tombstones({ sessions: [{ sessionId: first.sessionId, reason: 'retention', day: '2026-11-25' }] });

    await synced(a);
    const kept = await openResults(a, pageStore(a, first.sessionId));
    expect(kept.length).toBe(2);
    expect(kept.every((result) => result.ok)).toBe(true);
    expect((await a.auditEntries()).some((entry) => entry.action === 'sync.deleted_elsewhere')).toBe(false);
    expect((await a.auditEntries()).some((entry) => entry.action === 'sync.tombstone_refused' && entry.objectId === first.sessionId)).toBe(true);
  }, 90_000);

  it('lets one workstation at a time continue a session: the other hears which workstation has it open, before the model is asked', async () => {
    const name = `Dr Di ${randomUUID().slice(0, 8)}`;
    const a = await workstation({ name, label: 'Triage 1' });
    await synced(a);
    llm.queueReply('Start antibiotics.');
    const first = await a.callOk<ProtocolResponse>('protocol.generate', { patient });
    await synced(a);
    const b = await workstation({ signIn: false, label: 'Exam room 2' });
    await b.callOk('auth.signInWithClinicProfile', { name, passphrase: TEST_PASSPHRASE });
    await syncedUntil(b, () => pageStore(b, first.sessionId).length === 2);
    await b.callOk('sessions.resume', { records: pageStore(b, first.sessionId) });

    // A's follow-up holds the lease while the model server has not answered yet.
    const before = llm.chatRequests().length;
    llm.failNext({ kind: 'hang' });
    const onA = a.call('protocol.generate', { sessionId: first.sessionId, message: 'Allergic to penicillin' });
    try {
      await vi.waitFor(() => expect(llm.chatRequests()).toHaveLength(before + 1), { timeout: 10_000, interval: 20 });
      expect(await b.call('protocol.generate', { sessionId: first.sessionId, message: 'Lactate 4.1' })).toEqual({
        ok: false,
        error: { code: 'SESSION_BUSY', message: 'This session is open on Triage 1.' },
      });
      expect(llm.chatRequests()).toHaveLength(before + 1);
    } finally {
      await a.callOk('protocol.cancel', { sessionId: first.sessionId });
      await onA;
    }
    // A's cancelled turn is part of the session now: B, which had not pulled it, is told to send again from it.
    expect(await b.call('protocol.generate', { sessionId: first.sessionId, message: 'Lactate 4.1' })).toMatchObject({ ok: false, error: { code: 'SESSION_BUSY' } });
    await b.callOk('sessions.resume', { records: pageStore(b, first.sessionId) });
    llm.queueReply('Switch to a macrolide.');
    expect(await b.callOk<ProtocolResponse>('protocol.generate', { sessionId: first.sessionId, message: 'Lactate 4.1' })).toMatchObject({ status: 'complete' });
  }, 90_000);

  it('never builds a turn without the answer another workstation just gave: that answer is on the server before its lease goes, and a send from the older history is refused', async () => {
    const name = `Dr Eve ${randomUUID().slice(0, 8)}`;
    const a = await workstation({ name, label: 'Triage 1' });
    await synced(a);
    llm.queueReply('Start fluids.');
    const first = await a.callOk<ProtocolResponse>('protocol.generate', { patient });
    await synced(a);
    const b = await workstation({ signIn: false, label: 'Exam room 2' });
    await b.callOk('auth.signInWithClinicProfile', { name, passphrase: TEST_PASSPHRASE });
    await syncedUntil(b, () => pageStore(b, first.sessionId).length === 2);
    await b.callOk('sessions.resume', { records: pageStore(b, first.sessionId) });

    llm.queueReply('Give 500 mL of crystalloid over 15 minutes.');
    const onA = await a.callOk<ProtocolResponse>('protocol.generate', { sessionId: first.sessionId, message: 'BP 82/50 now' });
    // No sync on B in between: its history still ends at turn 1 when the clinician sends.
    const refused = await b.call('protocol.generate', { sessionId: first.sessionId, message: 'Lactate 4.1' });
    expect(refused).toMatchObject({ ok: false, error: { code: 'SESSION_BUSY' } });
    expect(pageStore(b, first.sessionId).some((record) => record.id === onA.turnId && record.status === 'complete')).toBe(true);

    await b.callOk('sessions.resume', { records: pageStore(b, first.sessionId) });
    llm.queueReply('Repeat the lactate in two hours.');
    const before = llm.chatRequests().length;
    await b.callOk<ProtocolResponse>('protocol.generate', { sessionId: first.sessionId, message: 'Lactate 4.1' });
    const prompt = JSON.stringify(llm.chatRequests()[before]?.body);
    expect(prompt).toContain('BP 82/50 now');
    expect(prompt).toContain('Give 500 mL of crystalloid over 15 minutes.');
  }, 90_000);

  it('never sends a session the patient declined storage for: another workstation of the clinician receives nothing of it', async () => {
    const name = `Dr Gil ${randomUUID().slice(0, 8)}`;
    const a = await workstation({ name });
    await synced(a);
    llm.queueReply('Unkept answer.', 'Unkept follow-up.');
    const unkept = await a.callOk<ProtocolResponse>('protocol.generate', { patient, doNotKeep: true });
    await a.callOk<ProtocolResponse>('protocol.generate', { sessionId: unkept.sessionId, message: 'more' });
    expect(await synced(a)).toMatchObject({ pending: 0 });
    const b = await workstation({ signIn: false });
    await b.callOk('auth.signInWithClinicProfile', { name, passphrase: TEST_PASSPHRASE });
    await synced(b);
    expect(b.deliveredRecords()).toEqual([]);
  }, 60_000);

  it('refuses a wrong passphrase for a clinic profile as a local unlock does, and leaves the workstation locked', async () => {
    const name = `Dr Bo ${randomUUID().slice(0, 8)}`;
    const a = await workstation({ name });
    await synced(a);
    const b = await workstation({ signIn: false });
    expect(await b.call('auth.signInWithClinicProfile', { name, passphrase: 'not the right passphrase' })).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN' },
    });
    expect(await b.callOk<AuthState>('auth.state')).toMatchObject({ state: 'locked' });
  }, 60_000);

  it('carries a passphrase change to the server: the old passphrase no longer brings the profile to another workstation', async () => {
    const name = `Dr Eve ${randomUUID().slice(0, 8)}`;
    const a = await workstation({ name });
    await synced(a);
    const next = 'seven quiet herons fold maps';
    await a.callOk('auth.changePassphrase', { currentPassphrase: TEST_PASSPHRASE, newPassphrase: next });
    expect(await synced(a)).toMatchObject({ state: 'synced' });
    const b = await workstation({ signIn: false });
    expect(await b.call('auth.signInWithClinicProfile', { name, passphrase: TEST_PASSPHRASE })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(await b.callOk<AuthState>('auth.signInWithClinicProfile', { name, passphrase: next })).toMatchObject({ state: 'unlocked', profileName: name });
  }, 60_000);

  it('stops syncing, and deletes nothing here, when the server says IT removed the profile (its answer is not signed)', async () => {
    const name = `Dr Flo ${randomUUID().slice(0, 8)}`;
    const a = await workstation({ name });
    await synced(a);
    llm.queueReply('Observe.');
    const kept = await a.callOk<ProtocolResponse>('protocol.generate', { patient });
    await synced(a);
    const { profileId } = await a.callOk<AuthState>('auth.state');
    await bed.server.removeProfile(name);
    await a.call('sync.now');
    await vi.waitFor(async () => expect(await a.callOk<{ state: string; message: string | null }>('sync.status')).toMatchObject({ state: 'error' }), {
      timeout: 10_000,
      interval: 50,
    });
    expect((await a.callOk<{ message: string | null }>('sync.status')).message).toContain('IT removed your profile');
    // The clinician is still signed in, the profile is still listed, and the session still opens here.
    expect(await a.callOk<AuthState>('auth.state')).toMatchObject({ state: 'unlocked', profileId });
    const { profiles } = await a.callOk<{ profiles: { profileId: string }[] }>('auth.listProfiles');
    expect(profiles.map((profile) => profile.profileId)).toContain(profileId);
    const opened = await openResults(a, pageStore(a, kept.sessionId));
    expect(opened.length).toBeGreaterThan(0);
    expect(opened.every((result) => result.ok)).toBe(true);
    expect((await a.auditEntries()).some((entry) => entry.action === 'profile.removed')).toBe(false);
  }, 90_000);

  it('keeps working while the server is down, and the outbox drains after it is back', async () => {
    const a = await workstation({ name: `Dr Cy ${randomUUID().slice(0, 8)}` });
    await synced(a);
    await bed.server.stop();
    try {
      llm.queueReply('Fluids and a repeat lactate.');
      const offlineTurn = await a.callOk<ProtocolResponse>('protocol.generate', { patient });
      expect(offlineTurn.status).toBe('complete');
      const offline = await a.callOk<SyncStatus>('sync.now');
      expect(offline).toMatchObject({ state: 'offline' });
      expect(offline.pending).toBeGreaterThan(0);
    } finally {
      await bed.server.restart();
    }
    expect(await synced(a)).toMatchObject({ state: 'synced', pending: 0 });
  }, 90_000);

  it('starts syncing after an unlock made while the server was down, once it is back (the passphrase is not kept)', async () => {
    const a = await workstation({ name: `Dr Hal ${randomUUID().slice(0, 8)}` });
    await synced(a);
    const { profileId } = await a.callOk<AuthState>('auth.state');
    await a.callOk('auth.lock');
    await bed.server.stop();
    try {
      await a.callOk('auth.unlock', { profileId, passphrase: TEST_PASSPHRASE });
      llm.queueReply('Offline answer.');
      await a.callOk<ProtocolResponse>('protocol.generate', { patient });
      await vi.waitFor(async () => expect(await a.callOk<SyncStatus>('sync.status')).toMatchObject({ state: 'offline' }), { timeout: 10_000, interval: 50 });
    } finally {
      await bed.server.restart();
    }
    expect(await synced(a)).toMatchObject({ state: 'synced', pending: 0 });
  }, 90_000);

  it('answers off, and refuses a clinic sign-in, when no sync server is set', async () => {
    const main = bed.track(await startMainForTests({ llmBaseUrl: llm.baseURL, clock: new TestClock(), newId: () => randomUUID() }));
    expect(await main.callOk('sync.now')).toEqual({ state: 'off', pending: 0, lastSyncedAt: null, message: null });
    await main.callOk('auth.lock');
    expect(await main.call('auth.signInWithClinicProfile', { name: 'Dr Test', passphrase: TEST_PASSPHRASE })).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN' },
    });
  });
});
