/**
 * A passphrase changed on workstation A while B is signed in with the old one: B is told, in words it can act on; the
 * change made on B too catches it up — B syncs again, and the old passphrase no longer opens the profile on B.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it, vi } from 'vitest';
import { startMainForTests, TEST_PASSPHRASE, type MainForTests } from '../../../test/support/mainForTests';
import { useSyncServer } from '../../../test/support/syncServerBed';
import { TestClock } from '../../../test/support/testClock';
import type { AuthState } from '../../shared/auth';
import type { SyncStatus } from '../../shared/sync/status';

const bed = useSyncServer('cpa-passphrase-elsewhere-');

async function workstation(options: { name?: string; signIn?: boolean; clock?: TestClock } = {}): Promise<MainForTests> {
  const main = await startMainForTests({
    llmBaseUrl: 'http://127.0.0.1:9/v1',
    clock: options.clock ?? new TestClock(),
    newId: () => randomUUID(),
    settings: { syncServerUrl: bed.server.url, idleLockMinutes: 240 },
    signIn: options.signIn ?? true,
    ...(options.name ? { profileName: options.name } : {}),
  });
  return bed.track(main);
}

async function syncedTo(main: MainForTests, state: SyncStatus['state']): Promise<SyncStatus> {
  let status: SyncStatus | null = null;
  await vi.waitFor(
    async () => {
      status = await main.callOk<SyncStatus>('sync.now');
      expect(status.state).toBe(state);
    },
    { timeout: 20_000, interval: 100 },
  );
  return status!;
}

describe('a passphrase changed on another workstation', () => {
  it('tells B to change it there too; done, B syncs again and the old passphrase no longer opens the profile on B', async () => {
    const name = `Dr Gil ${randomUUID().slice(0, 8)}`;
    const next = 'seven quiet herons fold maps';
    const a = await workstation({ name });
    await syncedTo(a, 'synced');
    const bClock = new TestClock();
    const b = await workstation({ signIn: false, clock: bClock });
    const { profileId } = await b.callOk<AuthState>('auth.signInWithClinicProfile', { name, passphrase: TEST_PASSPHRASE });
    await syncedTo(b, 'synced');

    await a.callOk('auth.changePassphrase', { currentPassphrase: TEST_PASSPHRASE, newPassphrase: next });
    await syncedTo(a, 'synced');

    const told = await syncedTo(b, 'error');
    expect(told.message).toContain('changed on another workstation');
    expect(told.message).toContain('Change passphrase');

    await b.callOk('auth.changePassphrase', { currentPassphrase: TEST_PASSPHRASE, newPassphrase: next });
    await syncedTo(b, 'synced');

    await b.callOk('auth.lock');
    // A wrong passphrase is answered after the unlock throttle's delay, on B's clock.
    let refused: unknown = null;
    void b.call('auth.unlock', { profileId, passphrase: TEST_PASSPHRASE }).then((answer) => (refused = answer));
    await vi.waitFor(
      () => {
        bClock.advance(5_000);
        expect(refused).not.toBeNull();
      },
      { timeout: 10_000, interval: 50 },
    );
    expect(refused).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    await b.callOk('auth.unlock', { profileId, passphrase: next });
    await syncedTo(b, 'synced');
  }, 120_000);
});
