import { useEffect, type RefObject } from 'react';

/**
 * Marks an element that holds the focus only until something more useful is ready (the session heading while the
 * first answer streams): {@link focusIsLost} counts focus there as lost, so the follow-up box can take it over.
 */
export const FOCUS_STANDBY = { 'data-focus-standby': '' } as const;

/**
 * Whether nothing useful has the focus: it fell back to the page because the control that had it was removed or
 * disabled (the intake form replaced by the session, "New patient", the lock screen replaced by the app), or it
 * waits on a {@link FOCUS_STANDBY} element. A keyboard user would otherwise start again from the top of the page.
 */
export function focusIsLost(): boolean {
  const active = document.activeElement;
  return active === null || active === document.body || active.hasAttribute('data-focus-standby');
}

/**
 * When the component mounts (and whenever `when` turns true) with the focus lost, gives it to `target` — called
 * then, so it can pick the element. Focus the clinician put somewhere themselves is never moved.
 */
export function useTakeLostFocus(target: RefObject<HTMLElement | null> | (() => HTMLElement | null | undefined), when = true): void {
  useEffect(() => {
    if (!when || !focusIsLost()) return;
    const element = typeof target === 'function' ? target() : target.current;
    element?.focus();
    // Only mounting and `when` matter: `target` is read as the effect runs (a new function each render must not re-run it).
  }, [when]);
}
