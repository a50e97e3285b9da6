import type { Clock, TimerHandle } from '../core/clock';
import { errorKind, type Logger } from '../core/logger';

/** What retention needs from the key store: it works without any profile unlocked. */
export interface RetentionKeys {
  /** Sessions (of every profile) whose last turn was at or before `cutoffMs` (wall time, ms since the epoch). */
  expiredBefore(cutoffMs: number): string[];
  /** The earliest `lastTurnAt` among kept keys (ms since the epoch), or null when there are none. */
  oldestLastTurnAt(): number | null;
  /** Destroys the keys of these sessions and persists at once: every copy of their records is unreadable. */
  destroy(sessionIds: readonly string[]): Promise<void>;
}

/** Where retention reports what it did (the audit log): counts only, never ids of patients' sessions in bulk. */
export interface RetentionReporter {
  shredded(count: number): void;
  clockJump(driftMs: number): void;
}

/** Retention settings. */
export interface RetentionOptions {
  readonly retentionMs: number;
  /** Keys destroyed per batch, so one pass never holds the process for long. */
  readonly batchSize?: number;
  /** Wait before trying again after a failed pass. */
  readonly retryMs?: number;
  /** Wall time drifting from the trusted time by more than this is a clock jump: reported once, not followed. */
  readonly maxDriftMs?: number;
}

/** Longest delay a Node timer takes. */
const MAX_TIMER_MS = 2 ** 31 - 1;
const HOUR_MS = 60 * 60_000;

/**
 * Crypto-shredding at the end of retention: destroys the keys of sessions whose last turn is older than the
 * retention period, for every profile, at start-up and then on one timer aimed at the next expiry (clamped to
 * 2^31−1 ms), in batches, retrying after an error.
 *
 * Time. Retention measures time from a trusted reading — the wall clock at start-up — carried forward by the
 * monotonic clock, which nobody can set. A wall clock that then moves away from it by more than an hour (someone set
 * the date, or the clock was corrected) is reported ONCE and changes nothing: retention carries on with the trusted
 * time, so a clock set forward cannot shred early and one set back cannot stop retention. {@link acceptClock} makes
 * the wall clock the trusted reading again (IT reviewed it; every start-up does the same). Waking from sleep is not a
 * jump — the monotonic clock stands still while the machine sleeps — so {@link systemResumed} takes the wall clock
 * again when it moved forward (the sleep), never back.
 */
export class RetentionScheduler {
  #timer: TimerHandle | null = null;
  #running = false;
  #disposed = false;
  /** The trusted reading: a wall time and the monotonic time it was taken at. */
  #referenceWallMs: number;
  #referenceMonoMs: number;
  /** How far the wall clock was from the trusted time when a jump was last reported (null: none outstanding). */
  #reportedDriftMs: number | null = null;

  constructor(
    private readonly keys: RetentionKeys,
    private readonly clock: Clock,
    private readonly reporter: RetentionReporter,
    private readonly logger: Logger,
    private readonly options: RetentionOptions,
  ) {
    this.#referenceWallMs = clock.now().getTime();
    this.#referenceMonoMs = clock.monotonicMs();
  }

  /** Runs a pass now (start-up) and keeps the timer aimed at the next expiry. */
  start(): Promise<void> {
    return this.runPass();
  }

  /**
   * The time retention goes by (ms since the epoch): the trusted reading carried forward by the monotonic clock. Also
   * the time to record a session's last turn at, so a wall clock set back cannot date a turn into the past.
   */
  trustedNowMs(): number {
    return this.#referenceWallMs + (this.clock.monotonicMs() - this.#referenceMonoMs);
  }

  /** One pass: destroys every expired key in batches, then re-aims the timer. Resolves when done. */
  async runPass(): Promise<void> {
    if (this.#running || this.#disposed) return;
    this.#running = true;
    try {
      this.#watchWallClock();
      const cutoff = this.trustedNowMs() - this.options.retentionMs;
      const expired = this.keys.expiredBefore(cutoff);
      const batchSize = this.options.batchSize ?? 500;
      for (let start = 0; start < expired.length; start += batchSize) {
        const batch = expired.slice(start, start + batchSize);
        await this.keys.destroy(batch);
        this.reporter.shredded(batch.length);
      }
      if (expired.length > 0) this.logger.info('retention.shredded', { count: expired.length });
      this.#scheduleNextExpiry();
    } catch (error) {
      this.logger.error('retention.failed', { kind: errorKind(error) });
      this.#schedule(this.options.retryMs ?? 5 * 60_000);
    } finally {
      this.#running = false;
    }
  }

  /** Makes the current wall clock the trusted reading (IT reviewed it): later passes go by it. */
  acceptClock(): void {
    this.#referenceWallMs = this.clock.now().getTime();
    this.#referenceMonoMs = this.clock.monotonicMs();
    this.#reportedDriftMs = null;
  }

  /**
   * The system woke from sleep: the monotonic clock did not count the sleep, so the trusted time is behind by its
   * length. That is not a clock jump: take the wall clock again if it moved forward, then run a pass (keys may have
   * expired while asleep). A wall clock behind the trusted time is not taken (sleep cannot explain it).
   */
  systemResumed(): void {
    if (this.clock.now().getTime() >= this.trustedNowMs()) this.acceptClock();
    if (!this.#running) void this.runPass();
  }

  /** A session's last turn moved (a new turn): its expiry moved later, so re-aim the timer. */
  keysChanged(): void {
    if (!this.#running) this.#scheduleNextExpiry();
  }

  dispose(): void {
    this.#disposed = true;
    if (this.#timer) this.clock.clearTimer(this.#timer);
    this.#timer = null;
  }

  /** Reports, once per jump, a wall clock more than the allowed drift away from the trusted time. */
  #watchWallClock(): void {
    const maxDriftMs = this.options.maxDriftMs ?? HOUR_MS;
    const drift = this.clock.now().getTime() - this.trustedNowMs();
    if (Math.abs(drift) <= maxDriftMs) {
      this.#reportedDriftMs = null;
      return;
    }
    if (this.#reportedDriftMs !== null && Math.abs(drift - this.#reportedDriftMs) <= maxDriftMs) return;
    this.#reportedDriftMs = drift;
    this.reporter.clockJump(drift);
    this.logger.warn('retention.clock-jump', { driftMs: Math.round(drift) });
  }

  #scheduleNextExpiry(): void {
    const oldest = this.keys.oldestLastTurnAt();
    if (oldest === null) {
      if (this.#timer) this.clock.clearTimer(this.#timer);
      this.#timer = null;
      return;
    }
    // At least 1 ms ahead: a pass at the exact boundary must not re-arm a timer for the same instant forever.
    this.#schedule(Math.max(1, oldest + this.options.retentionMs - this.trustedNowMs()));
  }

  #schedule(delayMs: number): void {
    if (this.#disposed) return;
    if (this.#timer) this.clock.clearTimer(this.#timer);
    this.#timer = this.clock.setTimer(() => {
      this.#timer = null;
      void this.runPass();
    }, Math.min(Math.max(0, delayMs), MAX_TIMER_MS));
  }
}
