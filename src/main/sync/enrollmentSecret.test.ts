/**
 * A sync server that requires the clinic's enrollment secret (`CPA_SYNC_ENROLLMENT_SECRET`): a workstation whose
 * policy holds it (`syncEnrollmentSecret`) registers its clinicians; one without is refused, and says what to do.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it, vi } from 'vitest';
import { startMainForTests, TEST_PASSPHRASE, type MainForTests } from '../../../test/support/mainForTests';
import { useSyncServer } from '../../../test/support/syncServerBed';
import { TestClock } from '../../../test/support/testClock';
import type { AuthState } from '../../shared/auth';
import type { SettingsView } from '../../shared/settings';
import type { SyncStatus } from '../../shared/sync/status';

const SECRET = `enrollment-${randomUUID()}`;
const bed = useSyncServer('cpa-enrollment-', { CPA_SYNC_ENROLLMENT_SECRET: SECRET });

async function workstation(options: { secret?: string; name?: string; signIn?: boolean } = {}): Promise<MainForTests> {
  const main = await startMainForTests({
    llmBaseUrl: 'http://127.0.0.1:9/v1',
    clock: new TestClock(),
    newId: () => randomUUID(),
    settings: { syncServerUrl: bed.server.url, ...(options.secret === undefined ? {} : { syncEnrollmentSecret: options.secret }) },
    signIn: options.signIn ?? true,
    ...(options.name ? { profileName: options.name } : {}),
  });
  return bed.track(main);
}

describe('registering against a server that requires the enrollment secret', () => {
  it('sends the secret from policy: the profile is registered and another workstation can sign in with it', async () => {
    const name = `Dr Ada ${randomUUID().slice(0, 8)}`;
    const a = await workstation({ secret: SECRET, name });
    await vi.waitFor(async () => expect((await a.callOk<SyncStatus>('sync.now')).state).toBe('synced'), { timeout: 20_000, interval: 100 });

    const b = await workstation({ signIn: false });
    const state = await b.callOk<AuthState>('auth.signInWithClinicProfile', { name, passphrase: TEST_PASSPHRASE });
    expect(state).toMatchObject({ state: 'unlocked', profileName: name });
  });

  it('without it, is refused and says to ask IT for the secret', async () => {
    const a = await workstation({ name: `Dr Ben ${randomUUID().slice(0, 8)}` });
    await vi.waitFor(
      async () => {
        const status = await a.callOk<SyncStatus>('sync.now');
        expect(status.state).toBe('error');
        expect(status.message).toMatch(/enrollment secret/);
      },
      { timeout: 20_000, interval: 100 },
    );
  });

  it('never shows the secret in Settings', async () => {
    const a = await workstation({ secret: SECRET });
    const view = await a.callOk<SettingsView>('settings.get');
    expect(JSON.stringify(view)).not.toContain(SECRET);
    expect(view.lockedByPolicy).not.toContain(SECRET);
  });
});
