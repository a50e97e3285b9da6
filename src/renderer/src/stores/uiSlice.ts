/**
 * What the shell shows and how: the screen (main, settings, analytics), the settings as main reports them with the
 * clinician's theme preference, the diagnostics bundle for support, and the sessions list's date filter. None of it
 * is patient data: the diagnostics bundle is built PHI-free by main.
 */
import type { AppApi } from '../../../preload/apiTypes';
import type { SettingsView, ThemePreference } from '../../../shared/settings';
import type { DataOf, SliceCreator } from './types';

/** The screens of the signed-in app. */
export type Screen = 'main' | 'settings' | 'analytics';

/**
 * The sessions list's date filter, on last activity (`updatedAt`). `range` takes calendar days (`YYYY-MM-DD`, local
 * time) from and to, both included; an empty end is open.
 */
export type HistoryDateFilter =
  | { readonly kind: 'all' }
  | { readonly kind: 'today' }
  | { readonly kind: 'week' }
  | { readonly kind: 'range'; readonly from: string; readonly to: string };

/** The bounds a filter reads from the history store's index: `since` inclusive, `until` exclusive (ISO times). */
export interface HistoryListRange {
  readonly since?: string;
  readonly until?: string;
}

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Local midnight of a `YYYY-MM-DD` day, `offsetDays` later; null when it is not a date. */
function localDay(day: string, offsetDays = 0): Date | null {
  const match = DAY.exec(day);
  if (match === null) return null;
  const date = new Date(Number(match[1]), Number(match[2]) - 1, Number(match[3]) + offsetDays);
  return Number.isNaN(date.getTime()) ? null : date;
}

/** The index bounds of `filter` at `now` (local calendar days: "today" starts at this machine's midnight). */
export function historyListRange(filter: HistoryDateFilter, now: Date): HistoryListRange {
  const midnight = new Date(now.getFullYear(), now.getMonth(), now.getDate());
  switch (filter.kind) {
    case 'all':
      return {};
    case 'today':
      return { since: midnight.toISOString() };
    case 'week':
      // Today and the six days before it.
      return { since: new Date(now.getFullYear(), now.getMonth(), now.getDate() - 6).toISOString() };
    case 'range': {
      const from = localDay(filter.from);
      const to = localDay(filter.to, 1);
      return { ...(from ? { since: from.toISOString() } : {}), ...(to ? { until: to.toISOString() } : {}) };
    }
  }
}

/** UI data and actions. */
export interface UiSlice {
  screen: Screen;
  /** The settings as main last reported them (no secrets); null until read. */
  settingsView: SettingsView | null;
  /** Why reading or saving the settings failed, for the settings screen. */
  settingsError: string | null;
  settingsSaving: boolean;
  /** The diagnostics bundle as pretty JSON, once fetched. */
  diagnosticsText: string | null;
  diagnosticsLoading: boolean;
  diagnosticsError: string | null;
  historyDateFilter: HistoryDateFilter;
  /** The bounds the history slice reads pages with (from {@link historyDateFilter}). */
  historyListRange: HistoryListRange;
  showScreen(screen: Screen): void;
  /** Reads the settings from main (allowed while locked: the theme applies to the lock screen too). */
  loadSettings(): Promise<void>;
  /** Saves the clinician's theme through main (which refuses it when IT's policy sets the theme). */
  setThemePreference(theme: ThemePreference): Promise<void>;
  /** Asks main for the PHI-free diagnostics bundle. */
  loadDiagnostics(): Promise<void>;
  /** Filters the sessions list by last activity and reloads it from the store's index. */
  setHistoryDateFilter(filter: HistoryDateFilter): Promise<void>;
}

/** The main screen, nothing read yet, every session listed. */
export const initialUiState: Readonly<DataOf<UiSlice>> = Object.freeze<DataOf<UiSlice>>({
  screen: 'main',
  settingsView: null,
  settingsError: null,
  settingsSaving: false,
  diagnosticsText: null,
  diagnosticsLoading: false,
  diagnosticsError: null,
  historyDateFilter: { kind: 'all' },
  historyListRange: {},
});

/** Builds the UI slice over `api`; `now` is the wall clock (date filters count calendar days). */
export function createUiSlice(api: AppApi, now: () => Date = () => new Date()): SliceCreator<UiSlice> {
  return (set, get) => ({
    ...initialUiState,

    showScreen(screen) {
      set({ screen });
    },

    async loadSettings() {
      const result = await api.settings.get();
      set(result.ok ? { settingsView: result.data, settingsError: null } : { settingsError: result.error.message });
    },

    async setThemePreference(theme) {
      const before = get().settingsView;
      if (get().settingsSaving || before === null) return;
      // Shown at once (the radio and the page follow the click); put back if main refuses or cannot save it.
      set({ settingsSaving: true, settingsError: null, settingsView: { ...before, values: { ...before.values, theme } } });
      const result = await api.settings.set({ theme });
      set(result.ok ? { settingsView: result.data, settingsSaving: false } : { settingsView: before, settingsError: result.error.message, settingsSaving: false });
    },

    async loadDiagnostics() {
      if (get().diagnosticsLoading) return;
      set({ diagnosticsLoading: true, diagnosticsError: null });
      const result = await api.app.diagnostics();
      set(
        result.ok
          ? { diagnosticsText: JSON.stringify(result.data, null, 2), diagnosticsLoading: false }
          : { diagnosticsError: result.error.message, diagnosticsLoading: false },
      );
    },

    async setHistoryDateFilter(filter) {
      set({ historyDateFilter: filter, historyListRange: historyListRange(filter, now()) });
      await get().loadHistory();
    },
  });
}
