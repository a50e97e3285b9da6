import { describe, expect, it } from 'vitest';
import { resolveSettings } from '../../config/resolveSettings';
import { SETTINGS_DEFAULTS } from '../../../shared/settings';
import { settingsView } from './settingsHandlers';

describe('settingsView', () => {
  it('never shows the API key to the renderer, only whether one is set', () => {
    const view = settingsView({ ...SETTINGS_DEFAULTS, llmApiKey: 'sk-secret-value' }, ['model']);
    expect(JSON.stringify(view)).not.toContain('sk-secret-value');
    expect(view.values.llmApiKeySet).toBe(true);
    expect(view.lockedByPolicy).toEqual(['model']);
  });

  it('says no setting is locked when no policy is loaded, and exactly the keys a policy sets when one is', () => {
    const env = { name: 'environment', values: { llmBaseUrl: 'http://127.0.0.1:9999/v1', allowBasicTextKeyStorage: true } };
    const none = resolveSettings('harness', { env });
    expect(settingsView(none.settings, none.lockedByPolicy).lockedByPolicy).toEqual([]);
    const two = resolveSettings('harness', { env, policy: { name: 'policy', values: { retentionDays: 30, idleLockMinutes: 5 } } });
    expect([...settingsView(two.settings, two.lockedByPolicy).lockedByPolicy].sort()).toEqual(['idleLockMinutes', 'retentionDays']);
  });
});
