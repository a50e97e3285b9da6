import { useEffect, useId, useRef, type KeyboardEvent } from 'react';
import { createPortal } from 'react-dom';
import { FocusKeepingButton } from '../../components/FocusKeepingButton';
import { FOCUSABLE_SELECTOR, trappedFocusIndex } from './dialogFocus';
import { DELETE_DIALOG_TITLE, deleteWarning } from './deleteText';

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
  const dialogRef = useRef<HTMLDivElement>(null);
  const cancelRef = useRef<HTMLButtonElement>(null);
  const titleId = useId();
  const warningId = useId();

  useEffect(() => {
    // Modal for everyone: the app behind is inert (no focus, no reading by a screen reader's cursor) while it shows.
    // The dialog is portalled beside the app's root, so it stays live.
    const app = document.getElementById('root');
    const wasInert = app?.inert ?? false;
    if (app) app.inert = true;
    cancelRef.current?.focus();
    return () => {
      if (app) app.inert = wasInert;
    };
  }, []);

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>): void => {
    if (event.key === 'Escape') {
      // Not also "Stop" for a running answer (its shortcut listens on the window).
      event.stopPropagation();
      event.preventDefault();
      if (!busy) onCancel();
      return;
    }
    if (event.key !== 'Tab' || dialogRef.current === null) return;
    const controls = [...dialogRef.current.querySelectorAll<HTMLElement>(FOCUSABLE_SELECTOR)];
    const next = trappedFocusIndex(controls.indexOf(document.activeElement as HTMLElement), controls.length, event.shiftKey);
    if (next === null) return;
    event.preventDefault();
    controls[next]?.focus();
  };

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
