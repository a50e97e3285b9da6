import { AppError } from '../../shared/errors';
import type { Session, SessionClosure } from './session';

/**
 * The abort reason main gives a running turn when it stops it for a reason other than the clinician's Stop: the
 * profile locked, or the session was deleted or shredded. The engine reads it back to record the answer as
 * incomplete with reason `locked`, or to drop it.
 */
export class TurnStop {
  constructor(readonly closure: SessionClosure) {}
}

/** The closure that stopped a turn, or null when it was not stopped by main (the clinician's Stop, or not at all). */
export function closureOf(signal: AbortSignal): SessionClosure | null {
  return signal.aborted && signal.reason instanceof TurnStop ? signal.reason.closure : null;
}

/** Stops `session`'s running turn, if any, because the session is being closed for `closure`. */
export function stopRunningTurn(session: Session, closure: SessionClosure): void {
  session.activeTurn?.abort.abort(new TurnStop(closure));
}

/** What a turn of a closed session answers: the app locked, or the session is gone. Messages carry no patient data. */
export function closedSessionError(closure: SessionClosure): AppError {
  return closure === 'locked'
    ? new AppError('LOCKED', 'The app locked while this answer was being written. The part already written is kept in the history; unlock to continue.')
    : new AppError('SESSION_NOT_FOUND', 'This session was deleted, so its answer was discarded.');
}
