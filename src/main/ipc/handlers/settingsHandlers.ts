import type { SettingKey, Settings, SettingsView } from '../../../shared/settings';
import type { ClinicianPreferences } from '../../config/clinicianPreferences';
import { userSettableNow } from '../../config/userSettings';
import type { OperationHandlers } from '../registrar';

/** The settings as the renderer may see them: secrets and keys are reduced to whether they are set. */
export function settingsView(settings: Settings, lockedByPolicy: readonly SettingKey[]): SettingsView {
  // The enrollment secret is not even said to be set: the page has no use for it, and no secret goes to the page.
  const { llmApiKey, recoveryPublicKey, extraCaCertificates, syncEnrollmentSecret: _secret, ...rest } = settings;
  return {
    values: {
      ...rest,
      llmApiKeySet: llmApiKey !== '',
      recoveryKeyConfigured: recoveryPublicKey !== '',
      extraCaCount: extraCaCertificates.length,
    },
    lockedByPolicy: [...lockedByPolicy],
    userSettable: userSettableNow(lockedByPolicy),
  };
}

/** `api.settings.*`: reading them, and the clinician changing their own preferences (payload checked by the registrar). */
export function settingsHandlers(
  preferences: ClinicianPreferences,
  lockedByPolicy: readonly SettingKey[],
): Pick<OperationHandlers, 'settings.get' | 'settings.set'> {
  return {
    'settings.get': async () => settingsView(preferences.current(), lockedByPolicy),
    'settings.set': async (update) => settingsView(await preferences.update(update), lockedByPolicy),
  };
}
