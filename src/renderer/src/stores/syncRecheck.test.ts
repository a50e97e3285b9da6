// @vitest-environment node
import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ok } from '../../../shared/errors';
import type { SyncStatus } from '../../../shared/sync/status';
import { createHistoryTest, type HistoryTest } from './testing/historyTest';
import { flush } from './testing/fakeApi';
import { spoil, storedSession } from './testing/storedSessions';

const SYNCED: SyncStatus = { state: 'synced', pending: 0, lastSyncedAt: '2026-12-02T13:05:00.000Z', message: null };
const SYNCING: SyncStatus = { state: 'syncing', pending: 0, lastSyncedAt: '2026-12-02T13:05:00.000Z', message: null };

let t: HistoryTest;

beforeEach(() => {
  t = createHistoryTest({ historyRefreshDelayMs: 5, indexHistory: false });
  t.fake.syncStatus = ok(SYNCED);
});
afterEach(() => t.dispose());

const titles = () => t.state().historyEntries.map((entry) => entry.title);

describe('after a sync cycle, sessions deleted on another workstation leave this one', () => {
  it('a cycle ending in "synced" has main check the listed sessions; the one it shredded is deleted and leaves the list', async () => {
    const kept = storedSession(t.fake, { title: 'Kept', updatedAt: 2 });
    const deletedElsewhere = storedSession(t.fake, { title: 'Deleted on the other workstation', updatedAt: 1, turns: [{ seq: 1 }] });
    await t.keep(kept, deletedElsewhere);
    await t.signIn();
    await flush();
    expect(titles()).toEqual(['Kept', 'Deleted on the other workstation']);

    // The pulled tombstone: main shreds the session's key; the page's rows are unchanged.
    spoil(t.fake, deletedElsewhere.session, 'shredded');
    t.fake.emitSyncStatus(SYNCING);
    t.fake.emitSyncStatus(SYNCED);

    await vi.waitFor(() => expect(titles()).toEqual(['Kept']));
    expect(await t.db.sessions.get(deletedElsewhere.session.id)).toMatchObject({ deleted: true });
    expect(await t.history.turnsOf(deletedElsewhere.session.id)).toEqual([]);
  });

  it('asks main nothing more while sync stays synced (a repeated status is not a cycle)', async () => {
    await t.keep(storedSession(t.fake, { title: 'Kept', updatedAt: 1 }));
    await t.signIn();
    await flush();
    const opens = t.fake.openCalls.length;
    t.fake.emitSyncStatus(SYNCED);
    t.fake.emitSyncStatus(SYNCED);
    await flush();
    await flush();
    expect(t.fake.openCalls).toHaveLength(opens);
  });

  it('a "Sync now" that ends synced checks them too', async () => {
    const gone = storedSession(t.fake, { title: 'Gone', updatedAt: 1 });
    await t.keep(gone);
    await t.signIn();
    await flush();
    t.fake.emitSyncStatus({ ...SYNCED, state: 'offline' });
    spoil(t.fake, gone.session, 'shredded');
    await t.state().syncNow();
    await vi.waitFor(() => expect(titles()).toEqual([]));
  });
});
