import { useState } from 'react';
import { useAppStore } from '../../stores/appStore';
import { ChangePassphraseForm } from './ChangePassphraseForm';

/**
 * The header's account corner: who is signed in (`data-testid="signed-in-as"`), "Change passphrase" and "Lock",
 * which clears the page at once and hands over to the lock screen.
 */
export function AccountControls() {
  const name = useAppStore((s) => s.authState?.profileName ?? null);
  const lock = useAppStore((s) => s.lock);
  const clearAuthError = useAppStore((s) => s.clearAuthError);
  const [changing, setChanging] = useState(false);
  const [changed, setChanged] = useState(false);

  const openChange = (open: boolean) => {
    clearAuthError();
    setChanged(false);
    setChanging(open);
  };

  return (
    <>
      <div className="account">
        <span className="account-name">
          Signed in as <strong data-testid="signed-in-as">{name ?? 'unknown clinician'}</strong>
        </span>
        <button
          type="button"
          className="button-quiet"
          aria-expanded={changing}
          aria-controls={changing ? 'change-passphrase' : undefined}
          onClick={() => openChange(!changing)}
        >
          Change passphrase
        </button>
        <button type="button" className="button-secondary" onClick={() => void lock()}>
          Lock
        </button>
        <span className="account-note" role="status">
          {changed ? 'Passphrase changed.' : ''}
        </span>
      </div>
      {changing && (
        <div id="change-passphrase" className="account-panel-row">
          <ChangePassphraseForm
            onDone={(done) => {
              openChange(false);
              setChanged(done);
            }}
          />
        </div>
      )}
    </>
  );
}
