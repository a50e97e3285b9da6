import type { SettingKey, Settings, SettingsView } from '../../../shared/settings';
import type { OperationHandlers } from '../registrar';

/** The settings as the renderer may see them: the API key is reduced to whether one is set. */
export function settingsView(settings: Settings, lockedByPolicy: readonly SettingKey[]): SettingsView {
  const { llmApiKey, ...rest } = settings;
  return { values: { ...rest, llmApiKeySet: llmApiKey !== '' }, lockedByPolicy: [...lockedByPolicy] };
}

/** `api.settings.*`. */
export function settingsHandlers(view: () => SettingsView): Pick<OperationHandlers, 'settings.get'> {
  return { 'settings.get': async () => view() };
}
