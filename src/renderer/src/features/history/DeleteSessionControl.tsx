import { useEffect, useRef, useState } from 'react';
import { useAppStore } from '../../stores/appStore';
import { DeleteSessionDialog } from './DeleteSessionDialog';

/**
 * "Delete session" on the open session's header, and its confirmation. Main deletes (and, with sync on, queues the
 * delete for every workstation); the page forgets the session only once main has said it is deleted — the header then
 * goes with the session, and the sidebar confirms. Cancelled or failed, the focus returns to this button.
 */
export function DeleteSessionControl() {
  const sessionId = useAppStore((s) => s.sessionId);
  const notKept = useAppStore((s) => s.sessionNotKept);
  const syncOn = useAppStore((s) => s.syncStatus !== null && s.syncStatus.state !== 'off');
  const deleting = useAppStore((s) => s.deletingSessionId !== null);
  const error = useAppStore((s) => s.deleteSessionError);
  const deleteSession = useAppStore((s) => s.deleteSession);
  const clearError = useAppStore((s) => s.clearDeleteSessionError);
  const [open, setOpen] = useState(false);
  const openerRef = useRef<HTMLButtonElement>(null);
  const wasOpen = useRef(false);

  // Once the dialog has gone (and the app behind is no longer inert), the focus returns to this button.
  useEffect(() => {
    if (wasOpen.current && !open) openerRef.current?.focus();
    wasOpen.current = open;
  }, [open]);

  if (sessionId === null) return null;
  const close = (): void => {
    setOpen(false);
    clearError();
  };
  const confirm = async (): Promise<void> => {
    // Deleted: this control leaves with the session. Not deleted: the dialog stays open with main's reason.
    if (await deleteSession(sessionId)) setOpen(false);
  };
  return (
    <>
      <button ref={openerRef} type="button" className="button-secondary" aria-haspopup="dialog" onClick={() => setOpen(true)}>
        Delete session
      </button>
      {open && <DeleteSessionDialog everywhere={syncOn && !notKept} busy={deleting} error={error} onConfirm={() => void confirm()} onCancel={close} />}
    </>
  );
}
