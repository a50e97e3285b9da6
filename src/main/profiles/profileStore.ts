import { AppError } from '../../shared/errors';
import type { AuthState, ProfileSummary } from '../../shared/auth';
import { errorKind, type Logger } from '../core/logger';
import type { SecretStorage } from '../core/platformInterfaces';
import { sleepOn, type Clock } from '../core/clock';
import type { SessionKeyStore } from '../vault/sessionKeyStore';
import type { UnlockedOwner } from '../vault/unlockedOwner';
import type { CryptoKey } from '../vault/webCryptoTypes';
import { PBKDF2_ITERATIONS } from './kdf';
import { passphraseProblem } from './passphraseRules';
import { OtherProfileUnlockedError, ProfileInputError, ProfileNotFoundError, WrongPassphraseError } from './profileErrors';
import { readProfileFile, writeProfileFile, type StoredProfile } from './profileFile';
import {
  adoptProfileKeys,
  changeProfilePassphrase,
  createProfileKeys,
  recoverWithPrivateKey,
  unlockProfileKeys,
  withExtractableDataKey,
  type ProfileKeyEnvironment,
} from './profileKeys';
import type { RecoveryEscrow } from './recoveryEscrow';
import { cleanProfileName, profileNameKey, profileNameProblem } from './profileName';
import { importRecoveryPublicKey, type RecoveryPublicKey } from './recoveryEscrow';
import { UnlockThrottle } from './unlockThrottle';

/** Why the app locked: a person chose to, the idle limit passed, the OS locked or suspended, or IT removed the profile. */
export type LockReason = Exclude<NonNullable<AuthState['reason']>, 'start'>;

/** The unlocked profile (or none), and why the last lock happened. */
export interface ProfileState {
  readonly unlockedProfileId: string | null;
  /** Null while unlocked. */
  readonly reason: LockReason | null;
}

/** The unlocked profile as callers see it: who, never a key. */
export interface CurrentProfile {
  readonly profileId: string;
  readonly name: string;
}

/** The policy settings the profile store follows. */
export interface ProfilePolicy {
  /** Accept Linux's unprotected `basic_text` secret store (policy `allowBasicTextKeyStorage`). Default false. */
  readonly allowBasicTextSecretStorage: boolean;
  /** IT's recovery public key, SPKI PEM (policy `recoveryPublicKeyPem`), or null for no escrow. */
  readonly recoveryPublicKeyPem: string | null;
}

/** What the profile store is built from. */
export interface ProfileStoreOptions {
  /** Path of the profiles file (`profiles.json` in main's data folder). */
  readonly file: string;
  readonly storage: SecretStorage;
  readonly sessionKeys: SessionKeyStore;
  readonly policy: ProfilePolicy;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Mints profile ids; `crypto.randomUUID()` unless a test names them. */
  readonly newId?: () => string;
  /**
   * TEST ONLY — never set in the app. PBKDF2 iterations for new wraps instead of {@link PBKDF2_ITERATIONS}, so tests
   * that create many profiles stay fast. A profile wrapped with fewer iterations than the app's count is re-wrapped
   * at its next unlock in the app.
   */
  readonly insecureKdfIterationsForTests?: number;
}

interface Unlocked {
  readonly profileId: string;
  readonly dataKey: CryptoKey;
}

/**
 * Clinician profiles on this workstation, and which one (at most one) is unlocked.
 *
 * Each profile's data key is wrapped by a KEK from its passphrase (PBKDF2-SHA256), by the OS secret store as an
 * outer layer, and optionally escrowed to IT's recovery key. Unlocking keeps the data key in memory
 * (non-extractable); locking drops it and every unwrapped session key of the profile, so data calls answer LOCKED.
 *
 * Operations that read or write the profiles file run one at a time, in call order — including the delay after a
 * wrong passphrase, so parallel guesses wait their turn. {@link lock} never waits: it takes effect at once and
 * makes an unlock still in flight fail with LOCKED.
 *
 * Warning: a listener of {@link onStateChange} must not await other profile operations from inside the callback
 * while an operation is running — they queue behind it.
 */
export class ProfileStore {
  #profiles: readonly StoredProfile[] = [];
  #unlocked: Unlocked | null = null;
  #recoveryKey: RecoveryPublicKey | null = null;
  #loaded = false;
  /** Bumped by every lock, so an unlock in flight across a lock cannot finish as unlocked. */
  #lockEpoch = 0;
  #queue: Promise<unknown> = Promise.resolve();
  readonly #throttle = new UnlockThrottle();
  readonly #listeners = new Set<(state: ProfileState) => void>();
  readonly #newId: () => string;
  readonly #iterations: number;

  constructor(private readonly options: ProfileStoreOptions) {
    this.#newId = options.newId ?? (() => globalThis.crypto.randomUUID());
    this.#iterations = options.insecureKdfIterationsForTests ?? PBKDF2_ITERATIONS;
  }

  /**
   * Reads the profiles file and imports IT's recovery key from policy. Throws `ProfileFileError` for a damaged file
   * and `RecoveryKeyError` for an unusable recovery key — both start-up errors, never silent fallbacks.
   */
  async load(): Promise<void> {
    const pem = this.options.policy.recoveryPublicKeyPem;
    this.#recoveryKey = pem === null ? null : await importRecoveryPublicKey(pem);
    this.#profiles = await readProfileFile(this.options.file);
    this.#loaded = true;
  }

  /** The profiles, for the lock screen: ids, names and creation times only. */
  listProfiles(): ProfileSummary[] {
    this.#requireLoaded();
    return this.#profiles.map((profile) => ({ profileId: profile.id, name: profile.name, createdAt: profile.createdAt }));
  }

  /**
   * Creates a profile. Names: 1–80 characters, unique regardless of case. Passphrases: at least 12 characters and
   * not a common password (NIST SP 800-63B: length and a block list, no composition rules). Does not unlock it.
   */
  createProfile(name: string, passphrase: string): Promise<ProfileSummary> {
    return this.#serially(async () => {
      const nameProblem = profileNameProblem(name);
      if (nameProblem) throw new ProfileInputError(nameProblem);
      const cleaned = cleanProfileName(name);
      if (this.#profiles.some((profile) => profileNameKey(profile.name) === profileNameKey(cleaned))) {
        throw new ProfileInputError('A profile with that name already exists on this workstation.');
      }
      const problem = passphraseProblem(passphrase);
      if (problem) throw new ProfileInputError(problem);

      const id = this.#newId();
      const { keys } = await createProfileKeys(id, passphrase, this.#environment());
      const profile: StoredProfile = { id, name: cleaned, createdAt: this.options.clock.now().toISOString(), keys };
      await this.#save([...this.#profiles, profile]);
      this.options.logger.info('profile.created', { profileId: id });
      return { profileId: id, name: cleaned, createdAt: profile.createdAt };
    });
  }

  /**
   * Unlocks `profileId` with its passphrase. Refuses ({@link OtherProfileUnlockedError}) while another profile is
   * unlocked: that clinician must be signed out first. Idempotent: unlocking the profile
   * that is already unlocked checks the passphrase and changes nothing. A wrong passphrase answers
   * {@link WrongPassphraseError} after min(250 ms × 2^(N−1), 30 s) for the Nth consecutive failure.
   */
  unlock(profileId: string, passphrase: string): Promise<CurrentProfile> {
    // Taken at the call, not when the queue reaches it: a lock after the request must win over it.
    const epoch = this.#lockEpoch;
    return this.#serially(async () => {
      const profile = this.#find(profileId);
      const { dataKey, upgraded } = await this.#withThrottle(profileId, () => unlockProfileKeys(profileId, profile.keys, passphrase, this.#environment()));
      if (this.#lockEpoch !== epoch) throw new AppError('LOCKED', 'The workstation locked while the profile was unlocking. Unlock again.');
      if (upgraded) await this.#saveUpkeep(profileId, upgraded);

      const current = { profileId, name: profile.name };
      if (this.#unlocked?.profileId === profileId) return current;
      // Never a switch here: signing the other clinician out is a full sign-out (their answers sealed, their sessions
      // closed), which only the caller can do — it does, then asks again.
      if (this.#unlocked) throw new OtherProfileUnlockedError();
      this.#unlocked = { profileId, dataKey };
      this.options.logger.info('profile.unlocked', { profileId });
      this.#emit({ unlockedProfileId: profileId, reason: null });
      return current;
    });
  }

  /**
   * Locks now: drops the data key and the profile's unwrapped session keys; data calls answer LOCKED from here on.
   * Also makes an unlock still in flight fail. Never waits for other operations.
   */
  lock(reason: LockReason = 'manual'): void {
    this.#lockEpoch += 1;
    this.#endUnlocked(reason);
  }

  /**
   * Changes the passphrase of the unlocked profile `profileId`: the same data key, wrapped under a KEK from `next`
   * with a fresh salt. Session keys and records are untouched. A wrong `current` counts as a failed unlock.
   */
  changePassphrase(profileId: string, current: string, next: string): Promise<void> {
    return this.#serially(async () => {
      if (this.#unlocked?.profileId !== profileId) throw new AppError('LOCKED', 'Unlock the profile before changing its passphrase.');
      const problem = passphraseProblem(next);
      if (problem) throw new ProfileInputError(problem);
      const profile = this.#find(profileId);
      const keys = await this.#withThrottle(profileId, () => changeProfilePassphrase(profileId, profile.keys, current, next, this.#environment()));
      await this.#save(this.#profiles.map((stored) => (stored.id === profileId ? { ...stored, keys } : stored)));
      this.options.logger.info('profile.passphrase_changed', { profileId });
    });
  }

  /**
   * IT recovery (see docs): sets `newPassphrase` on `profileId` using IT's recovery private key (PKCS#8 PEM) and
   * re-seals the key with the OS secret store running now. The data key is the same, so an unlocked profile stays
   * unlocked and nothing else changes.
   */
  recoverWithPrivateKey(profileId: string, privateKeyPem: string, newPassphrase: string): Promise<void> {
    return this.#serially(async () => {
      const problem = passphraseProblem(newPassphrase);
      if (problem) throw new ProfileInputError(problem);
      const profile = this.#find(profileId);
      const keys = await recoverWithPrivateKey(privateKeyPem, profileId, profile.keys, newPassphrase, this.#environment());
      await this.#save(this.#profiles.map((stored) => (stored.id === profileId ? { ...stored, keys } : stored)));
      this.#throttle.reset(profileId);
      this.options.logger.info('profile.recovered', { profileId });
    });
  }

  /**
   * Lends the data key of the unlocked profile `profileId`, extractable, to `use` only (publishing the profile to
   * the clinic's sync server wraps it for the clinic). The passphrase proves it again; a wrong one counts as a failed
   * unlock. `use` must not keep the key.
   */
  withExtractableDataKey<T>(profileId: string, passphrase: string, use: (dataKey: CryptoKey, escrow: RecoveryEscrow | null) => Promise<T>): Promise<T> {
    return this.#serially(async () => {
      if (this.#unlocked?.profileId !== profileId) throw new AppError('LOCKED', 'The profile is locked. Unlock it to continue.');
      const profile = this.#find(profileId);
      return this.#withThrottle(profileId, () => withExtractableDataKey(profileId, profile.keys, passphrase, this.#environment(), (dataKey) => use(dataKey, profile.keys.recovery)));
    });
  }

  /**
   * A clinician's first sign-in here with the profile they published elsewhere: stores the profile under the same id
   * with its data key (`dataKey`, extractable, lent for this call) wrapped under this workstation's own layers for
   * `passphrase`, then unlocks it. A profile of that id already here is refused, never re-keyed: the server is
   * untrusted and registration lets a client choose the id, so a data key it hands over for a known id could be
   * anyone's — that clinician unlocks their profile here with its passphrase. Refuses while another profile is
   * unlocked, as {@link unlock} does.
   */
  adoptProfile(profile: { profileId: string; name: string }, dataKey: CryptoKey, passphrase: string, escrow: RecoveryEscrow | null): Promise<CurrentProfile> {
    return this.#serially(async () => {
      if (this.#unlocked && this.#unlocked.profileId !== profile.profileId) throw new OtherProfileUnlockedError();
      if (this.#profiles.some((stored) => stored.id === profile.profileId)) {
        throw new ProfileInputError('This profile is already on this workstation: unlock it with its passphrase.');
      }
      const cleaned = cleanProfileName(profile.name);
      if (this.#profiles.some((stored) => profileNameKey(stored.name) === profileNameKey(cleaned))) {
        throw new ProfileInputError('Another profile with that name exists on this workstation. Ask IT to rename one.');
      }
      const adopted = await adoptProfileKeys(profile.profileId, dataKey, passphrase, escrow, this.#environment());
      const stored: StoredProfile = { id: profile.profileId, name: cleaned, createdAt: this.options.clock.now().toISOString(), keys: adopted.keys };
      await this.#save([...this.#profiles, stored]);
      this.options.logger.info('profile.adopted', { profileId: profile.profileId });
      const current = { profileId: profile.profileId, name: cleaned };
      this.#unlocked = { profileId: profile.profileId, dataKey: adopted.dataKey };
      this.#emit({ unlockedProfileId: profile.profileId, reason: null });
      return current;
    });
  }

  /**
   * IT's removal path: locks the profile if it is unlocked, destroys all its session keys (crypto-shredding its
   * records) and deletes the profile. Returns the ids of the destroyed sessions, so their ciphertext can go too.
   */
  removeProfile(profileId: string): Promise<{ destroyedSessions: string[] }> {
    return this.#serially(async () => {
      this.#find(profileId);
      // Not lock(): unlocks of other profiles requested meanwhile should still go ahead.
      if (this.#unlocked?.profileId === profileId) this.#endUnlocked('removed');
      // Keys first: if removing the profile then fails, a retry finds it again; the reverse would orphan the keys.
      const destroyedSessions = await this.options.sessionKeys.destroyOwner(profileId, this.options.clock.now());
      await this.#save(this.#profiles.filter((stored) => stored.id !== profileId));
      this.#throttle.reset(profileId);
      this.options.logger.info('profile.removed', { profileId, sessions: destroyedSessions.length });
      return { destroyedSessions };
    });
  }

  /** The unlocked profile, or null. */
  currentProfile(): CurrentProfile | null {
    if (!this.#unlocked) return null;
    return { profileId: this.#unlocked.profileId, name: this.#find(this.#unlocked.profileId).name };
  }

  /**
   * The unlocked profile as the vault needs it (owner id and non-extractable data key), or `LOCKED`.
   *
   * Warning: use it for one call and let it go; keeping it would outlive a lock.
   */
  unlockedOwner(): UnlockedOwner {
    if (!this.#unlocked) throw new AppError('LOCKED', 'The profile is locked. Unlock it to continue.');
    return { ownerId: this.#unlocked.profileId, dataKey: this.#unlocked.dataKey };
  }

  /**
   * True while `owner` — as {@link unlockedOwner} handed it out — is still the unlocked profile of the same sign-in:
   * every unlock makes a new data key object, so an owner from before a lock (even of the same clinician) is not.
   */
  isSignedIn(owner: UnlockedOwner): boolean {
    return this.#unlocked !== null && this.#unlocked.profileId === owner.ownerId && this.#unlocked.dataKey === owner.dataKey;
  }

  /** Calls `listener` on every unlock and lock; returns a function that stops listening. */
  onStateChange(listener: (state: ProfileState) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #environment(): ProfileKeyEnvironment {
    return {
      storage: this.options.storage,
      policy: { allowBasicTextSecretStorage: this.options.policy.allowBasicTextSecretStorage, recoveryKey: this.#recoveryKey },
      iterations: this.#iterations,
    };
  }

  /** Runs `attempt`; a wrong passphrase is counted and answered only after the growing delay. */
  async #withThrottle<T>(profileId: string, attempt: () => Promise<T>): Promise<T> {
    try {
      const result = await attempt();
      this.#throttle.reset(profileId);
      return result;
    } catch (error) {
      if (error instanceof WrongPassphraseError) {
        const { failures, delayMs } = this.#throttle.recordFailure(profileId);
        this.options.logger.warn('profile.unlock_failed', { profileId, consecutiveFailures: failures, delayMs });
        await sleepOn(this.options.clock, delayMs);
      }
      throw error;
    }
  }

  /** Stores upkeep (more iterations, new escrow) found at unlock; the unlock stands even if the write fails. */
  async #saveUpkeep(profileId: string, keys: StoredProfile['keys']): Promise<void> {
    try {
      await this.#save(this.#profiles.map((stored) => (stored.id === profileId ? { ...stored, keys } : stored)));
      this.options.logger.info('profile.keys_upgraded', { profileId, iterations: keys.kdf.iterations });
    } catch (error) {
      this.options.logger.warn('profile.keys_upgrade_failed', { profileId, error: errorKind(error) });
    }
  }

  /** Drops the unlocked profile's keys and tells listeners why. */
  #endUnlocked(reason: LockReason): void {
    if (!this.#unlocked) return;
    const { profileId } = this.#unlocked;
    this.#dropUnlocked();
    this.options.logger.info('profile.locked', { profileId, reason });
    this.#emit({ unlockedProfileId: null, reason });
  }

  #dropUnlocked(): void {
    if (!this.#unlocked) return;
    this.options.sessionKeys.dropUnwrapped(this.#unlocked.profileId);
    this.#unlocked = null;
  }

  #emit(state: ProfileState): void {
    for (const listener of this.#listeners) {
      try {
        listener(state);
      } catch (error) {
        // One failing listener must not keep the others (the renderer, the search index) from hearing of a lock.
        this.options.logger.error('profile.listener_failed', { error: errorKind(error) });
      }
    }
  }

  #find(profileId: string): StoredProfile {
    this.#requireLoaded();
    const profile = this.#profiles.find((stored) => stored.id === profileId);
    if (!profile) throw new ProfileNotFoundError(profileId);
    return profile;
  }

  /** Writes `profiles` and only then makes them current, so memory never runs ahead of the file. */
  async #save(profiles: readonly StoredProfile[]): Promise<void> {
    await writeProfileFile(this.options.file, profiles);
    this.#profiles = profiles;
  }

  #requireLoaded(): void {
    if (!this.#loaded) throw new Error('ProfileStore.load() must run before the store is used');
  }

  /** Runs `operation` after every operation queued before it has settled. */
  #serially<T>(operation: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(() => {
      this.#requireLoaded();
      return operation();
    });
    this.#queue = run.catch(() => undefined);
    return run;
  }
}
