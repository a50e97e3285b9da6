/**
 * Two workstations continue one synced session while the sync server is down (issue 10, "One turn at a time across
 * workstations"): after the reconnect both continuations are kept on both workstations, the session record on the
 * server lists both, nothing waits in an outbox — and the clinician's choice of where to go on decides what the model
 * is told next.
 */
import type { AuthState } from '../../shared/auth';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startFakeLlmServer, type FakeLlmServer } from '../../../test/fakes/fakeLlmServer';
import { startMainForTests, TEST_PASSPHRASE, type MainForTests } from '../../../test/support/mainForTests';
import { useSyncServer } from '../../../test/support/syncServerBed';
import { TestClock } from '../../../test/support/testClock';
import type { ProtocolResponse } from '../../shared/protocol';
import type { SyncStatus } from '../../shared/sync/status';
import type { OpenOutput, SealedRecord, SessionPayload, TurnPayload } from '../../shared/vault';
import { systemClock } from '../core/clock';
import { createSyncClient } from './http/syncClient';
import { deriveClinicKeys } from './identity/clinicKeys';

let llm: FakeLlmServer;
const bed = useSyncServer('cpa-both-offline-');

beforeAll(async () => {
  llm = await startFakeLlmServer();
}, 120_000);

afterAll(async () => {
  await llm.close();
}, 30_000);

const patient = { age: 64, sex: 'female', chiefComplaint: 'Chest pain' };

async function workstation(options: { name?: string; signIn?: boolean; label: string }): Promise<MainForTests> {
  const main = await startMainForTests({
    llmBaseUrl: llm.baseURL,
    clock: new TestClock(),
    newId: () => randomUUID(),
    settings: { syncServerUrl: bed.server.url, idleLockMinutes: 240, syncWorkstationLabel: options.label },
    signIn: options.signIn ?? true,
    syncLiveFeed: false,
    ...(options.name ? { profileName: options.name } : {}),
  });
  return bed.track(main);
}

/** The page's store: the newest version of each record delivered. */
function pageStore(main: MainForTests, sessionId: string): SealedRecord[] {
  const byId = new Map<string, SealedRecord>();
  for (const record of main.deliveredRecords()) {
    if (record.sessionId !== sessionId) continue;
    const known = byId.get(record.id);
    if (!known || (known.v === 2 && record.v === 2 && record.rv >= known.rv)) byId.set(record.id, record);
  }
  return [...byId.values()];
}

async function opened(main: MainForTests, records: SealedRecord[]): Promise<OpenOutput['results']> {
  return (await main.callOk<OpenOutput>('vault.open', { records })).results;
}

/** The session record the page holds, opened by main: its version and the turn ids its manifest lists. */
async function sessionRecordOf(main: MainForTests, sessionId: string): Promise<{ rv: number; turnIds: string[] }> {
  const record = pageStore(main, sessionId).find((candidate) => candidate.kind === 'session');
  expect(record?.v).toBe(2);
  const [result] = await opened(main, [record!]);
  expect(result).toMatchObject({ ok: true });
  const payload = (result as { payload: SessionPayload }).payload;
  return { rv: record!.v === 2 ? record!.rv : 0, turnIds: (payload.turns ?? []).map((entry) => entry.id).sort() };
}

/** Syncs both workstations, in turns, until `done` holds and both say `synced` with nothing waiting. */
async function syncBothUntil(a: MainForTests, b: MainForTests, done: () => Promise<boolean> | boolean): Promise<void> {
  await vi.waitFor(
    async () => {
      const first = await a.callOk<SyncStatus>('sync.now');
      const second = await b.callOk<SyncStatus>('sync.now');
      const again = await a.callOk<SyncStatus>('sync.now');
      expect([first.state, second.state, again.state]).toEqual(['synced', 'synced', 'synced']);
      expect([second.pending, again.pending]).toEqual([0, 0]);
      expect(await done()).toBe(true);
    },
    { timeout: 30_000, interval: 100 },
  );
}

/** The versions of `sessionId`'s session record the server holds (what any workstation of `name` would pull). */
async function sessionRecordVersionsOnServer(name: string, sessionId: string): Promise<number[]> {
  const client = createSyncClient({ serverUrl: bed.server.url, allowInsecureHttp: false, fetch: (url, init) => fetch(url, init), clock: systemClock, timeoutMs: 15_000 });
  const { authKey } = await deriveClinicKeys(TEST_PASSPHRASE, (await client.prelogin({ name })).kdf);
  const { token } = await client.signIn({ name, authKey, workstation: { id: randomUUID(), label: 'Checker' } });
  const versions: number[] = [];
  for (let after = 0, more = true; more; ) {
    const page = await client.session(token).pull({ after });
    for (const change of page.changes) if (change.kind === 'record' && change.id === sessionId) versions.push(change.version);
    after = page.next;
    more = page.more;
  }
  return versions;
}

/** A and B both hold the session (A started it, B signed in and resumed it), online. */
async function sharedSession(): Promise<{ a: MainForTests; b: MainForTests; first: ProtocolResponse; name: string }> {
  const name = `Dr Ida ${randomUUID().slice(0, 8)}`;
  const a = await workstation({ name, label: 'Triage 1' });
  await vi.waitFor(async () => expect((await a.callOk<SyncStatus>('sync.now')).state).toBe('synced'), { timeout: 20_000, interval: 50 });
  llm.queueReply('ECG and troponin now.');
  const first = await a.callOk<ProtocolResponse>('protocol.generate', { patient });
  const b = await workstation({ signIn: false, label: 'Exam room 2' });
  await b.callOk('auth.signInWithClinicProfile', { name, passphrase: TEST_PASSPHRASE });
  await syncBothUntil(a, b, () => pageStore(b, first.sessionId).length === 2);
  await b.callOk('sessions.resume', { records: pageStore(b, first.sessionId) });
  return { a, b, first, name };
}

/** Each workstation asks one follow-up while the sync server is down. */
async function bothContinueOffline(
  a: MainForTests,
  b: MainForTests,
  sessionId: string,
  texts: { a: string; b: string },
): Promise<{ onA: ProtocolResponse; onB: ProtocolResponse }> {
  await bed.server.stop();
  try {
    llm.queueReply(`Answer to ${texts.a}`);
    const onA = await a.callOk<ProtocolResponse>('protocol.generate', { sessionId, message: texts.a });
    llm.queueReply(`Answer to ${texts.b}`);
    const onB = await b.callOk<ProtocolResponse>('protocol.generate', { sessionId, message: texts.b });
    expect(onA.seq).toBe(onB.seq);
    return { onA, onB };
  } finally {
    await bed.server.restart();
  }
}

describe('a session continued on two workstations while the sync server was down', () => {
  it('keeps both continuations on both workstations, with one session record listing both, and nothing left waiting', async () => {
    const { a, b, first, name } = await sharedSession();
    const { onA, onB } = await bothContinueOffline(a, b, first.sessionId, { a: 'SpO2 88% on air', b: 'Lactate 4.1' });
    const all = [first.turnId, onA.turnId, onB.turnId].sort();

    await syncBothUntil(a, b, async () => {
      for (const main of [a, b]) {
        const ids = pageStore(main, first.sessionId).map((record) => record.id);
        if (!all.every((id) => ids.includes(id))) return false;
      }
      const [onAsPage, onBsPage] = [await sessionRecordOf(a, first.sessionId), await sessionRecordOf(b, first.sessionId)];
      return onAsPage.rv === onBsPage.rv && JSON.stringify(onAsPage.turnIds) === JSON.stringify(all) && JSON.stringify(onBsPage.turnIds) === JSON.stringify(all);
    });

    for (const main of [a, b]) {
      const results = await opened(main, pageStore(main, first.sessionId));
      expect(results).toHaveLength(4);
      expect(results.every((result) => result.ok)).toBe(true);
      expect(await main.callOk<SyncStatus>('sync.status')).toMatchObject({ state: 'synced', pending: 0 });
    }
    // Each continuation says where it goes on from, and on which workstation it was asked (sealed: authenticated).
    const turns = new Map(
      (await opened(a, pageStore(a, first.sessionId)))
        .filter((result) => result.ok && 'userText' in result.payload)
        .map((result) => [result.id, (result as { payload: TurnPayload }).payload]),
    );
    expect(turns.get(onA.turnId)).toMatchObject({ previousTurnId: first.turnId, workstationLabel: 'Triage 1' });
    expect(turns.get(onB.turnId)).toMatchObject({ previousTurnId: first.turnId, workstationLabel: 'Exam room 2' });
    expect(turns.get(first.turnId)).toMatchObject({ previousTurnId: null });

    // The server holds one session record: the merged one both workstations hold.
    const settled = await sessionRecordOf(a, first.sessionId);
    expect(await sessionRecordVersionsOnServer(name, first.sessionId)).toEqual([settled.rv]);
    // The merged record is stable: another round on both seals nothing new.
    await a.callOk('sync.now');
    await b.callOk('sync.now');
    await a.callOk('sync.now');
    expect(await sessionRecordOf(a, first.sessionId)).toEqual(settled);
    expect(await sessionRecordOf(b, first.sessionId)).toEqual(settled);
  }, 120_000);

  it("goes on from the branch the clinician chose: the model is told that branch's turns and not the other's; a second offline round converges too", async () => {
    const { a, b, first } = await sharedSession();
    const { onA, onB } = await bothContinueOffline(a, b, first.sessionId, { a: 'Pain radiates to the back', b: 'Troponin negative' });
    await syncBothUntil(a, b, () => [a, b].every((main) => [onA.turnId, onB.turnId].every((id) => pageStore(main, first.sessionId).some((record) => record.id === id))));

    // On B, the clinician goes on from A's continuation.
    await b.callOk('sessions.resume', { records: pageStore(b, first.sessionId), branchTurnId: onA.turnId });
    const asked = llm.chatRequests().length;
    llm.queueReply('CT angiography now.');
    const next = await b.callOk<ProtocolResponse>('protocol.generate', { sessionId: first.sessionId, message: 'Blood pressure differs between arms' });
    const prompt = JSON.stringify(llm.chatRequests().slice(asked));
    expect(prompt).toContain('Pain radiates to the back');
    expect(prompt).toContain('Blood pressure differs between arms');
    expect(prompt).not.toContain('Troponin negative');
    const [nextOpened] = await opened(b, pageStore(b, first.sessionId).filter((record) => record.id === next.turnId));
    expect(nextOpened).toMatchObject({ ok: true, payload: { previousTurnId: onA.turnId, workstationLabel: 'Exam room 2' } });

    // Second round: both offline again, each goes on from what it has.
    await syncBothUntil(a, b, () => pageStore(a, first.sessionId).some((record) => record.id === next.turnId));
    await a.callOk('sessions.resume', { records: pageStore(a, first.sessionId), branchTurnId: next.turnId }).catch(() => undefined);
    const round2 = await bothContinueOffline(a, b, first.sessionId, { a: 'Aortic dissection suspected', b: 'Surgeon called' });
    const all = [first.turnId, onA.turnId, onB.turnId, next.turnId, round2.onA.turnId, round2.onB.turnId].sort();
    await syncBothUntil(a, b, async () => {
      const [onAsPage, onBsPage] = [await sessionRecordOf(a, first.sessionId), await sessionRecordOf(b, first.sessionId)];
      return onAsPage.rv === onBsPage.rv && JSON.stringify(onAsPage.turnIds) === JSON.stringify(all) && JSON.stringify(onBsPage.turnIds) === JSON.stringify(all);
    });
    for (const main of [a, b]) expect((await opened(main, pageStore(main, first.sessionId))).every((result) => result.ok)).toBe(true);
  }, 150_000);
});

describe('a merged session record the page never stored', () => {
  it('a page that missed the merged record\'s broadcast can still resume the session (main delivers it again, or does not anchor it)', async () => {
    const { a, b, first } = await sharedSession();
    await bothContinueOffline(a, b, first.sessionId, { a: 'SpO2 88% on air', b: 'Lactate 4.1' });
    await syncBothUntil(a, b, async () => (await sessionRecordOf(a, first.sessionId)).rv === (await sessionRecordOf(b, first.sessionId)).rv && (await sessionRecordOf(a, first.sessionId)).turnIds.length === 3);
    const merged = await sessionRecordOf(b, first.sessionId);
    // What B's page holds if it missed that one broadcast (reloading, or the lock screen was up): everything else.
    const olderVersions = b.deliveredRecords().filter((record) => record.kind === 'session' && record.sessionId === first.sessionId && record.v === 2 && record.rv < merged.rv);
    const older = olderVersions.sort((x, y) => (y.v === 2 ? y.rv : 0) - (x.v === 2 ? x.rv : 0))[0]!;
    const missed = [older, ...pageStore(b, first.sessionId).filter((record) => record.kind !== 'session')];
    const { profileId } = await b.callOk<{ profileId: string }>('auth.state');
    await b.callOk('auth.lock');
    await b.callOk('auth.unlock', { profileId, passphrase: TEST_PASSPHRASE });
    for (let round = 0; round < 3; round += 1) await b.callOk('sync.now');
    const resumed = await b.call('sessions.resume', { records: missed });
    expect(resumed.ok).toBe(true);
  }, 120_000);
});

describe('a continuation pushed before a lock', () => {
  it('B locks after pushing its offline continuation; A goes on before it syncs: every session record still lists B\'s turn', async () => {
    const { a, b, first } = await sharedSession();
    const { onA, onB } = await bothContinueOffline(a, b, first.sessionId, { a: 'SpO2 88% on air', b: 'Lactate 4.1' });
    // B reaches the server first with its continuation, then its clinician locks the workstation (a break).
    expect((await b.callOk<SyncStatus>('sync.now')).state).toBe('synced');
    const { profileId } = await b.callOk<AuthState>('auth.state');
    await b.callOk('auth.lock');
    // A's clinician asks a follow-up before A's first sync since the outage: A's session record is then newer than B's.
    llm.queueReply('Give oxygen.');
    // Taking the lease, A pulls B's continuation first and is told to send again from the latest (as its page would).
    const refused = await a.call('protocol.generate', { sessionId: first.sessionId, message: 'Now confused' });
    expect(refused).toMatchObject({ ok: false, error: { code: 'SESSION_BUSY' } });
    await a.callOk('sessions.resume', { records: pageStore(a, first.sessionId), branchTurnId: onA.turnId });
    const third = await a.callOk<ProtocolResponse>('protocol.generate', { sessionId: first.sessionId, message: 'Now confused' });
    // B's clinician unlocks; everything syncs.
    await b.callOk('auth.unlock', { profileId, passphrase: TEST_PASSPHRASE });
    await syncBothUntil(a, b, () => [a, b].every((main) => pageStore(main, first.sessionId).some((record) => record.id === third.turnId)));
    const onAsPage = await sessionRecordOf(a, first.sessionId);
    const onBsPage = await sessionRecordOf(b, first.sessionId);
    // Both continuations must stay listed (the manifest is what lets main detect a hidden turn).
    expect(onAsPage.turnIds).toContain(onB.turnId);
    expect(onBsPage.turnIds).toContain(onB.turnId);
  }, 120_000);
});
