import { describe, expect, it } from 'vitest';
import { ok } from '../../../shared/errors';
import { SETTINGS_DEFAULTS } from '../../../shared/settings';
import { createAppStore } from './createAppStore';
import { createFakeApi } from './testing/fakeApi';
import { historyListRange } from './uiSlice';

// Local wall time: the filters count this machine's calendar days.
const NOW = new Date(2026, 2, 10, 15, 30);

describe('historyListRange', () => {
  it('bounds today, the last 7 days and a from–to range by local calendar days', () => {
    expect(historyListRange({ kind: 'all' }, NOW)).toEqual({});
    expect(historyListRange({ kind: 'today' }, NOW)).toEqual({ since: new Date(2026, 2, 10).toISOString() });
    expect(historyListRange({ kind: 'week' }, NOW)).toEqual({ since: new Date(2026, 2, 4).toISOString() });
    expect(historyListRange({ kind: 'range', from: '2026-02-01', to: '2026-02-28' }, NOW)).toEqual({
      since: new Date(2026, 1, 1).toISOString(),
      until: new Date(2026, 2, 1).toISOString(),
    });
    expect(historyListRange({ kind: 'range', from: '', to: '2026-02-28' }, NOW)).toEqual({ until: new Date(2026, 2, 1).toISOString() });
    expect(historyListRange({ kind: 'range', from: 'soon', to: '' }, NOW)).toEqual({});
  });
});

describe('ui slice', () => {
  it('saves the theme through main and shows what main answers', async () => {
    const fake = createFakeApi();
    const store = createAppStore(fake.api);
    await store.getState().loadSettings();
    await store.getState().setThemePreference('dark');
    expect(fake.settingsSetCalls).toEqual([{ theme: 'dark' }]);
    expect(store.getState().settingsView?.values.theme).toBe('dark');
    store.dispose();
  });

  it("shows main's refusal when the policy sets the theme", async () => {
    const fake = createFakeApi();
    fake.answerSettingsSet = () => Promise.resolve({ ok: false, error: { code: 'FORBIDDEN', message: "theme is set by your IT department's policy" } });
    const store = createAppStore(fake.api);
    await store.getState().loadSettings();
    await store.getState().setThemePreference('dark');
    expect(store.getState().settingsError).toContain('IT department');
    expect(store.getState().settingsView?.values.theme).toBe('system');
    store.dispose();
  });

  it('fetches the diagnostics bundle as readable JSON', async () => {
    const fake = createFakeApi();
    const store = createAppStore(fake.api);
    await store.getState().loadDiagnostics();
    expect(JSON.parse(store.getState().diagnosticsText!)).toMatchObject({ buildMode: 'harness' });
    store.dispose();
  });

  it('keeps SETTINGS_DEFAULTS and the fake in step (theme)', async () => {
    const fake = createFakeApi();
    const result = await fake.api.settings.get();
    expect(result).toEqual(ok(expect.objectContaining({ userSettable: ['theme'] })));
    expect(SETTINGS_DEFAULTS.theme).toBe('system');
  });
});
