import { describe, expect, it } from 'vitest';
import { SETTINGS_DEFAULTS } from '../../../shared/settings';
import { settingsView } from './settingsHandlers';

describe('settingsView', () => {
  it('never shows the API key to the renderer, only whether one is set', () => {
    const view = settingsView({ ...SETTINGS_DEFAULTS, llmApiKey: 'sk-secret-value' }, ['model']);
    expect(JSON.stringify(view)).not.toContain('sk-secret-value');
    expect(view.values.llmApiKeySet).toBe(true);
    expect(view.lockedByPolicy).toEqual(['model']);
  });
});
