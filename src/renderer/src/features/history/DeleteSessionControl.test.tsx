import { renderToStaticMarkup } from 'react-dom/server';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { appStore } from '../../stores/appStore';
import { initialState } from '../../stores/createAppStore';
import { PROFILE_A, unlockedAs } from '../../stores/testing/fakeApi';
import { DeleteSessionControl } from './DeleteSessionControl';

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

describe('DeleteSessionControl', () => {
  it('offers nothing before main has named the session, then a button that says it opens a dialog', () => {
    expect(renderToStaticMarkup(<DeleteSessionControl />)).toBe('');
    appStore.setState({ sessionId: '3f2b8c1e-9d4a-4b7e-8f1a-2c3d4e5f6a7b' });
    expect(renderToStaticMarkup(<DeleteSessionControl />)).toBe('<button type="button" class="button-secondary" aria-haspopup="dialog">Delete session</button>');
  });
});
