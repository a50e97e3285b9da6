/**
 * The app's store instance, over `window.api`, and the hook components read it with. Components select one value
 * at a time (`useAppStore((s) => s.turnCount)`), so a streaming delta re-renders only what shows it.
 */
import { useStore } from 'zustand';
import { historyStore } from '../db/historySync';
import { api } from '../lib/api';
import { createAppStore } from './createAppStore';
import type { AppState } from './types';

/** The one store of the renderer. */
export const appStore = createAppStore(api, { history: historyStore });

/** Reads one value from the store; pass an atomic selector. */
export function useAppStore<T>(selector: (state: AppState) => T): T {
  return useStore(appStore, selector);
}

// On hot reload this module runs again and subscribes a new store: drop the old one's subscriptions first.
import.meta.hot?.dispose(() => appStore.dispose());
