/**
 * Notices the clinician using the page (a key, a click or touch, the wheel) for main's idle logoff, which
 * combines it with the system idle time. Only the noticing lives here; whether and how often main hears of it is
 * the store's `reportActivity` (throttled, and only while unlocked).
 */

/** The page events that count as activity. Pointer moves do not: a mouse nudged by a passer-by is no clinician. */
export const ACTIVITY_EVENTS = ['keydown', 'pointerdown', 'wheel'] as const;

/** The part of `window` (or any event target) the watcher needs. */
export type ActivityTarget = Pick<EventTarget, 'addEventListener' | 'removeEventListener'>;

/**
 * Calls `onActivity` on every activity event of `target`, seen in the capture phase (so a control that stops
 * propagation still counts) and passively (scrolling is never delayed). Returns the function that stops watching.
 */
export function watchActivity(target: ActivityTarget, onActivity: () => void): () => void {
  const listener = (): void => onActivity();
  const options: AddEventListenerOptions = { capture: true, passive: true };
  for (const type of ACTIVITY_EVENTS) target.addEventListener(type, listener, options);
  return () => {
    for (const type of ACTIVITY_EVENTS) target.removeEventListener(type, listener, options);
  };
}
