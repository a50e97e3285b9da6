import { useEffect, useId, useRef } from 'react';
import { createPortal } from 'react-dom';
import { useAppStore } from '../../stores/appStore';
import { DISCARD_DIALOG_TITLE, DISCARD_WARNING } from '../../stores/history/unkeptSessionGuard';
import { useModalDialog } from './useModalDialog';

/**
 * Asks before a "Do not keep" session is discarded (New patient, another session opened): shown while the store holds
 * such an action (`pendingDiscard`). Mounted with the sidebar, which is always on the main screen, so every caller of
 * the guarded actions is covered.
 */
export function DiscardUnkeptPrompt() {
  const pending = useAppStore((s) => s.pendingDiscard !== null);
  const confirmDiscard = useAppStore((s) => s.confirmDiscard);
  const cancelDiscard = useAppStore((s) => s.cancelDiscard);
  return pending ? <DiscardUnkeptDialog onDiscard={confirmDiscard} onStay={cancelDiscard} /> : null;
}

/** Props of {@link DiscardUnkeptDialog}. */
export interface DiscardUnkeptDialogProps {
  onDiscard(): void;
  onStay(): void;
}

/**
 * The alert dialog (modal): "Stay" focused first (the safe choice), the keyboard kept inside, the app behind inert,
 * Escape to stay. Staying gives the focus back to the control that asked to leave (it is still on screen).
 */
export function DiscardUnkeptDialog({ onDiscard, onStay }: DiscardUnkeptDialogProps) {
  const stayRef = useRef<HTMLButtonElement>(null);
  const opener = useRef<HTMLElement | null>(null);
  const titleId = useId();
  const warningId = useId();
  // Declared before the modal's own effect, so it notes the control that asked to leave before "Stay" takes the focus.
  useEffect(() => {
    opener.current = document.activeElement instanceof HTMLElement ? document.activeElement : null;
  }, []);

  const stay = (): void => {
    const back = opener.current;
    onStay();
    // After the app stops being inert (the unmount), so the control can take the focus again.
    queueMicrotask(() => back?.isConnected && back.focus());
  };
  const { dialogRef, onKeyDown } = useModalDialog(stayRef, stay);

  const dialog = (
    <div className="dialog-backdrop">
      <div
        ref={dialogRef}
        className="dialog"
        role="alertdialog"
        aria-modal="true"
        aria-labelledby={titleId}
        aria-describedby={warningId}
        data-testid="discard-unkept-dialog"
        onKeyDown={onKeyDown}
      >
        <h2 id={titleId} className="dialog-title">
          {DISCARD_DIALOG_TITLE}
        </h2>
        <p id={warningId}>{DISCARD_WARNING}</p>
        <div className="dialog-actions">
          <button ref={stayRef} type="button" className="button-secondary" onClick={stay}>
            Stay
          </button>
          <button type="button" className="button-danger" onClick={onDiscard}>
            Discard and continue
          </button>
        </div>
      </div>
    </div>
  );
  // Server rendering (unit tests) has no document to portal into.
  return typeof document === 'undefined' ? dialog : createPortal(dialog, document.body);
}
