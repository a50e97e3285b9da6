import { useEffect } from 'react';
import { Disclaimer } from './components/Disclaimer';
import { ConversationView } from './features/conversation/ConversationView';
import { IntakeForm } from './features/intake/IntakeForm';
import { LlmStatusLine } from './features/status/LlmStatusLine';
import { useAppStore } from './stores/appStore';

/** The app shell: title and model-server status, the intake form or the session, and the standing notice. */
export function App() {
  const view = useAppStore((s) => s.view);
  const checkLlmStatus = useAppStore((s) => s.checkLlmStatus);

  // Once at start-up, so the clinician knows before typing whether the model server answers.
  useEffect(() => {
    void checkLlmStatus();
  }, [checkLlmStatus]);

  return (
    <div className="app">
      <header className="app-header">
        <h1 className="app-title">Clinic Protocol Assistant</h1>
        <LlmStatusLine />
      </header>
      <main className="app-main">{view === 'intake' ? <IntakeForm /> : <ConversationView />}</main>
      <Disclaimer />
    </div>
  );
}
