/**
 * Builds the app store over an api. The api is a parameter so tests drive the real store with a fake bridge;
 * the app's own instance (./appStore) passes `window.api` from lib/api.
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { AppApi } from '../../../preload/apiTypes';
import { createIntakeSlice, initialIntakeState } from './intakeSlice';
import { createLlmStatusSlice, initialLlmStatusState } from './llmStatusSlice';
import { createSessionSlice, initialSessionState } from './sessionSlice';
import type { AppState, DataOf } from './types';

/** Every data member at start-up (no actions): `store.setState(initialState)` resets a store between tests. */
export const initialState: Readonly<DataOf<AppState>> = Object.freeze({
  ...initialIntakeState,
  ...initialSessionState,
  ...initialLlmStatusState,
});

/** A store with a way to drop its subscriptions to main's events. */
export interface AppStore extends StoreApi<AppState> {
  /** Unsubscribes from main's events (hot reload, tests). */
  dispose(): void;
}

/**
 * Creates the store and subscribes it, once, to main's streaming events. Deliberately no `persist` middleware and
 * no web storage: patient data lives in memory only and is gone with "New patient" or the window.
 */
export function createAppStore(api: AppApi): AppStore {
  const store = createStore<AppState>()((...args) => ({
    ...createIntakeSlice()(...args),
    ...createSessionSlice(api)(...args),
    ...createLlmStatusSlice(api)(...args),
  }));
  const unsubscribes = [
    api.protocol.onTurnStarted((event) => store.getState().receiveTurnStarted(event)),
    api.protocol.onDelta((event) => store.getState().receiveDelta(event)),
    api.llm.onStatusChanged((status) => store.getState().receiveLlmStatus(status)),
  ];
  return {
    ...store,
    dispose: () => unsubscribes.forEach((unsubscribe) => unsubscribe()),
  };
}
