import { useState } from 'react';
import { Disclaimer } from '../../components/Disclaimer';
import { useAppStore } from '../../stores/appStore';
import { ASK_IT_MESSAGE, lockReasonText } from './authText';
import { CreateProfileForm } from './CreateProfileForm';
import { UnlockForm } from './UnlockForm';

/**
 * Shown instead of the app while no clinician is signed in. The app's own views are not mounted at all, and the
 * store holds no patient data by then (the lock cleared it), so nothing of a patient is on the page.
 */
export function LockScreen() {
  const reason = useAppStore((s) => s.authState?.reason ?? null);
  const profileCount = useAppStore((s) => s.profiles.length);
  const profilesLoaded = useAppStore((s) => s.profilesLoaded);
  const selfCreationAllowed = useAppStore((s) => s.selfCreationAllowed);
  const clearAuthError = useAppStore((s) => s.clearAuthError);
  const [creating, setCreating] = useState(false);

  const noProfiles = profilesLoaded && profileCount === 0;
  const showCreate = noProfiles || creating;
  const reasonText = lockReasonText(reason);
  const switchTo = (create: boolean) => {
    clearAuthError();
    setCreating(create);
  };

  return (
    <div className="app">
      <header className="app-header">
        <h1 className="app-title">Clinic Protocol Assistant</h1>
      </header>
      <main className="app-main lock-main">
        <section className="lock-card" aria-labelledby="lock-title">
          <h2 id="lock-title" className="section-title">
            {showCreate ? 'Create your profile' : 'Sign in'}
          </h2>
          {reasonText !== null && (
            <p className="lock-reason" data-testid="lock-reason">
              {reasonText}
            </p>
          )}
          {showCreate ? (
            selfCreationAllowed ? (
              <CreateProfileForm onCancel={noProfiles ? undefined : () => switchTo(false)} />
            ) : (
              <>
                <p className="lock-explanation" data-testid="ask-it">
                  {noProfiles ? 'There is no clinician profile on this workstation yet. ' : ''}
                  {ASK_IT_MESSAGE}
                </p>
                {!noProfiles && (
                  <button type="button" className="button-secondary" onClick={() => switchTo(false)}>
                    Cancel
                  </button>
                )}
              </>
            )
          ) : profilesLoaded ? (
            <>
              <UnlockForm onNewProfile={selfCreationAllowed ? () => switchTo(true) : undefined} />
              {!selfCreationAllowed && (
                <p className="form-hint lock-explanation" data-testid="ask-it">
                  New here? {ASK_IT_MESSAGE}
                </p>
              )}
            </>
          ) : (
            <ProfilesLoading />
          )}
        </section>
      </main>
      <Disclaimer />
    </div>
  );
}

/** The profile list is not read yet (or could not be: then the error and a retry). */
function ProfilesLoading() {
  const authError = useAppStore((s) => s.authError);
  const loadAuth = useAppStore((s) => s.loadAuth);
  if (authError === null) {
    return (
      <p className="muted" role="status">
        Loading the clinician profiles…
      </p>
    );
  }
  return (
    <>
      <div className="alert" role="alert">
        {authError.message}
      </div>
      <button type="button" className="button-secondary" onClick={() => void loadAuth()}>
        Try again
      </button>
    </>
  );
}
