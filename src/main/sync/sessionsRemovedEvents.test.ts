/**
 * What main tells a page about sessions it shredded without that page asking — retention here, or a delete on another
 * workstation pulled by sync — and about sessions whose changes still wait for the sync server: always the signed-in
 * clinician's own sessions, never another clinician's.
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { startFakeLlmServer, type FakeLlmServer } from '../../../test/fakes/fakeLlmServer';
import { startMainForTests, TEST_PASSPHRASE, type MainForTests } from '../../../test/support/mainForTests';
import { startSyncServerForTests, type SyncServerForTests } from '../../../test/support/syncServerForTests';
import { TestClock } from '../../../test/support/testClock';
import { broadcastServiceEvents } from '../broadcastServiceEvents';
import type { AuthState } from '../../shared/auth';
import { channelOf } from '../../shared/contract';
import type { ProtocolResponse } from '../../shared/protocol';
import type { SessionsRemovedEvent, UnsyncedSessions } from '../../shared/sessionsRemoved';
import type { SyncStatus } from '../../shared/sync/status';

const patient = { age: 58, sex: 'female', chiefComplaint: 'Palpitations since this morning' };
const started: { main: MainForTests; stop: () => void }[] = [];
let llm: FakeLlmServer;

beforeAll(async () => {
  llm = await startFakeLlmServer();
});
afterEach(async () => {
  for (const { main, stop } of started.splice(0)) {
    stop();
    await main.close();
  }
});
afterAll(async () => {
  await llm.close();
});

/** Main wired to its pages as the app and the harness wire it (broadcastServiceEvents). */
async function workstation(options: { clock?: TestClock; settings?: Record<string, unknown>; name?: string; signIn?: boolean } = {}): Promise<MainForTests & { clock: TestClock }> {
  const clock = options.clock ?? new TestClock();
  const main = await startMainForTests({
    llmBaseUrl: llm.baseURL,
    clock,
    newId: () => randomUUID(),
    settings: { idleLockMinutes: 240, ...options.settings },
    signIn: options.signIn ?? true,
    ...(options.name ? { profileName: options.name } : {}),
  });
  // The harness's own wiring (vault.record is already wired by startMainForTests: skip it here).
  const stop = broadcastServiceEvents({ ...main.services, onSyncedRecords: () => () => undefined }, main.registration);
  started.push({ main, stop });
  return Object.assign(main, { clock });
}

function sent<T>(main: MainForTests, event: 'sessions.removed' | 'sync.unsyncedSessionsChanged'): T[] {
  return main.transport.sent.filter((message) => message.channel === channelOf(event)).map((message) => message.payload as T);
}

describe('sessions shredded by retention', () => {
  it('are announced to the page of the clinician whose sessions they were', async () => {
    const main = await workstation({ settings: { retentionDays: 7 } });
    const { profileId } = await main.callOk<AuthState>('auth.state');
    const turn = await main.callOk<ProtocolResponse>('protocol.generate', { patient });
    await vi.waitFor(() => expect(main.clock.requestedDelays).toContain(7 * 86_400_000));

    main.clock.advance(8 * 86_400_000);

    await vi.waitFor(() => expect(sent<SessionsRemovedEvent>(main, 'sessions.removed')).toEqual([{ profileId, sessionIds: [turn.sessionId], reason: 'retention' }]));
  });

  it('are never announced while another clinician is signed in: that page is theirs', async () => {
    const main = await workstation({ settings: { retentionDays: 7 } });
    await main.callOk<ProtocolResponse>('protocol.generate', { patient });
    await vi.waitFor(() => expect(main.clock.requestedDelays).toContain(7 * 86_400_000));
    await main.callOk('auth.lock');
    await main.callOk('auth.createProfile', { name: 'Dr Other', passphrase: TEST_PASSPHRASE });

    main.clock.advance(8 * 86_400_000);

    await vi.waitFor(async () => expect(await main.auditEntries()).toContainEqual(expect.objectContaining({ action: 'retention.shredded' })));
    expect(sent(main, 'sessions.removed')).toEqual([]);
  });
});

describe('with a sync server', () => {
  let folder = '';
  let syncServer: SyncServerForTests;

  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), 'cpa-sessions-removed-'));
    syncServer = await startSyncServerForTests(folder);
  }, 120_000);
  afterAll(async () => {
    await syncServer.stop();
    await rm(folder, { recursive: true, force: true });
  }, 30_000);

  async function synced(main: MainForTests): Promise<void> {
    await vi.waitFor(async () => expect((await main.callOk<SyncStatus>('sync.now')).state).toBe('synced'), { timeout: 20_000, interval: 50 });
  }

  it('marks a session unsynced until the server has it, and tells the page when that changes', async () => {
    const a = await workstation({ settings: { syncServerUrl: syncServer.url }, name: `Dr Ada ${randomUUID().slice(0, 8)}` });
    const { profileId } = await a.callOk<AuthState>('auth.state');
    await synced(a);
    expect(await a.callOk<UnsyncedSessions>('sync.unsyncedSessions')).toEqual({ profileId, sessionIds: [] });

    // The test clock holds the push back (its debounce does not fire): the turn's records wait in the outbox.
    const turn = await a.callOk<ProtocolResponse>('protocol.generate', { patient });
    await vi.waitFor(async () => expect(await a.callOk<UnsyncedSessions>('sync.unsyncedSessions')).toEqual({ profileId, sessionIds: [turn.sessionId] }));
    expect(sent<UnsyncedSessions>(a, 'sync.unsyncedSessionsChanged')).toContainEqual({ profileId, sessionIds: [turn.sessionId] });

    await synced(a);
    expect(await a.callOk<UnsyncedSessions>('sync.unsyncedSessions')).toEqual({ profileId, sessionIds: [] });
    expect(sent<UnsyncedSessions>(a, 'sync.unsyncedSessionsChanged').at(-1)).toEqual({ profileId, sessionIds: [] });

    await a.callOk('auth.lock');
    expect(sent<UnsyncedSessions>(a, 'sync.unsyncedSessionsChanged').at(-1)).toEqual({ profileId: null, sessionIds: [] });
  }, 60_000);

  it('announces a session deleted on another workstation to the clinician’s page on this one, once the tombstone is pulled', async () => {
    const name = `Dr Ben ${randomUUID().slice(0, 8)}`;
    const a = await workstation({ settings: { syncServerUrl: syncServer.url }, name });
    const { profileId } = await a.callOk<AuthState>('auth.state');
    await synced(a);
    const turn = await a.callOk<ProtocolResponse>('protocol.generate', { patient });
    await synced(a);

    const b = await workstation({ settings: { syncServerUrl: syncServer.url }, signIn: false });
    await b.callOk('auth.signInWithClinicProfile', { name, passphrase: TEST_PASSPHRASE });
    await vi.waitFor(
      async () => {
        await b.callOk('sync.now');
        expect(b.deliveredRecords().some((record) => record.sessionId === turn.sessionId && record.kind === 'session')).toBe(true);
      },
      { timeout: 20_000, interval: 50 },
    );
    // B holds the key once its key item arrived; then the delete there is a real one, with a tombstone.
    await vi.waitFor(async () => {
      await b.callOk('sync.now');
      expect(await b.callOk('sessions.delete', { sessionId: turn.sessionId })).toEqual({ deleted: true });
    }, { timeout: 20_000, interval: 50 });
    await synced(b);
    expect(sent(a, 'sessions.removed')).toEqual([]);

    await synced(a);

    expect(sent<SessionsRemovedEvent>(a, 'sessions.removed')).toEqual([{ profileId, sessionIds: [turn.sessionId], reason: 'deleted-elsewhere' }]);
    // B deleted it itself: its page deletes through its own call, main does not announce it there.
    expect(sent(b, 'sessions.removed')).toEqual([]);
  }, 90_000);
});
