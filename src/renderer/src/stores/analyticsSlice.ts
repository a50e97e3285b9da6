/**
 * The local analytics screen's data: the page's own figures from its stored rows (plaintext fields only) and main's
 * figures from turn metadata (`api.vault.analytics`). Numbers only; still dropped on lock, like everything of the
 * signed-in clinician.
 */
import type { AppApi } from '../../../preload/apiTypes';
import type { MetadataAnalytics } from '../../../shared/analytics';
import type { ErrorPayload } from '../../../shared/errors';
import type { TurnRow } from '../db/database';
import { MAX_PAGE_SIZE } from '../db/recordStore';
import { computePageAnalytics, type PageAnalytics } from '../features/analytics/pageAnalytics';
import { BRIDGE_FAILED, READ_FAILED, type HistoryStore } from './historyRecords';
import type { DataOf, SliceCreator } from './types';

/** The analytics as last computed. */
export interface AnalyticsReport {
  page: PageAnalytics;
  main: MetadataAnalytics;
  /** Sessions stored, so the screen can say how much of the history main's figures cover. */
  storedSessions: number;
}

/** Analytics data and actions. */
export interface AnalyticsSlice {
  analyticsStatus: 'idle' | 'loading' | 'ready' | 'error';
  analyticsReport: AnalyticsReport | null;
  analyticsError: ErrorPayload | null;
  /** Reads every stored row of the clinician (ciphertext rows; only their plaintext fields are used) and asks main for its figures. */
  loadAnalytics(): Promise<void>;
}

/** Nothing computed. */
export const initialAnalyticsState: Readonly<DataOf<AnalyticsSlice>> = Object.freeze({
  analyticsStatus: 'idle',
  analyticsReport: null,
  analyticsError: null,
});

/** Builds the analytics slice over `api` and the history store. */
export function createAnalyticsSlice(api: AppApi, history: HistoryStore | null): SliceCreator<AnalyticsSlice> {
  return (set, get) => {
    let attempt = 0;
    return {
      ...initialAnalyticsState,

      async loadAnalytics() {
        const auth = get().authState;
        const owner = auth?.state === 'unlocked' ? auth.profileId : null;
        if (owner === null) return;
        const current = ++attempt;
        // Stale once another load starts or the clinician changes (a lock resets the slice).
        const stale = (): boolean => current !== attempt || get().authState?.profileId !== owner || get().authState?.state !== 'unlocked';
        set({ analyticsStatus: 'loading', analyticsError: null });
        const sessions: { id: string; createdAt: string }[] = [];
        const turns: TurnRow[] = [];
        try {
          if (history !== null) {
            let before: string | undefined;
            for (;;) {
              const page = await history.sessionsPage(owner, { ...(before === undefined ? {} : { before }), limit: MAX_PAGE_SIZE });
              if (stale()) return;
              for (const row of page.sessions) {
                sessions.push({ id: row.id, createdAt: row.createdAt });
                turns.push(...(await history.turnsOf(row.id)).filter((turn) => turn.ownerId === owner));
              }
              if (page.nextBefore === null) break;
              before = page.nextBefore;
            }
          }
        } catch {
          if (!stale()) set({ analyticsStatus: 'error', analyticsError: READ_FAILED });
          return;
        }
        let answer: Awaited<ReturnType<AppApi['vault']['analytics']>>;
        try {
          answer = await api.vault.analytics();
        } catch {
          answer = { ok: false, error: BRIDGE_FAILED };
        }
        if (stale()) return;
        if (!answer.ok) {
          set({ analyticsStatus: 'error', analyticsError: answer.error });
          return;
        }
        set({
          analyticsStatus: 'ready',
          analyticsReport: { page: computePageAnalytics(sessions, turns), main: answer.data, storedSessions: sessions.length },
        });
      },
    };
  };
}
