/**
 * Keeping the keyboard inside a modal dialog: Tab from the last control goes to the first, Shift+Tab from the first
 * to the last, and focus that somehow left the dialog comes back to its first control. Pure, so it is tested alone.
 */

/** What can take the focus inside a dialog, in tab order (no positive tabindex is used in the app). */
export const FOCUSABLE_SELECTOR = 'button:not([disabled]), [href], input:not([disabled]), select:not([disabled]), textarea:not([disabled]), [tabindex="0"]';

/**
 * Where Tab (or Shift+Tab) should move the focus among `count` controls when control `current` (-1: none of them)
 * has it; null when the browser's own move stays inside the dialog.
 */
export function trappedFocusIndex(current: number, count: number, backwards: boolean): number | null {
  if (count === 0) return null;
  if (current < 0) return backwards ? count - 1 : 0;
  if (backwards && current === 0) return count - 1;
  if (!backwards && current === count - 1) return 0;
  return null;
}
