import { useId, useRef, useState, type FormEvent } from 'react';
import { ErrorAlert } from '../../components/ErrorAlert';
import { useAppStore } from '../../stores/appStore';
import { checkNewPassphrase, checkProfileName, NEW_PASSPHRASE_HINT } from './authText';
import { PassphraseField } from './PassphraseField';
import { ProfileNameField } from './ProfileNameField';

/** Props of {@link CreateProfileForm}. */
export interface CreateProfileFormProps {
  /** Back to the unlock form; absent when there is no profile to unlock. */
  onCancel?: () => void;
}

/**
 * "Name", "Passphrase", "Confirm passphrase", "Create profile". Creating signs the new profile in. Both passphrase
 * boxes are cleared on every submit, whatever the outcome.
 */
export function CreateProfileForm({ onCancel }: CreateProfileFormProps) {
  const busy = useAppStore((s) => s.authBusy);
  const authError = useAppStore((s) => s.authError);
  const createProfile = useAppStore((s) => s.createProfile);

  const [name, setName] = useState('');
  const [passphrase, setPassphrase] = useState('');
  const [confirmation, setConfirmation] = useState('');
  const [localError, setLocalError] = useState<string | null>(null);
  const nameRef = useRef<HTMLInputElement>(null);
  const passphraseRef = useRef<HTMLInputElement>(null);
  const id = useId();

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    const typed = passphrase;
    const problem = checkProfileName(name) ?? checkNewPassphrase(typed, confirmation);
    setPassphrase('');
    setConfirmation('');
    setLocalError(problem);
    if (problem !== null) {
      (checkProfileName(name) !== null ? nameRef : passphraseRef).current?.focus();
      return;
    }
    const created = await createProfile(name.trim(), typed);
    if (!created) passphraseRef.current?.focus();
  };

  return (
    <form className="auth-form" noValidate aria-busy={busy} onSubmit={(event) => void submit(event)}>
      <ErrorAlert message={localError ?? authError?.message ?? null} />
      <ProfileNameField id={`${id}-name`} value={name} onChange={setName} autoComplete="off" inputRef={nameRef} />
      <PassphraseField
        id={`${id}-passphrase`}
        label="Passphrase"
        value={passphrase}
        onChange={setPassphrase}
        autoComplete="new-password"
        describedBy={`${id}-hint`}
        inputRef={passphraseRef}
      />
      <p id={`${id}-hint`} className="form-hint field-hint">
        {NEW_PASSPHRASE_HINT}
      </p>
      <PassphraseField
        id={`${id}-confirm`}
        label="Confirm passphrase"
        value={confirmation}
        onChange={setConfirmation}
        autoComplete="new-password"
      />
      <div className="form-actions">
        <button type="submit" className="button-primary" disabled={busy}>
          Create profile
        </button>
        {onCancel && (
          <button type="button" className="button-secondary" onClick={onCancel} disabled={busy}>
            Cancel
          </button>
        )}
        <p className="form-hint" role="status">
          {busy ? 'Creating the profile…' : ''}
        </p>
      </div>
    </form>
  );
}
