import { describe, expect, it } from 'vitest';
import type { SyncStatus } from '../../../../shared/sync/status';
import { describeSyncStatus, syncAnnouncement, syncLineShown, syncTimeText } from './syncText';

const LAST_SYNC = '2026-12-02T13:05:00.000Z';
const status = (change: Partial<SyncStatus>): SyncStatus => ({ state: 'synced', pending: 0, lastSyncedAt: LAST_SYNC, message: null, ...change });
const SAME_DAY = new Date('2026-12-02T15:00:00.000Z');
const text = (shown: SyncStatus, change: { running?: boolean; error?: string | null; now?: Date; timeZone?: string } = {}) =>
  describeSyncStatus(shown, { running: false, error: null, now: SAME_DAY, timeZone: 'UTC', ...change });

describe('describeSyncStatus', () => {
  it('says "Synced" when the last cycle left nothing to send', () => {
    expect(text(status({}))).toBe('Synced');
  });

  it('counts what waits while syncing', () => {
    expect(text(status({ state: 'syncing', pending: 3 }))).toBe('Syncing (3 waiting)');
  });

  it('says syncing as soon as "Sync now" is pressed, before main’s first event', () => {
    expect(text(status({ pending: 1 }), { running: true })).toBe('Syncing (1 waiting)');
  });

  it('says since when it is offline, in the workstation’s local time, and what waits', () => {
    expect(text(status({ state: 'offline', pending: 2 }))).toBe('Offline since 13:05 (2 waiting)');
    expect(text(status({ state: 'offline', pending: 0 }), { timeZone: 'Europe/Berlin' })).toBe('Offline since 14:05');
    expect(text(status({ state: 'offline', pending: 0 }), { timeZone: 'America/New_York' })).toBe('Offline since 08:05');
  });

  it('says offline without a time when it has not synced since start-up', () => {
    expect(text(status({ state: 'offline', lastSyncedAt: null, pending: 4 }))).toBe('Offline (4 waiting)');
  });

  it('gives main’s reason for an error, so the clinician knows what to do', () => {
    const shown = status({ state: 'error', message: 'You were signed out of the clinic server. Lock and sign in again.' });
    expect(text(shown)).toBe('Sync error: You were signed out of the clinic server. Lock and sign in again.');
  });

  it('says why "Sync now" or reading the status failed, over the last status', () => {
    expect(text(status({}), { error: 'The app is locked.' })).toBe('Sync error: The app is locked.');
  });
});

describe('syncTimeText', () => {
  it('is the time alone on the same local day', () => {
    expect(syncTimeText(LAST_SYNC, SAME_DAY, 'UTC')).toBe('13:05');
  });

  it('names the day when the last sync was on another day (a workstation may stay offline for days)', () => {
    const later = new Date('2026-12-05T09:00:00.000Z');
    const shown = syncTimeText(LAST_SYNC, later, 'UTC');
    expect(shown).not.toBe('13:05');
    expect(shown).toMatch(/2/);
    expect(shown.endsWith('13:05')).toBe(true);
  });

  it('compares days in the workstation’s time zone, not UTC', () => {
    // 23:30 UTC on the 1st is already the 2nd in Berlin, the same day as the 2nd's 15:00 there.
    expect(syncTimeText('2026-12-01T23:30:00.000Z', SAME_DAY, 'Europe/Berlin')).toBe('00:30');
  });
});

describe('syncLineShown', () => {
  it('hides the line before the status is known and while sync is off', () => {
    expect(syncLineShown(null)).toBe(false);
    expect(syncLineShown(status({ state: 'off' }))).toBe(false);
    for (const state of ['synced', 'syncing', 'offline', 'error'] as const) expect(syncLineShown(status({ state }))).toBe(true);
  });
});

describe('syncAnnouncement', () => {
  /** What a screen reader hears through a run of statuses: only the changes of what is announced. */
  const heard = (...steps: { status: SyncStatus; running?: boolean; error?: string | null }[]): string[] => {
    const spoken: string[] = [];
    let previous = '';
    for (const step of steps) {
      const next = syncAnnouncement(step.status, step.error ?? null, step.running ?? false, previous);
      if (next !== previous && next !== '') spoken.push(next);
      previous = next;
    }
    return spoken;
  };

  it('says nothing of the cycle after every answer (synced, syncing, synced)', () => {
    const synced = status({});
    const syncing = status({ state: 'syncing', pending: 2 });
    expect(heard({ status: synced }, { status: syncing }, { status: synced }, { status: syncing }, { status: synced })).toEqual(['Synced']);
  });

  it('is heard going offline, and synced again on reconnection', () => {
    const steps = [
      { status: status({}) },
      { status: status({ state: 'offline', pending: 1 }) },
      { status: status({ state: 'offline', pending: 2 }) },
      { status: status({ state: 'syncing', pending: 2 }) },
      { status: status({}) },
    ];
    expect(heard(...steps)).toEqual(['Synced', 'Sync offline: work goes on here and is sent later', 'Synced']);
  });

  it('gives errors with their reason, from main’s state or from a failed Sync now', () => {
    expect(heard({ status: status({ state: 'error', message: 'Signed out of the clinic server.' }) })).toEqual([
      'Sync error: Signed out of the clinic server.',
    ]);
    expect(heard({ status: status({}), error: 'The app is locked.' })).toEqual(['Sync error: The app is locked.']);
  });

  it('keeps the last announcement while "Sync now" runs', () => {
    expect(heard({ status: status({ state: 'offline' }) }, { status: status({ state: 'offline' }), running: true })).toEqual([
      'Sync offline: work goes on here and is sent later',
    ]);
  });
});
