/**
 * The local analytics screen's data: main's figures (`api.vault.analytics`) — history figures (sessions per day, turns
 * per session, one-turn sessions, peak hours, regenerations) computed by main from the authenticated headers of the
 * records it opened or sealed since unlock, and inference time and trimmed histories from the turns' sealed metadata.
 * The page computes nothing from its own rows: their plaintext fields could have been edited by anyone with access to
 * the page's store. Numbers only; still dropped on lock, like everything of the signed-in clinician.
 */
import type { AppApi } from '../../../preload/apiTypes';
import type { MetadataAnalytics } from '../../../shared/analytics';
import type { ErrorPayload } from '../../../shared/errors';
import { BRIDGE_FAILED } from './history/historyErrors';
import { signedInOwner } from './history/signedInPeriod';
import type { DataOf, SliceCreator } from './types';

/** Analytics data and actions. */
export interface AnalyticsSlice {
  analyticsStatus: 'idle' | 'loading' | 'ready' | 'error';
  /** Main's figures as last read. */
  analyticsReport: MetadataAnalytics | null;
  analyticsError: ErrorPayload | null;
  /** Asks main for its figures. */
  loadAnalytics(): Promise<void>;
}

/** Nothing computed. */
export const initialAnalyticsState: Readonly<DataOf<AnalyticsSlice>> = Object.freeze({
  analyticsStatus: 'idle',
  analyticsReport: null,
  analyticsError: null,
});

/** Builds the analytics slice over `api`. */
export function createAnalyticsSlice(api: AppApi): SliceCreator<AnalyticsSlice> {
  return (set, get) => {
    let attempt = 0;
    return {
      ...initialAnalyticsState,

      async loadAnalytics() {
        const owner = signedInOwner(get());
        if (owner === null) return;
        const current = ++attempt;
        // Stale once another load starts or the clinician changes (a lock resets the slice).
        const stale = (): boolean => current !== attempt || signedInOwner(get()) !== owner;
        set({ analyticsStatus: 'loading', analyticsError: null });
        let answer: Awaited<ReturnType<AppApi['vault']['analytics']>>;
        try {
          answer = await api.vault.analytics();
        } catch {
          answer = { ok: false, error: BRIDGE_FAILED };
        }
        if (stale()) return;
        set(answer.ok ? { analyticsStatus: 'ready', analyticsReport: answer.data } : { analyticsStatus: 'error', analyticsError: answer.error });
      },
    };
  };
}
