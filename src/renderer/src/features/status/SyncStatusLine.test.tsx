import { renderToStaticMarkup } from 'react-dom/server';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { appStore } from '../../stores/appStore';
import { initialState } from '../../stores/createAppStore';
import { PROFILE_A, unlockedAs } from '../../stores/testing/fakeApi';
import { SyncStatusLine } from './SyncStatusLine';

// The real store over the fake bridge, read directly (a server render would read zustand's initial state).
vi.mock('../../stores/appStore', async () => {
  const { createAppStore } = await import('../../stores/createAppStore');
  const { createFakeApi } = await import('../../stores/testing/fakeApi');
  const store = createAppStore(createFakeApi().api);
  return { appStore: store, useAppStore: <T,>(selector: (state: ReturnType<typeof store.getState>) => T) => selector(store.getState()) };
});

beforeEach(() => {
  appStore.setState({ ...initialState, authState: unlockedAs(PROFILE_A) });
});

describe('SyncStatusLine', () => {
  it('shows nothing before main has said, and nothing while sync is off (no sync server in the policy)', () => {
    expect(renderToStaticMarkup(<SyncStatusLine />)).toBe('');
    appStore.setState({ syncStatus: { state: 'off', pending: 0, lastSyncedAt: null, message: null } });
    expect(renderToStaticMarkup(<SyncStatusLine />)).toBe('');
  });

  it('shows the store’s status and failure, and "Sync now" while a cycle runs', () => {
    appStore.setState({ syncStatus: { state: 'syncing', pending: 5, lastSyncedAt: null, message: null }, syncRunning: true });
    const line = renderToStaticMarkup(<SyncStatusLine />);
    expect(line).toContain('Syncing (5 waiting)');
    expect(line).toContain('aria-disabled="true">Sync now</button>');
    appStore.setState({ syncRunning: false, syncStatusError: 'The app is locked.' });
    const failed = renderToStaticMarkup(<SyncStatusLine />);
    expect(failed).toContain('<span data-testid="sync-status">Sync error: The app is locked.</span>');
    expect(failed).toContain('data-testid="sync-announcement">Sync error: The app is locked.</span>');
  });
});
