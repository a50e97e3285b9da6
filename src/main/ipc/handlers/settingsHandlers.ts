import type { SettingKey, Settings, SettingsView } from '../../../shared/settings';
import type { OperationHandlers } from '../registrar';

/** The settings as the renderer may see them: secrets and keys are reduced to whether they are set. */
export function settingsView(settings: Settings, lockedByPolicy: readonly SettingKey[]): SettingsView {
  const { llmApiKey, recoveryPublicKey, ...rest } = settings;
  return {
    values: { ...rest, llmApiKeySet: llmApiKey !== '', recoveryKeyConfigured: recoveryPublicKey !== '' },
    lockedByPolicy: [...lockedByPolicy],
  };
}

/** `api.settings.*`. */
export function settingsHandlers(view: () => SettingsView): Pick<OperationHandlers, 'settings.get'> {
  return { 'settings.get': async () => view() };
}
