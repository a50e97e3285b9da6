/**
 * "Sign in with a clinic profile" on the lock screen: a clinician new to this workstation signs in with the profile
 * they published elsewhere. Prelogin, the KDF, sign-in, then the data key adopted under this workstation's own
 * passphrase wrap and OS secret store — from then on the profile unlocks here offline like one created here.
 */
import { AppError } from '../../shared/errors';
import type { Workstation } from '../../shared/sync/identity';
import type { ProfileStore } from '../profiles/profileStore';
import type { SyncClient } from './http/syncClient';
import { SyncOfflineError, SyncRequestError } from './http/syncClientErrors';
import { signInWithClinicProfile } from './identity/clinicProfile';

/** What the sign-in needs from main. */
export interface ClinicSignInDeps {
  /** Null: sync is off here, and so is this way of signing in. */
  readonly client: SyncClient | null;
  readonly workstation: Workstation;
  readonly profiles: ProfileStore;
  /** Signs the clinician at the workstation out fully (reason `switched`) before another signs in. */
  readonly signOutCurrent: () => Promise<void>;
}

/**
 * What the sign-in form says when the server throttles sign-ins: the server's wait, in whole seconds (rounded up, so
 * a try at the time said is not refused again), or a general wait when it gave none.
 */
export function rateLimitedMessage(retryAfterMs: number | null): string {
  if (retryAfterMs === null || !Number.isFinite(retryAfterMs)) return 'Too many attempts — wait a few minutes, then try again.';
  return `Too many attempts — try again in ${Math.max(1, Math.ceil(retryAfterMs / 1000))} s.`;
}

/**
 * Signs in and unlocks; resolves with the profile id and the server's token (for sync to start at once). Errors are
 * the lock screen's: a wrong passphrase and an unknown name alike (`FORBIDDEN`, as main's own), the server offline or
 * throttling, sync off.
 */
export async function signInWithClinicProfileHere(deps: ClinicSignInDeps, name: string, passphrase: string): Promise<{ profileId: string; token: string }> {
  if (!deps.client) throw new AppError('FORBIDDEN', 'This workstation has no sync server: sign in with a profile created here, or ask IT.');
  if (deps.profiles.currentProfile()) await deps.signOutCurrent();
  try {
    return await signInWithClinicProfile(deps.client, { name, passphrase, workstation: deps.workstation }, async ({ signedIn, dataKey, escrow }) => {
      await deps.profiles.adoptProfile({ profileId: signedIn.profileId, name: signedIn.name }, dataKey, passphrase, escrow);
      return { profileId: signedIn.profileId, token: signedIn.token };
    });
  } catch (error) {
    if (error instanceof SyncOfflineError) {
      throw new AppError('FORBIDDEN', "The clinic's sync server cannot be reached, so a profile from another workstation cannot be brought here now. Try again later.");
    }
    if (error instanceof SyncRequestError && error.code === 'RATE_LIMITED') throw new AppError('FORBIDDEN', rateLimitedMessage(error.retryAfterMs));
    if (error instanceof SyncRequestError) throw new AppError('INTERNAL', 'The sync server refused the sign-in. Tell IT if this continues.');
    throw error;
  }
}
