import type { ReactNode } from 'react';
import { useAppStore } from '../../stores/appStore';
import { LockScreen } from './LockScreen';

/** Props of {@link AuthGate}. */
export interface AuthGateProps {
  /** The app, mounted only while a clinician is signed in. */
  children: ReactNode;
}

/**
 * Mounts the app only while main says a clinician is signed in; otherwise the lock screen, or a short loading
 * state until main has said anything (nothing of the app is shown on a guess).
 */
export function AuthGate({ children }: AuthGateProps) {
  const state = useAppStore((s) => s.authState?.state ?? null);
  if (state === null) return <AuthLoading />;
  if (state !== 'unlocked') return <LockScreen />;
  return children;
}

/** Before main has told the page who is signed in. */
function AuthLoading() {
  const authError = useAppStore((s) => s.authError);
  const loadAuth = useAppStore((s) => s.loadAuth);
  return (
    <div className="app">
      <header className="app-header">
        <h1 className="app-title">Clinic Protocol Assistant</h1>
      </header>
      <main className="app-main lock-main">
        {authError === null ? (
          <p className="muted" role="status" data-testid="auth-loading">
            Checking who is signed in…
          </p>
        ) : (
          <>
            <div className="alert" role="alert">
              {authError.message}
            </div>
            <button type="button" className="button-secondary" onClick={() => void loadAuth()}>
              Try again
            </button>
          </>
        )}
      </main>
    </div>
  );
}
