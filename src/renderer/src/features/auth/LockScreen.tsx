import { useState } from 'react';
import { Disclaimer } from '../../components/Disclaimer';
import { useAppStore } from '../../stores/appStore';
import { ASK_IT_MESSAGE, CLINIC_SIGN_IN_HINT, lockReasonText } from './authText';
import { ClinicSignInForm } from './ClinicSignInForm';
import { CreateProfileForm } from './CreateProfileForm';
import { UnlockForm } from './UnlockForm';

/** Which form the lock screen shows. */
type LockForm = 'unlock' | 'create' | 'clinic';

/**
 * Shown instead of the app while no clinician is signed in. The app's own views are not mounted at all, and the
 * store holds no patient data by then (the lock cleared it), so nothing of a patient is on the page. With a clinic
 * sync server in the policy it also offers "Sign in with a clinic profile" (a profile made on another workstation).
 */
export function LockScreen() {
  const reason = useAppStore((s) => s.authState?.reason ?? null);
  const profileCount = useAppStore((s) => s.profiles.length);
  const profilesLoaded = useAppStore((s) => s.profilesLoaded);
  const selfCreationAllowed = useAppStore((s) => s.selfCreationAllowed);
  // Read at start-up while locked (settings are allowed then); until read, the clinic sign-in is not offered.
  const syncOn = useAppStore((s) => (s.settingsView?.values.syncServerUrl ?? null) !== null);
  const clearAuthError = useAppStore((s) => s.clearAuthError);
  const [chosen, setChosen] = useState<LockForm>('unlock');

  const noProfiles = profilesLoaded && profileCount === 0;
  const form: LockForm = chosen === 'clinic' && syncOn ? 'clinic' : noProfiles || chosen === 'create' ? 'create' : 'unlock';
  const showCreate = form === 'create';
  const reasonText = lockReasonText(reason);
  const switchTo = (next: LockForm) => {
    clearAuthError();
    setChosen(next);
  };
  const offerClinic = syncOn && profilesLoaded && form !== 'clinic';

  return (
    <div className="app">
      <header className="app-header">
        <h1 className="app-title">Clinic Protocol Assistant</h1>
      </header>
      <main className="app-main lock-main">
        <section className="lock-card" aria-labelledby="lock-title">
          <h2 id="lock-title" className="section-title">
            {form === 'clinic' ? 'Sign in with a clinic profile' : showCreate ? 'Create your profile' : 'Sign in'}
          </h2>
          {reasonText !== null && (
            <p className="lock-reason" data-testid="lock-reason">
              {reasonText}
            </p>
          )}
          {form === 'clinic' ? (
            <ClinicSignInForm onCancel={() => switchTo('unlock')} />
          ) : showCreate ? (
            selfCreationAllowed ? (
              <CreateProfileForm onCancel={noProfiles ? undefined : () => switchTo('unlock')} />
            ) : (
              <>
                <p className="lock-explanation" data-testid="ask-it">
                  {noProfiles ? 'There is no clinician profile on this workstation yet. ' : ''}
                  {ASK_IT_MESSAGE}
                </p>
                {!noProfiles && (
                  <button type="button" className="button-secondary" onClick={() => switchTo('unlock')}>
                    Cancel
                  </button>
                )}
              </>
            )
          ) : profilesLoaded ? (
            <>
              <UnlockForm onNewProfile={selfCreationAllowed ? () => switchTo('create') : undefined} />
              {!selfCreationAllowed && (
                <p className="form-hint lock-explanation" data-testid="ask-it">
                  New here? {ASK_IT_MESSAGE}
                </p>
              )}
            </>
          ) : (
            <ProfilesLoading />
          )}
          {offerClinic && (
            <div className="lock-clinic" data-testid="clinic-sign-in-offer">
              <p className="form-hint">{CLINIC_SIGN_IN_HINT}</p>
              <button type="button" className="button-secondary" onClick={() => switchTo('clinic')}>
                Sign in with a clinic profile
              </button>
            </div>
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
