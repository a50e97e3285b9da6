/**
 * The signed-in period the history state belongs to. It starts at unlock (`historyGeneration`, compared by identity)
 * and ends with a lock, which drops it: a read or a call to main that finishes after its period ended writes nothing.
 */
import type { ErrorPayload } from '../../../../shared/errors';
import type { AppState } from '../types';

/** The signed-in clinician's profile id, or null while locked. */
export function signedInOwner(state: Pick<AppState, 'authState'>): string | null {
  const auth = state.authState;
  return auth?.state === 'unlocked' ? auth.profileId : null;
}

/** True while `generation` is still the current signed-in period. */
export function isCurrentPeriod(state: Pick<AppState, 'historyGeneration'>, generation: object | null): boolean {
  return generation !== null && state.historyGeneration === generation;
}

/** Main answered `LOCKED` and the page may have missed the event: ask who is signed in, so the lock screen shows. */
export function followLockedAnswer(state: Pick<AppState, 'loadAuth'>, error: ErrorPayload): void {
  if (error.code === 'LOCKED') void state.loadAuth();
}
