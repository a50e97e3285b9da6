import { useEffect } from 'react';
import { Disclaimer } from './components/Disclaimer';
import { AccountControls } from './features/auth/AccountControls';
import { AuthGate } from './features/auth/AuthGate';
import { useActivityReporting } from './features/auth/useActivityReporting';
import { ConversationView } from './features/conversation/ConversationView';
import { SessionsSidebar } from './features/history/SessionsSidebar';
import { IntakeForm } from './features/intake/IntakeForm';
import { AnalyticsView } from './features/analytics/AnalyticsView';
import { SettingsScreen } from './features/settings/SettingsScreen';
import { useAppliedTheme } from './features/settings/useAppliedTheme';
import { LlmStatusLine } from './features/status/LlmStatusLine';
import { SyncStatusLine } from './features/status/SyncStatusLine';
import { useEscapeToStop } from './features/conversation/useEscapeToStop';
import { useAppStore } from './stores/appStore';
import type { Screen } from './stores/uiSlice';

/**
 * The app shell. Until a clinician is signed in, only the lock screen; then the title, the model-server status, the
 * sync status (when sync is on), the screen switch and the account controls; then the main screen (the sessions
 * sidebar beside the intake form or the session), the settings or the analytics, with the standing notice under it.
 */
export function App() {
  const checkLlmStatus = useAppStore((s) => s.checkLlmStatus);
  const loadAuth = useAppStore((s) => s.loadAuth);
  const loadSettings = useAppStore((s) => s.loadSettings);

  // Once at start-up: who is signed in, whether the model server answers, and the settings (for the theme) — all
  // allowed while locked, so the lock screen has the clinician's theme too.
  useEffect(() => {
    void loadAuth();
    void checkLlmStatus();
    void loadSettings();
  }, [loadAuth, checkLlmStatus, loadSettings]);
  useAppliedTheme();

  // Keys, clicks and wheel turns keep main's idle logoff at bay (reported only while unlocked, throttled).
  useActivityReporting();

  return (
    <AuthGate>
      <UnlockedApp />
    </AuthGate>
  );
}

/** The screens the header switches between. */
const SCREENS: readonly (readonly [Screen, string])[] = [
  ['main', 'Patients'],
  ['analytics', 'Analytics'],
  ['settings', 'Settings'],
];

/** The app as a signed-in clinician sees it. */
function UnlockedApp() {
  const view = useAppStore((s) => s.view);
  const screen = useAppStore((s) => s.screen);
  const showScreen = useAppStore((s) => s.showScreen);
  // Esc stops a running answer from anywhere in the app (keyboard-first: the Stop button's twin).
  useEscapeToStop();
  return (
    <div className="app">
      <header className="app-header">
        <h1 className="app-title">Clinic Protocol Assistant</h1>
        <div className="app-header-end">
          <LlmStatusLine />
          <SyncStatusLine />
          <nav className="app-nav" aria-label="Screens">
            {SCREENS.map(([target, label]) => (
              <button
                key={target}
                type="button"
                className="button-quiet"
                aria-current={screen === target ? 'page' : undefined}
                onClick={() => showScreen(target)}
              >
                {label}
              </button>
            ))}
          </nav>
          <AccountControls />
        </div>
      </header>
      {/*
        Header and body fill the window exactly and the page itself never scrolls: the sidebar's list and the main
        column each scroll on their own, and the standing notice sits under the main column, always in view.
      */}
      <div className="app-body">
        {screen === 'main' && <SessionsSidebar />}
        <div className="app-column">
          {/* A new scroll area per screen (keyed), so each opens at its top, not where the last one was left. */}
          {screen === 'main' ? (
            <main key={view} className="app-main">
              {view === 'intake' ? <IntakeForm /> : <ConversationView />}
            </main>
          ) : (
            <main key={screen} className="app-main app-screen">
              {screen === 'settings' ? <SettingsScreen /> : <AnalyticsView />}
            </main>
          )}
          <Disclaimer />
        </div>
      </div>
    </div>
  );
}
