import { sleepOn, type Clock } from '../core/clock';
import { errorKind, type Logger } from '../core/logger';
import type { LockReason } from '../profiles/profileStore';

/** How long a lock waits for running answers to be sealed (incomplete, reason `locked`) before the keys go anyway. */
export const LOCK_SEAL_GRACE_MS = 2_000;

/** What signing out works with. */
export interface SignOutDeps {
  readonly profiles: { currentProfile(): { readonly profileId: string } | null; lock(reason: LockReason): void };
  /** Closes the clinician's live sessions: running turns stop (reason `locked`), queued ones fail, plaintext leaves memory. */
  readonly closeSessionsOf: (ownerId: string) => void;
  /** Resolves once every running or queued turn has settled — each stopped answer sealed with what was written. */
  readonly turnsSettled: () => Promise<void>;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly graceMs?: number;
}

/**
 * Every lock goes through here — the Lock button, the idle limit, the OS locking the screen, another clinician
 * signing in — so a lock is always the same full sign-out, in this order:
 * 1. data calls answer LOCKED at once ({@link inProgress});
 * 2. the clinician's live sessions close: a running answer stops and its written part is sealed as incomplete with
 *    reason `locked` (the keys are still there), turns queued behind it never reach the model, and the sessions'
 *    plaintext leaves main's memory;
 * 3. after those turns settled — or {@link LOCK_SEAL_GRACE_MS}, whichever comes first: a lock is never held up for
 *    long — the profile locks: keys dropped, search index and figures dropped, audited.
 */
export class SignOut {
  #locking: Promise<void> | null = null;

  constructor(private readonly deps: SignOutDeps) {}

  /** True while a sign-out is on its way: data calls must already answer LOCKED. */
  get inProgress(): boolean {
    return this.#locking !== null;
  }

  /** Signs the current clinician out for `reason`; resolves once the profile is locked. Calls during one share it. */
  lock(reason: LockReason): Promise<void> {
    if (this.#locking) return this.#locking;
    const current = this.deps.profiles.currentProfile();
    if (!current) {
      this.deps.profiles.lock(reason);
      return Promise.resolve();
    }
    const locking = this.#signOut(current.profileId, reason).finally(() => {
      this.#locking = null;
    });
    this.#locking = locking;
    return locking;
  }

  async #signOut(ownerId: string, reason: LockReason): Promise<void> {
    try {
      this.deps.closeSessionsOf(ownerId);
      const grace = sleepOn(this.deps.clock, this.deps.graceMs ?? LOCK_SEAL_GRACE_MS).then(() => 'grace' as const);
      const outcome = await Promise.race([this.deps.turnsSettled().then(() => 'settled' as const), grace]);
      if (outcome === 'grace') this.deps.logger.warn('auth.lock-grace-passed', {});
    } catch (error) {
      this.deps.logger.error('auth.lock-prepare-failed', { kind: errorKind(error) });
    } finally {
      // Whatever happened above, the lock itself always happens.
      this.deps.profiles.lock(reason);
    }
  }
}
