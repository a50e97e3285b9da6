import { useId, useRef, useState, type FormEvent } from 'react';
import { ErrorAlert } from '../../components/ErrorAlert';
import { useAppStore } from '../../stores/appStore';
import { checkNewPassphrase, NEW_PASSPHRASE_HINT } from './authText';
import { PassphraseField } from './PassphraseField';

/** Props of {@link ChangePassphraseForm}. */
export interface ChangePassphraseFormProps {
  /** Called after main accepted the new passphrase, or when the clinician cancels. */
  onDone(changed: boolean): void;
}

/** The signed-in clinician's passphrase change. All three boxes are cleared on every submit. */
export function ChangePassphraseForm({ onDone }: ChangePassphraseFormProps) {
  const busy = useAppStore((s) => s.authBusy);
  const authError = useAppStore((s) => s.authError);
  const changePassphrase = useAppStore((s) => s.changePassphrase);

  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [confirmation, setConfirmation] = useState('');
  const [localError, setLocalError] = useState<string | null>(null);
  const currentRef = useRef<HTMLInputElement>(null);
  const id = useId();

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    const typedCurrent = current;
    const typedNext = next;
    const problem = typedCurrent === '' ? 'Please type your current passphrase.' : checkNewPassphrase(typedNext, confirmation);
    setCurrent('');
    setNext('');
    setConfirmation('');
    setLocalError(problem);
    if (problem !== null) {
      currentRef.current?.focus();
      return;
    }
    const changed = await changePassphrase(typedCurrent, typedNext);
    if (changed) onDone(true);
    else currentRef.current?.focus();
  };

  return (
    <form className="auth-form account-panel" noValidate aria-busy={busy} aria-labelledby={`${id}-title`} onSubmit={(event) => void submit(event)}>
      <h2 id={`${id}-title`} className="section-title">
        Change passphrase
      </h2>
      <ErrorAlert message={localError ?? authError?.message ?? null} />
      <PassphraseField
        id={`${id}-current`}
        label="Current passphrase"
        value={current}
        onChange={setCurrent}
        autoComplete="current-password"
        inputRef={currentRef}
        autoFocus
      />
      <PassphraseField
        id={`${id}-new`}
        label="New passphrase"
        value={next}
        onChange={setNext}
        autoComplete="new-password"
        describedBy={`${id}-hint`}
      />
      <p id={`${id}-hint`} className="form-hint field-hint">
        {NEW_PASSPHRASE_HINT}
      </p>
      <PassphraseField
        id={`${id}-confirm`}
        label="Confirm new passphrase"
        value={confirmation}
        onChange={setConfirmation}
        autoComplete="new-password"
      />
      <div className="form-actions">
        <button type="submit" className="button-primary" disabled={busy}>
          Save new passphrase
        </button>
        <button type="button" className="button-secondary" onClick={() => onDone(false)} disabled={busy}>
          Cancel
        </button>
        <p className="form-hint" role="status">
          {busy ? 'Changing the passphrase…' : ''}
        </p>
      </div>
    </form>
  );
}
