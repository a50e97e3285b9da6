import type { PowerSignals } from '../core/platformInterfaces';
import type { Clock, TimerHandle } from '../core/clock';
import type { LockReason, ProfileState } from './profileStore';

/** The automatic logoff default (HIPAA 164.312(a)(2)(iii)); policy may set another. */
export const DEFAULT_IDLE_LIMIT_MS = 15 * 60_000;

/**
 * Re-check no sooner than this after a check that found someone active: the system idle time comes in whole
 * seconds, so a shorter wait could only find the same answer.
 */
const MIN_RECHECK_MS = 1_000;

/** What the idle lock needs of the profile store. */
export interface Lockable {
  currentProfile(): unknown;
  lock(reason: LockReason): void;
  onStateChange(listener: (state: ProfileState) => void): () => void;
}

/** What the idle lock is built from. */
export interface IdleLockOptions {
  readonly profiles: Lockable;
  readonly power: PowerSignals;
  readonly clock: Clock;
  /** Inactivity before the automatic lock; {@link DEFAULT_IDLE_LIMIT_MS} unless policy says otherwise. */
  readonly idleLimitMs?: number;
  /**
   * How to lock: the app's full sign-out (running answers sealed first, then the keys dropped). Defaults to the
   * profile store's own lock.
   */
  readonly lock?: (reason: LockReason) => void;
}

/**
 * Automatic logoff. While a profile is unlocked, locks it once BOTH the system has had no keyboard or mouse input
 * and the app's page has reported no activity for `idleLimitMs` — the page's reports cover input the OS idle time
 * may miss (touch, remote sessions), the OS idle time covers a clinician reading without touching the app. Locks
 * at once on OS screen lock, suspend or user switch.
 *
 * One clock timer, aimed at the earliest moment both could have passed the limit; activity only moves a
 * timestamp. Disposable: {@link dispose} stops the timer and both subscriptions.
 */
export class IdleLock {
  readonly #limitMs: number;
  #lastActivityMono: number;
  #timer: TimerHandle | null = null;
  #disposed = false;
  readonly #unsubscribeState: () => void;
  readonly #unsubscribePower: () => void;

  constructor(private readonly options: IdleLockOptions) {
    this.#limitMs = options.idleLimitMs ?? DEFAULT_IDLE_LIMIT_MS;
    if (!(this.#limitMs > 0)) throw new RangeError('idleLimitMs must be positive');
    this.#lastActivityMono = options.clock.monotonicMs();
    this.#unsubscribeState = options.profiles.onStateChange((state) => {
      if (state.unlockedProfileId !== null) {
        // Unlocking is activity: the clinician just typed the passphrase.
        this.reportActivity();
        this.#schedule(this.#limitMs);
      } else {
        this.#cancel();
      }
    });
    this.#unsubscribePower = options.power.onLockOrSuspend(() => this.#lock('os-lock'));
    if (options.profiles.currentProfile() !== null) this.#schedule(this.#limitMs);
  }

  /** Main calls this when the page reports input (keys, pointer, touch, scrolling). */
  reportActivity(): void {
    this.#lastActivityMono = this.options.clock.monotonicMs();
  }

  /** Stops the timer and both subscriptions. */
  dispose(): void {
    this.#disposed = true;
    this.#cancel();
    this.#unsubscribeState();
    this.#unsubscribePower();
  }

  #check(): void {
    this.#timer = null;
    if (this.#disposed || this.options.profiles.currentProfile() === null) return;
    const pageIdleMs = this.options.clock.monotonicMs() - this.#lastActivityMono;
    const systemIdleMs = this.options.power.systemIdleSeconds() * 1000;
    const idleMs = Math.min(pageIdleMs, systemIdleMs);
    if (idleMs >= this.#limitMs) {
      this.#lock('idle');
      return;
    }
    this.#schedule(Math.max(this.#limitMs - idleMs, MIN_RECHECK_MS));
  }

  #lock(reason: LockReason): void {
    if (this.options.lock) this.options.lock(reason);
    else this.options.profiles.lock(reason);
  }

  #schedule(delayMs: number): void {
    this.#cancel();
    if (this.#disposed) return;
    this.#timer = this.options.clock.setTimer(() => this.#check(), delayMs);
  }

  #cancel(): void {
    if (this.#timer !== null) this.options.clock.clearTimer(this.#timer);
    this.#timer = null;
  }
}
