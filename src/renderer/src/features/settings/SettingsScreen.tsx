import { useEffect, useRef } from 'react';
import { ErrorAlert } from '../../components/ErrorAlert';
import { useAppStore } from '../../stores/appStore';
import { useTakeLostFocus } from '../focus/lostFocus';
import { DiagnosticsPanel } from './DiagnosticsPanel';
import { HistoryFormatNote } from './HistoryFormatNote';
import { LockedNote } from './LockedNote';
import { settingRows } from './settingLabels';
import { ThemeChoice } from './ThemeChoice';

/**
 * The settings screen: the clinician's own preference (the theme) to change, then every other setting as read-only
 * facts — each marked "Set by IT" (locked) only when the loaded IT policy sets it, none when no policy is loaded — how much of the stored history
 * is in the older record format, and the diagnostics bundle.
 */
export function SettingsScreen() {
  const view = useAppStore((s) => s.settingsView);
  const error = useAppStore((s) => s.settingsError);
  const loadSettings = useAppStore((s) => s.loadSettings);
  const showScreen = useAppStore((s) => s.showScreen);

  useEffect(() => {
    void loadSettings();
  }, [loadSettings]);
  // Shown with the focus lost (signed in again on this screen): its heading, so reading starts here.
  const titleRef = useRef<HTMLHeadingElement>(null);
  useTakeLostFocus(titleRef);

  const rows = view === null ? [] : settingRows(view).filter((row) => row.key !== 'theme');
  const policySets = rows.filter((row) => row.setByPolicy).length;
  return (
    <section className="settings" aria-labelledby="settings-title">
      <div className="settings-head">
        <h2 id="settings-title" ref={titleRef} className="section-title" tabIndex={-1}>
          Settings
        </h2>
        <button type="button" className="button-quiet" onClick={() => showScreen('main')}>
          Back to patients
        </button>
      </div>
      <ErrorAlert message={error} />
      {view === null ? (
        <p className="muted">Reading the settings…</p>
      ) : (
        <>
          <ThemeChoice />
          <section className="settings-section" aria-labelledby="settings-it-title">
            <h3 id="settings-it-title">Workstation settings</h3>
            <p className="muted" data-testid="settings-policy-note">
              {policySets === 0
                ? 'None of these can be changed in the app. No IT policy sets any of them on this workstation: they are the app’s defaults or its start-up configuration.'
                : `None of these can be changed in the app. Your IT department’s policy sets ${policySets === 1 ? '1 of them' : `${policySets} of them`}, marked “Set by IT”; the others are the app’s defaults or its start-up configuration.`}
            </p>
            <dl className="settings-list" data-testid="settings-list">
              {rows.map((row) => {
                const locked = row.setByPolicy;
                return (
                  <div key={row.key} className="settings-row" data-setting={row.policyKey} data-locked={locked || undefined}>
                    <dt>{row.label}</dt>
                    <dd>
                      <span className="settings-value">{row.value}</span> <LockedNote locked={locked} />
                    </dd>
                  </div>
                );
              })}
            </dl>
          </section>
          <HistoryFormatNote />
          <DiagnosticsPanel />
        </>
      )}
    </section>
  );
}
