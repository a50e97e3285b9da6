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
  /** Wall time drifting from monotonic time by more than this is a clock jump: retention waits. */
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
 * Clock jumps. While running, a wall clock that moves away from the monotonic clock by more than an hour (someone
 * set the date) is reported ONCE, and retention holds back for one retry period so a mistaken clock that is put
 * right again destroys nothing. If at the next reading the wall clock still agrees with where it jumped to, the
 * jump is taken as real: retention re-bases on it and carries on (it never stops for good). A system waking from
 * sleep is not a jump — the monotonic clock stands still during sleep on Linux and macOS — so {@link systemResumed}
 * re-bases without a report; a long gap at start-up (a weekend) is normal and acted on.
 */
export class RetentionScheduler {
  #timer: TimerHandle | null = null;
  #running = false;
  #disposed = false;
  /** Wall minus monotonic at the last consistent reading: the reference for spotting a jump. */
  #offsetMs: number;
  /** Wall minus monotonic right after a reported jump, while retention waits to see whether it holds. */
  #jumpedOffsetMs: number | null = null;

  constructor(
    private readonly keys: RetentionKeys,
    private readonly clock: Clock,
    private readonly reporter: RetentionReporter,
    private readonly logger: Logger,
    private readonly options: RetentionOptions,
  ) {
    this.#offsetMs = this.#currentOffset();
  }

  /** Runs a pass now (start-up) and keeps the timer aimed at the next expiry. */
  start(): Promise<void> {
    return this.runPass();
  }

  /** One pass: destroys every expired key in batches, then re-aims the timer. Resolves when done. */
  async runPass(): Promise<void> {
    if (this.#running || this.#disposed) return;
    this.#running = true;
    try {
      if (!this.#clockConsistent()) {
        // Hold back until the next reading says whether the new time holds; check again later.
        this.#schedule(this.options.retryMs ?? 5 * 60_000);
        return;
      }
      const cutoff = this.clock.now().getTime() - this.options.retentionMs;
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

  /**
   * Accepts the current wall clock as right (after a jump was reviewed, or at start-up): later passes measure
   * drift from here.
   */
  acceptClock(): void {
    this.#offsetMs = this.#currentOffset();
    this.#jumpedOffsetMs = null;
  }

  /**
   * The system woke from sleep: the monotonic clock did not count the sleep, so wall minus monotonic moved by its
   * length. That is not a clock jump: re-base, then run a pass (keys may have expired while asleep).
   */
  systemResumed(): void {
    this.acceptClock();
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

  /**
   * True when retention may act on the wall clock now: it agrees with the reference, or it still agrees with where it
   * jumped to at the previous reading (the jump holds: re-based). A new jump is reported once and answers false.
   */
  #clockConsistent(): boolean {
    const maxDriftMs = this.options.maxDriftMs ?? HOUR_MS;
    const offset = this.#currentOffset();
    const drift = offset - this.#offsetMs;
    if (Math.abs(drift) <= maxDriftMs) {
      this.#jumpedOffsetMs = null;
      return true;
    }
    if (this.#jumpedOffsetMs !== null && Math.abs(offset - this.#jumpedOffsetMs) <= maxDriftMs) {
      this.logger.warn('retention.clock-rebased', { driftMs: Math.round(drift) });
      this.acceptClock();
      return true;
    }
    this.#jumpedOffsetMs = offset;
    this.reporter.clockJump(drift);
    this.logger.warn('retention.clock-jump', { driftMs: Math.round(drift) });
    return false;
  }

  #currentOffset(): number {
    return this.clock.now().getTime() - this.clock.monotonicMs();
  }

  #scheduleNextExpiry(): void {
    const oldest = this.keys.oldestLastTurnAt();
    if (oldest === null) {
      if (this.#timer) this.clock.clearTimer(this.#timer);
      this.#timer = null;
      return;
    }
    // At least 1 ms ahead: a pass at the exact boundary must not re-arm a timer for the same instant forever.
    this.#schedule(Math.max(1, oldest + this.options.retentionMs - this.clock.now().getTime()));
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
