import { beforeEach, describe, expect, it } from 'vitest';
import { ok, type Result } from '../../../shared/errors';
import type { SyncStatus } from '../../../shared/sync/status';
import { createAppStore, type AppStore } from './createAppStore';
import { createFakeApi, failure, flush, lockedAs, PROFILE_A, PROFILE_B, unlockedAs, type FakeApi } from './testing/fakeApi';

const SYNCED: SyncStatus = { state: 'synced', pending: 0, lastSyncedAt: '2026-12-02T13:05:00.000Z', message: null };
const SYNCING: SyncStatus = { state: 'syncing', pending: 3, lastSyncedAt: '2026-12-02T13:05:00.000Z', message: null };
const OFFLINE: SyncStatus = {
  state: 'offline',
  pending: 2,
  lastSyncedAt: '2026-12-02T13:05:00.000Z',
  message: 'The sync server cannot be reached.',
};

let fake: FakeApi;
let store: AppStore;

beforeEach(() => {
  fake = createFakeApi();
  fake.syncStatus = ok(SYNCED);
  store = createAppStore(fake.api, { indexHistory: false });
});

const state = () => store.getState();

/**
 * Replaces the store with one whose `sync.status` answers only when the test settles it (the fake answers at once);
 * the answers' resolvers, in call order.
 */
function holdSyncStatus(): ((result: Result<SyncStatus>) => void)[] {
  const answers: ((result: Result<SyncStatus>) => void)[] = [];
  store.dispose();
  const api = { ...fake.api, sync: { ...fake.api.sync, status: () => new Promise<Result<SyncStatus>>((resolve) => answers.push(resolve)) } };
  store = createAppStore(api, { indexHistory: false });
  return answers;
}

/** A call to `sync.now` the test answers when it chooses. */
function holdSyncNow(): (result: Result<SyncStatus>) => void {
  let answer!: (result: Result<SyncStatus>) => void;
  fake.answerSyncNow = () => new Promise((resolve) => (answer = resolve));
  return (result) => answer(result);
}

describe('sync status at sign-in', () => {
  it('is read when a clinician signs in, not before', async () => {
    await state().loadSyncStatus();
    expect(fake.syncStatusCalls).toBe(0);
    fake.emitAuthState(unlockedAs(PROFILE_A));
    await flush();
    expect(fake.syncStatusCalls).toBe(1);
    expect(state().syncStatus).toEqual(SYNCED);
  });

  it('is read again for the clinician who signs in after a switch', async () => {
    fake.emitAuthState(unlockedAs(PROFILE_A));
    await flush();
    fake.syncStatus = ok(OFFLINE);
    fake.emitAuthState(unlockedAs(PROFILE_B));
    await flush();
    expect(fake.syncStatusCalls).toBe(2);
    expect(state().syncStatus).toEqual(OFFLINE);
  });

  it('shows why it could not be read', async () => {
    fake.syncStatus = failure('INTERNAL', 'Something went wrong.');
    fake.emitAuthState(unlockedAs(PROFILE_A));
    await flush();
    expect(state().syncStatus).toBeNull();
    expect(state().syncStatusError).toBe('Something went wrong.');
  });

  it('lets an event that arrived while the status was being read win over the older answer', async () => {
    const answers = holdSyncStatus();
    fake.emitAuthState(unlockedAs(PROFILE_A));
    fake.emitSyncStatus(OFFLINE);
    answers[0]!(ok(SYNCED));
    await flush();
    expect(state().syncStatus).toEqual(OFFLINE);
  });
});

describe('sync status events', () => {
  it('subscribes once, and drops the subscription on dispose', () => {
    expect(fake.syncListenerCount()).toBe(1);
    store.dispose();
    expect(fake.syncListenerCount()).toBe(0);
  });

  it('follows main while signed in: syncing with what waits, then offline', async () => {
    fake.emitAuthState(unlockedAs(PROFILE_A));
    await flush();
    fake.emitSyncStatus(SYNCING);
    expect(state().syncStatus).toEqual(SYNCING);
    fake.emitSyncStatus(OFFLINE);
    expect(state().syncStatus).toEqual(OFFLINE);
  });

  it('are ignored while locked', () => {
    fake.emitSyncStatus(SYNCING);
    expect(state().syncStatus).toBeNull();
  });
});

describe('a lock clears the sync status', () => {
  it.each([['manual'], ['idle'], ['os-lock'], ['removed'], ['switched']] as const)('on a %s lock', async (reason) => {
    fake.emitAuthState(unlockedAs(PROFILE_A));
    await flush();
    fake.answerSyncNow = () => Promise.resolve(failure('INTERNAL', 'Sync could not finish.'));
    await state().syncNow();
    fake.emitSyncStatus(OFFLINE);
    expect(state().syncStatus).toEqual(OFFLINE);

    fake.emitAuthState(lockedAs(reason));

    expect(state().syncStatus).toBeNull();
    expect(state().syncStatusError).toBeNull();
    expect(state().syncRunning).toBe(false);
  });

  it('an answer that arrives after the lock does not bring it back', async () => {
    fake.emitAuthState(unlockedAs(PROFILE_A));
    await flush();
    const answerNow = holdSyncNow();
    const running = state().syncNow();
    fake.emitAuthState(lockedAs('idle'));
    answerNow(ok(SYNCED));
    await running;
    expect(state().syncStatus).toBeNull();
    expect(state().syncRunning).toBe(false);
  });

  it('an answer for the previous clinician is not shown to the next one', async () => {
    const answers = holdSyncStatus();
    fake.emitAuthState(unlockedAs(PROFILE_A));
    fake.emitAuthState(lockedAs('manual'));
    fake.emitAuthState(unlockedAs(PROFILE_B));
    answers[1]!(ok(SYNCED));
    await flush();
    answers[0]!(ok(OFFLINE));
    await flush();
    expect(state().syncStatus).toEqual(SYNCED);
  });
});

describe('Sync now', () => {
  beforeEach(async () => {
    fake.emitAuthState(unlockedAs(PROFILE_A));
    await flush();
  });

  it('runs a cycle, shows it running, then shows where it ended', async () => {
    const answerNow = holdSyncNow();
    const running = state().syncNow();
    expect(fake.syncNowCalls).toBe(1);
    expect(state().syncRunning).toBe(true);
    fake.emitSyncStatus(SYNCING);
    answerNow(ok(SYNCED));
    await running;
    expect(state().syncRunning).toBe(false);
    expect(state().syncStatus).toEqual(SYNCED);
  });

  it('does not double a cycle already asked for', async () => {
    const answerNow = holdSyncNow();
    const first = state().syncNow();
    const second = state().syncNow();
    answerNow(ok(SYNCED));
    await Promise.all([first, second]);
    expect(fake.syncNowCalls).toBe(1);
  });

  it('keeps an outcome main reported during the call over the answer (it is at least as new)', async () => {
    const answerNow = holdSyncNow();
    const running = state().syncNow();
    fake.emitSyncStatus(OFFLINE);
    answerNow(ok(SYNCED));
    await running;
    expect(state().syncStatus).toEqual(OFFLINE);
  });

  it('shows main’s message when the cycle could not run, and clears it at the next try', async () => {
    fake.answerSyncNow = () => Promise.resolve(failure('INTERNAL', 'Sync could not finish.'));
    await state().syncNow();
    expect(state().syncRunning).toBe(false);
    expect(state().syncStatusError).toBe('Sync could not finish.');
    const answerNow = holdSyncNow();
    const running = state().syncNow();
    expect(state().syncStatusError).toBeNull();
    answerNow(ok(SYNCED));
    await running;
  });

  it('is never left running when the bridge throws', async () => {
    fake.answerSyncNow = () => Promise.reject(new Error('bridge gone'));
    await state().syncNow();
    expect(state().syncRunning).toBe(false);
    expect(state().syncStatusError).toBe('Sync could not be started. Please try again.');
  });

  it('does nothing while locked', async () => {
    fake.emitAuthState(lockedAs('manual'));
    await state().syncNow();
    expect(fake.syncNowCalls).toBe(0);
  });
});
