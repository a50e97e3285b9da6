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
 * 2^31−1 ms), in batches, retrying after an error. While running, a wall clock that jumps away from the monotonic
 * clock by more than an hour (someone set the date forward) is reported, and retention waits until the readings
 * agree again, so a mistaken clock cannot destroy history; a long gap at start-up (a weekend) is normal and acted on.
 */
export class RetentionScheduler {
  #timer: TimerHandle | null = null;
  #running = false;
  #disposed = false;
  /** Wall minus monotonic at the last consistent reading: the reference for spotting a jump. */
  #offsetMs: number;

  constructor(
    private readonly keys: RetentionKeys,
    private readonly clock: Clock,
    private readonly reporter: RetentionReporter,
    private readonly logger: Logger,
    private readonly options: RetentionOptions,
  ) {
    this.#offsetMs = clock.now().getTime() - clock.monotonicMs();
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
      const drift = this.clock.now().getTime() - this.clock.monotonicMs() - this.#offsetMs;
      if (Math.abs(drift) > (this.options.maxDriftMs ?? HOUR_MS)) {
        this.reporter.clockJump(drift);
        this.logger.warn('retention.clock-jump', { driftMs: Math.round(drift) });
        // Hold back until the wall clock agrees with the monotonic one again; check again later.
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
    this.#offsetMs = this.clock.now().getTime() - this.clock.monotonicMs();
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
