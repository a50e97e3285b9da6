import type { AuthState } from '../../../shared/auth';
import type { UnsyncedSessions } from '../../../shared/sessionsRemoved';
import type { SyncStatus } from '../../../shared/sync/status';
import type { OperationHandlers } from '../registrar';

/** What the sync handlers need of main's sync service (the service lives above ipc; only its shape is known here). */
export interface SyncControl {
  status(): SyncStatus;
  /** A full push + pull cycle; resolves once it has finished, with the status it left. */
  syncNow(): Promise<SyncStatus>;
  /** The signed-in clinician's sessions with changes waiting for the server. */
  unsyncedSessions(): UnsyncedSessions;
  /** Prelogin, sign-in, adoption of the profile's keys under this workstation's wrap, then unlock. */
  signInWithClinicProfile(name: string, passphrase: string): Promise<AuthState>;
}

/** `api.sync.*` and `api.auth.signInWithClinicProfile`: thin; the service audits and enforces policy. */
export function syncHandlers(sync: SyncControl): Pick<OperationHandlers, 'sync.status' | 'sync.now' | 'sync.unsyncedSessions' | 'auth.signInWithClinicProfile'> {
  return {
    'sync.status': async () => sync.status(),
    'sync.now': () => sync.syncNow(),
    'sync.unsyncedSessions': async () => sync.unsyncedSessions(),
    'auth.signInWithClinicProfile': (input) => sync.signInWithClinicProfile(input.name, input.passphrase),
  };
}
