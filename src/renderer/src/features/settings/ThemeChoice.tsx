import type { ThemePreference } from '../../../../shared/settings';
import { useAppStore } from '../../stores/appStore';
import { LOCKED_BY_POLICY } from './LockedNote';

const THEMES: readonly { value: ThemePreference; label: string }[] = [
  { value: 'system', label: 'Same as the operating system' },
  { value: 'light', label: 'Light' },
  { value: 'dark', label: 'Dark' },
];

/** The theme preference: the one setting a clinician changes here, unless IT's policy sets it. */
export function ThemeChoice() {
  const theme = useAppStore((s) => s.settingsView?.values.theme ?? 'system');
  const settable = useAppStore((s) => s.settingsView?.userSettable.includes('theme') ?? false);
  const saving = useAppStore((s) => s.settingsSaving);
  const setThemePreference = useAppStore((s) => s.setThemePreference);
  return (
    <fieldset className="fieldset settings-theme" disabled={!settable || saving} aria-describedby={settable ? undefined : 'theme-locked'}>
      <legend>Theme</legend>
      {THEMES.map((option) => (
        <label key={option.value} className="settings-radio">
          <input
            type="radio"
            name="theme"
            value={option.value}
            checked={theme === option.value}
            onChange={() => void setThemePreference(option.value)}
          />{' '}
          {option.label}
        </label>
      ))}
      {!settable && (
        <p id="theme-locked" className="settings-locked" data-testid="theme-locked">
          {LOCKED_BY_POLICY}
        </p>
      )}
    </fieldset>
  );
}
