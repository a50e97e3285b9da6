import { useEffect, useRef, type KeyboardEvent, type RefObject } from 'react';
import { FOCUSABLE_SELECTOR, trappedFocusIndex } from './dialogFocus';

/**
 * What every alert dialog of the app does: while it shows, the app behind is inert (no focus, no reading by a screen
 * reader's cursor — the dialog is portalled beside the app's root, so it stays live); the safe choice (`initialFocus`)
 * takes the focus; Tab stays inside; Escape calls `onEscape` and is not also "Stop" for a running answer (whose
 * shortcut listens on the window). Returns the dialog element's ref and its key handler.
 */
export function useModalDialog(
  initialFocus: RefObject<HTMLElement | null>,
  onEscape: () => void,
): { dialogRef: RefObject<HTMLDivElement | null>; onKeyDown: (event: KeyboardEvent<HTMLDivElement>) => void } {
  const dialogRef = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const app = document.getElementById('root');
    const wasInert = app?.inert ?? false;
    if (app) app.inert = true;
    initialFocus.current?.focus();
    return () => {
      if (app) app.inert = wasInert;
    };
  }, [initialFocus]);

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>): void => {
    if (event.key === 'Escape') {
      event.stopPropagation();
      event.preventDefault();
      onEscape();
      return;
    }
    if (event.key !== 'Tab' || dialogRef.current === null) return;
    const controls = [...dialogRef.current.querySelectorAll<HTMLElement>(FOCUSABLE_SELECTOR)];
    const next = trappedFocusIndex(controls.indexOf(document.activeElement as HTMLElement), controls.length, event.shiftKey);
    if (next === null) return;
    event.preventDefault();
    controls[next]?.focus();
  };
  return { dialogRef, onKeyDown };
}
