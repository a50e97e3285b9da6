/**
 * Builds the app store over an api. The api is a parameter so tests drive the real store with a fake bridge;
 * the app's own instance (./appStore) passes `window.api` from lib/api.
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { AppApi } from '../../../preload/apiTypes';
import { createAnalyticsSlice, initialAnalyticsState } from './analyticsSlice';
import { createAuthSlice, initialAuthState } from './authSlice';
import { createExportSlice, initialExportState } from './exportSlice';
import type { HistoryStore } from './history/historyStore';
import { createHistoryFormatSlice, initialHistoryFormatState } from './historyFormatSlice';
import { createHistorySlice, initialHistoryState } from './historySlice';
import { createIntakeSlice, initialIntakeState } from './intakeSlice';
import { createLlmStatusSlice, initialLlmStatusState } from './llmStatusSlice';
import { createPatientDataSlice } from './patientData';
import { createSessionRemovalSlice, initialSessionRemovalState } from './sessionRemovalSlice';
import { createSessionSlice, initialSessionState } from './sessionSlice';
import { createSyncStatusSlice, initialSyncStatusState } from './syncStatusSlice';
import { createUiSlice, initialUiState } from './uiSlice';
import type { AppState, DataOf } from './types';

/** Every data member at start-up (no actions): `store.setState(initialState)` resets a store between tests. */
export const initialState: Readonly<DataOf<AppState>> = Object.freeze({
  ...initialIntakeState,
  ...initialSessionState,
  ...initialLlmStatusState,
  ...initialSyncStatusState,
  ...initialSessionRemovalState,
  ...initialAuthState,
  ...initialHistoryState,
  ...initialExportState,
  ...initialAnalyticsState,
  ...initialHistoryFormatState,
  ...initialUiState,
});

/** What the store takes besides the api. */
export interface AppStoreOptions {
  /** A monotonic clock in milliseconds (throttles activity reports); tests pass their own. */
  now?: () => number;
  /**
   * The history store past sessions are listed, opened and resumed from (the app passes `historyStore`; tests a
   * store of their own). Without one, the sessions list stays empty and nothing is resumed from history.
   */
  history?: HistoryStore | null;
  /** Delay before the list refreshes after main delivers a record (tests shorten it). */
  historyRefreshDelayMs?: number;
  /** Pause in typing before the sessions search runs (tests shorten it). */
  historySearchDelayMs?: number;
  /** Index the whole history for search at unlock (default true; tests that count `vault.open` calls turn it off). */
  indexHistory?: boolean;
}

/** A store with a way to drop its subscriptions to main's events. */
export interface AppStore extends StoreApi<AppState> {
  /** Unsubscribes from main's events (hot reload, tests). */
  dispose(): void;
}

/**
 * Creates the store and subscribes it, once, to main's streaming events. Deliberately no `persist` middleware and
 * no web storage: patient data lives in memory only and is gone with "New patient", a lock or the window.
 */
export function createAppStore(api: AppApi, options: AppStoreOptions = {}): AppStore {
  const now = options.now ?? (() => performance.now());
  const history = options.history ?? null;
  const store = createStore<AppState>()((...args) => ({
    ...createIntakeSlice()(...args),
    ...createSessionSlice(api, history)(...args),
    ...createLlmStatusSlice(api)(...args),
    ...createSyncStatusSlice(api)(...args),
    ...createSessionRemovalSlice(api)(...args),
    ...createAuthSlice(api, now)(...args),
    ...createHistorySlice(api, history, {
      refreshDelayMs: options.historyRefreshDelayMs,
      searchDelayMs: options.historySearchDelayMs,
      indexHistory: options.indexHistory,
    })(...args),
    ...createExportSlice(api, history)(...args),
    ...createAnalyticsSlice(api)(...args),
    ...createHistoryFormatSlice(history)(...args),
    ...createPatientDataSlice()(...args),
    ...createUiSlice(api)(...args),
  }));
  const unsubscribes = [
    api.protocol.onTurnStarted((event) => store.getState().receiveTurnStarted(event)),
    api.protocol.onDelta((event) => store.getState().receiveDelta(event)),
    api.llm.onStatusChanged((status) => store.getState().receiveLlmStatus(status)),
    api.sync.onStatusChanged((status) => store.getState().receiveSyncStatus(status)),
    // Locking (by the clinician, idle logoff or the OS) clears patient data from the store in the same update.
    api.auth.onStateChanged((state) => store.getState().receiveAuthState(state)),
    // The history store writes every delivered record (db/historySync); the sessions list follows shortly after.
    api.vault.onRecord((delivery) => {
      store.getState().noteRecordDelivered();
      // A turn of the shown session from another workstation (pulled by sync): the open view shows it too.
      store.getState().noteRecordsDelivered(delivery);
    }),
    // Sessions main shredded by itself (deleted on another workstation, retention) leave the page at once.
    api.sessions.onRemoved((payload) => store.getState().receiveSessionsRemoved(payload)),
    api.sync.onUnsyncedSessionsChanged((payload) => store.getState().receiveUnsyncedSessions(payload)),
  ];
  return {
    ...store,
    dispose: () => unsubscribes.forEach((unsubscribe) => unsubscribe()),
  };
}
