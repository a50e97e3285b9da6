import type { AuthState, ProfileList } from '../../shared/auth';
import { AppError } from '../../shared/errors';
import type { AuditRecorder } from '../audit/auditRecorder';
import { OtherProfileUnlockedError } from '../profiles/profileErrors';
import type { LockReason, ProfileStore } from '../profiles/profileStore';
import type { SignOut } from './signOut';

/** What the auth service needs beyond the profile store. */
export interface AuthServiceOptions {
  readonly profiles: ProfileStore;
  /** The one way a clinician is signed out (seals running answers, closes their sessions, then locks). */
  readonly signOut: SignOut;
  readonly audit: AuditRecorder;
  /** Policy: clinicians may create their own profile. */
  readonly selfCreationAllowed: boolean;
}

/**
 * `api.auth.*` over the profile store: signing in and out, profile creation under policy, and every step audited
 * (unlock, failed unlock, lock, automatic logoff, profile created). Passphrases pass through, never kept or logged.
 */
export class AuthService {
  #lastLockReason: AuthState['reason'] = 'start';
  #unlockedProfileId: string | null = null;

  constructor(private readonly options: AuthServiceOptions) {
    // Every lock is audited here, whoever caused it: the Lock button, the idle timer, the OS locking the screen.
    options.profiles.onStateChange((state) => {
      const previous = this.#unlockedProfileId;
      this.#unlockedProfileId = state.unlockedProfileId;
      if (state.unlockedProfileId !== null) return;
      const reason = state.reason ?? 'manual';
      this.#lastLockReason = reason;
      if (previous !== null) {
        options.audit.record({ action: reason === 'idle' || reason === 'os-lock' ? 'auth.auto_logoff' : 'auth.locked', profileId: previous });
      }
    });
  }

  /** The state the lock screen and header follow. */
  state(): AuthState {
    const current = this.options.profiles.currentProfile();
    return current
      ? { state: 'unlocked', profileId: current.profileId, profileName: current.name, reason: null }
      : { state: 'locked', profileId: null, profileName: null, reason: this.#lastLockReason };
  }

  listProfiles(): ProfileList {
    return {
      profiles: this.options.profiles.listProfiles().map((profile) => ({
        profileId: profile.profileId,
        name: profile.name,
        createdAt: profile.createdAt,
      })),
      selfCreationAllowed: this.options.selfCreationAllowed,
    };
  }

  /** Creates a profile and signs its clinician in. */
  async createProfile(name: string, passphrase: string): Promise<AuthState> {
    if (!this.options.selfCreationAllowed) {
      throw new AppError('FORBIDDEN', 'Profiles on this workstation are created by IT. Ask IT to create yours.');
    }
    const created = await this.options.profiles.createProfile(name, passphrase);
    this.options.audit.record({ action: 'profile.created', profileId: created.profileId });
    return this.unlock(created.profileId, passphrase);
  }

  /**
   * Signs `profileId` in. When another clinician is signed in, they are fully signed out first (reason `switched`:
   * their keys, search index, figures and live sessions go, audited as their lock) — whatever the outcome of this
   * unlock: someone else is at the workstation.
   */
  async unlock(profileId: string, passphrase: string): Promise<AuthState> {
    // Twice at most: another clinician may have signed in while this unlock waited (two unlocks at once); they are
    // then signed out fully too, never switched away silently.
    for (let attempt = 1; ; attempt += 1) {
      const current = this.options.profiles.currentProfile();
      if (current && current.profileId !== profileId) await this.options.signOut.lock('switched');
      try {
        await this.options.profiles.unlock(profileId, passphrase);
        break;
      } catch (error) {
        if (error instanceof OtherProfileUnlockedError && attempt < 2) continue;
        if (error instanceof AppError && error.code !== 'LOCKED') this.options.audit.record({ action: 'auth.unlock_failed', profileId });
        throw error;
      }
    }
    this.options.audit.record({ action: 'auth.unlocked', profileId });
    return this.state();
  }

  async lock(reason: LockReason = 'manual'): Promise<AuthState> {
    await this.options.signOut.lock(reason);
    return this.state();
  }

  async changePassphrase(currentPassphrase: string, newPassphrase: string): Promise<void> {
    const current = this.options.profiles.currentProfile();
    if (!current) throw new AppError('LOCKED', 'The app is locked. Unlock with your passphrase to continue.');
    await this.options.profiles.changePassphrase(current.profileId, currentPassphrase, newPassphrase);
  }

  /** The unlocked clinician's profile id: the owner of every session and record they touch. */
  currentOwner(): string {
    const current = this.options.profiles.currentProfile();
    if (!current) throw new AppError('LOCKED', 'The app is locked. Unlock with your passphrase to continue.');
    return current.profileId;
  }
}
