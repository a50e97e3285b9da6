import { useId, useRef } from 'react';
import { createPortal } from 'react-dom';
import { FocusKeepingButton } from '../../components/FocusKeepingButton';
import { DELETE_DIALOG_TITLE, deleteWarning } from './deleteText';
import { useModalDialog } from './useModalDialog';

/** Props of {@link DeleteSessionDialog}. */
export interface DeleteSessionDialogProps {
  /** The delete reaches every workstation of the clinic (sync on, session kept). */
  readonly everywhere: boolean;
  /** Main is deleting: the confirm button says so and ignores presses. */
  readonly busy: boolean;
  /** Why the delete did not happen (main's words), shown in the dialog. */
  readonly error: string | null;
  onConfirm(): void;
  onCancel(): void;
}

/**
 * The confirmation before a session is deleted: an alert dialog (modal) that says what deleting does, with Cancel
 * focused first (the safe choice), the keyboard kept inside, the app behind made inert, and Escape to cancel. The
 * opener gives the focus back to the control that opened it when the dialog closes without deleting.
 */
export function DeleteSessionDialog({ everywhere, busy, error, onConfirm, onCancel }: DeleteSessionDialogProps) {
  const cancelRef = useRef<HTMLButtonElement>(null);
  const titleId = useId();
  const warningId = useId();
  const { dialogRef, onKeyDown } = useModalDialog(cancelRef, () => {
    if (!busy) onCancel();
  });

  const dialog = (
    <div className="dialog-backdrop">
      <div
        ref={dialogRef}
        className="dialog"
        role="alertdialog"
        aria-modal="true"
        aria-labelledby={titleId}
        aria-describedby={warningId}
        data-testid="delete-session-dialog"
        onKeyDown={onKeyDown}
      >
        <h2 id={titleId} className="dialog-title">
          {DELETE_DIALOG_TITLE}
        </h2>
        <p id={warningId}>{deleteWarning(everywhere)}</p>
        {error !== null && (
          <p className="dialog-error" role="alert" data-testid="delete-session-error">
            {error}
          </p>
        )}
        <div className="dialog-actions">
          <button ref={cancelRef} type="button" className="button-secondary" onClick={onCancel}>
            Cancel
          </button>
          <FocusKeepingButton className="button-danger" unavailable={busy} onPress={onConfirm}>
            {busy ? 'Deleting…' : 'Delete'}
          </FocusKeepingButton>
        </div>
      </div>
    </div>
  );
  // Server rendering (unit tests) has no document to portal into.
  return typeof document === 'undefined' ? dialog : createPortal(dialog, document.body);
}
