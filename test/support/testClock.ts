import type { Clock, TimerHandle } from '../../src/main/core/clock';
import { MAX_TIMER_DELAY_MS } from '../../src/main/core/clock';

interface PendingTimer {
  readonly id: number;
  readonly dueMs: number;
  readonly callback: () => void;
}

/**
 * A clock tests move by hand: wall and monotonic time advance together, and timers fire, in due order, when
 * `advance` passes their time. Nothing sleeps.
 */
export class TestClock implements Clock {
  #wallMs: number;
  #monotonicMs = 0;
  #nextId = 1;
  readonly #timers = new Map<number, PendingTimer>();
  /** Every delay asked of `setTimer`, in order (after clamping), so tests can check what was scheduled. */
  readonly requestedDelays: number[] = [];

  constructor(start = new Date('2026-11-25T09:00:00.000Z')) {
    this.#wallMs = start.getTime();
  }

  now(): Date {
    return new Date(this.#wallMs);
  }

  monotonicMs(): number {
    return this.#monotonicMs;
  }

  setTimer(callback: () => void, delayMs: number): TimerHandle {
    const clamped = Math.min(Math.max(0, delayMs), MAX_TIMER_DELAY_MS);
    this.requestedDelays.push(clamped);
    const timer = { id: this.#nextId++, dueMs: this.#monotonicMs + clamped, callback };
    this.#timers.set(timer.id, timer);
    return { id: timer.id };
  }

  clearTimer(handle: TimerHandle): void {
    this.#timers.delete((handle as { id: number }).id);
  }

  /** Timers not yet fired. */
  get pendingTimers(): number {
    return this.#timers.size;
  }

  /** Moves both clocks forward, firing every timer that falls due on the way, in due order. */
  advance(ms: number): void {
    const target = this.#monotonicMs + ms;
    for (;;) {
      const next = [...this.#timers.values()].filter((timer) => timer.dueMs <= target).sort((a, b) => a.dueMs - b.dueMs || a.id - b.id)[0];
      if (!next) break;
      this.#timers.delete(next.id);
      this.#wallMs += next.dueMs - this.#monotonicMs;
      this.#monotonicMs = next.dueMs;
      next.callback();
    }
    this.#wallMs += target - this.#monotonicMs;
    this.#monotonicMs = target;
  }

  /** Moves the wall clock only (a user changing the OS time); monotonic time and timers are unaffected. */
  jumpWallClock(ms: number): void {
    this.#wallMs += ms;
  }
}

/** Ids in UUID v4 form, counting up, so tests can name them. */
export function sequentialIds(): () => string {
  let next = 1;
  return () => `00000000-0000-4000-8000-${String(next++).padStart(12, '0')}`;
}
