import { useId, useRef, useState, type FormEvent } from 'react';
import { ErrorAlert } from '../../components/ErrorAlert';
import { useAppStore } from '../../stores/appStore';
import { checkClinicSignIn } from './authText';
import { PassphraseField } from './PassphraseField';
import { ProfileNameField } from './ProfileNameField';

/** Props of {@link ClinicSignInForm}. */
export interface ClinicSignInFormProps {
  /** Back to the form the lock screen showed before. */
  onCancel(): void;
}

/**
 * "Name", "Passphrase", "Sign in": a clinician's first sign-in on this workstation with the profile they use on
 * the clinic's other workstations. Main derives the keys from the passphrase (it never leaves the workstation) and
 * asks the sync server; its refusals show as they do for unlock — a wrong passphrase, the wait after too many
 * tries, the server unreachable. The passphrase box is cleared on every submit, whatever the outcome.
 */
export function ClinicSignInForm({ onCancel }: ClinicSignInFormProps) {
  const busy = useAppStore((s) => s.authBusy);
  const authError = useAppStore((s) => s.authError);
  const signInWithClinicProfile = useAppStore((s) => s.signInWithClinicProfile);

  const [name, setName] = useState('');
  const [passphrase, setPassphrase] = useState('');
  const [localError, setLocalError] = useState<string | null>(null);
  const nameRef = useRef<HTMLInputElement>(null);
  const passphraseRef = useRef<HTMLInputElement>(null);
  const id = useId();

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    const typed = passphrase;
    const problem = checkClinicSignIn(name, typed);
    // The passphrase leaves the page's state as it is sent (or refused here): nothing keeps it.
    setPassphrase('');
    setLocalError(problem?.message ?? null);
    if (problem !== null) {
      (problem.field === 'name' ? nameRef : passphraseRef).current?.focus();
      return;
    }
    const signedIn = await signInWithClinicProfile(name.trim(), typed);
    if (!signedIn) passphraseRef.current?.focus();
  };

  return (
    <form className="auth-form" noValidate aria-busy={busy} onSubmit={(event) => void submit(event)}>
      <ErrorAlert message={localError ?? authError?.message ?? null} />
      <ProfileNameField id={`${id}-name`} value={name} onChange={setName} autoComplete="username" describedBy={`${id}-hint`} inputRef={nameRef} />
      <p id={`${id}-hint`} className="form-hint field-hint">
        Your name as on the clinic’s other workstations.
      </p>
      <PassphraseField
        id={`${id}-passphrase`}
        label="Passphrase"
        value={passphrase}
        onChange={setPassphrase}
        autoComplete="current-password"
        inputRef={passphraseRef}
      />
      <div className="form-actions">
        <button type="submit" className="button-primary" disabled={busy}>
          Sign in
        </button>
        <button type="button" className="button-secondary" onClick={onCancel} disabled={busy}>
          Cancel
        </button>
        <p className="form-hint" role="status">
          {busy ? 'Checking with the clinic sync server…' : ''}
        </p>
      </div>
    </form>
  );
}
