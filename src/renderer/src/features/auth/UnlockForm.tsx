import { useId, useRef, useState, type FormEvent } from 'react';
import { ErrorAlert } from '../../components/ErrorAlert';
import { useAppStore } from '../../stores/appStore';
import { PassphraseField } from './PassphraseField';

/** Props of {@link UnlockForm}. */
export interface UnlockFormProps {
  /** Opens the new-profile form; absent when IT reserves profile creation. */
  onNewProfile?: () => void;
}

/**
 * Choose a clinician ("Clinician"), type the passphrase ("Passphrase"), "Unlock". A wrong passphrase shows main's
 * message in an alert; main waits longer after each wrong try, so the form shows that it is checking meanwhile.
 */
export function UnlockForm({ onNewProfile }: UnlockFormProps) {
  const profiles = useAppStore((s) => s.profiles);
  const lastProfileId = useAppStore((s) => s.authState?.profileId ?? null);
  const busy = useAppStore((s) => s.authBusy);
  const authError = useAppStore((s) => s.authError);
  const unlock = useAppStore((s) => s.unlock);
  const clearAuthError = useAppStore((s) => s.clearAuthError);

  const [chosen, setChosen] = useState<string | null>(null);
  const [passphrase, setPassphrase] = useState('');
  const [localError, setLocalError] = useState<string | null>(null);
  const passphraseRef = useRef<HTMLInputElement>(null);
  const id = useId();

  // The clinician's choice if still listed, else whoever was signed in last, else the first profile.
  const profileId =
    [chosen, lastProfileId].find((candidate) => profiles.some((p) => p.profileId === candidate)) ?? profiles[0]?.profileId ?? '';

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    if (passphrase === '') {
      setLocalError('Please type your passphrase.');
      passphraseRef.current?.focus();
      return;
    }
    const typed = passphrase;
    // The passphrase leaves the page's state as it is sent: nothing keeps it once main has it.
    setPassphrase('');
    setLocalError(null);
    const unlocked = await unlock(profileId, typed);
    if (!unlocked) passphraseRef.current?.focus();
  };

  return (
    <form className="auth-form" noValidate aria-busy={busy} onSubmit={(event) => void submit(event)}>
      <ErrorAlert message={localError ?? authError?.message ?? null} />
      <div className="field">
        <div className="field-label-row">
          <label htmlFor={`${id}-clinician`}>Clinician</label>
        </div>
        <select
          id={`${id}-clinician`}
          className="input select"
          value={profileId}
          onChange={(event) => {
            setChosen(event.target.value);
            setLocalError(null);
            clearAuthError();
          }}
        >
          {profiles.map((profile) => (
            <option key={profile.profileId} value={profile.profileId}>
              {profile.name}
            </option>
          ))}
        </select>
      </div>
      <PassphraseField
        id={`${id}-passphrase`}
        label="Passphrase"
        value={passphrase}
        onChange={setPassphrase}
        autoComplete="current-password"
        inputRef={passphraseRef}
        autoFocus
      />
      <div className="form-actions">
        <button type="submit" className="button-primary" disabled={busy || profileId === ''}>
          Unlock
        </button>
        {onNewProfile && (
          <button type="button" className="button-secondary" onClick={onNewProfile} disabled={busy}>
            New profile
          </button>
        )}
        <p className="form-hint" role="status">
          {busy ? 'Checking the passphrase…' : ''}
        </p>
      </div>
    </form>
  );
}
