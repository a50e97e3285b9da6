import { useEffect } from 'react';
import { Disclaimer } from './components/Disclaimer';
import { AccountControls } from './features/auth/AccountControls';
import { AuthGate } from './features/auth/AuthGate';
import { useActivityReporting } from './features/auth/useActivityReporting';
import { ConversationView } from './features/conversation/ConversationView';
import { SessionsSidebar } from './features/history/SessionsSidebar';
import { IntakeForm } from './features/intake/IntakeForm';
import { LlmStatusLine } from './features/status/LlmStatusLine';
import { useAppStore } from './stores/appStore';

/**
 * The app shell. Until a clinician is signed in, only the lock screen; then the title, the model-server status and
 * the account controls, the sessions sidebar beside the intake form or the session, and the standing notice.
 */
export function App() {
  const checkLlmStatus = useAppStore((s) => s.checkLlmStatus);
  const loadAuth = useAppStore((s) => s.loadAuth);

  // Once at start-up: who is signed in, and whether the model server answers (both allowed while locked).
  useEffect(() => {
    void loadAuth();
    void checkLlmStatus();
  }, [loadAuth, checkLlmStatus]);

  // Keys, clicks and wheel turns keep main's idle logoff at bay (reported only while unlocked, throttled).
  useActivityReporting();

  return (
    <AuthGate>
      <UnlockedApp />
    </AuthGate>
  );
}

/** The app as a signed-in clinician sees it. */
function UnlockedApp() {
  const view = useAppStore((s) => s.view);
  return (
    <div className="app">
      <header className="app-header">
        <h1 className="app-title">Clinic Protocol Assistant</h1>
        <div className="app-header-end">
          <LlmStatusLine />
          <AccountControls />
        </div>
      </header>
      <div className="app-body">
        <SessionsSidebar />
        <main className="app-main">{view === 'intake' ? <IntakeForm /> : <ConversationView />}</main>
      </div>
      <Disclaimer />
    </div>
  );
}
