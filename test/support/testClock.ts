import type { Clock } from '../../src/main/sessions/clock';

/** A clock tests move by hand: wall and monotonic time advance together. */
export class TestClock implements Clock {
  #wallMs: number;
  #monotonicMs = 0;

  constructor(start = new Date('2026-11-25T09:00:00.000Z')) {
    this.#wallMs = start.getTime();
  }

  now(): Date {
    return new Date(this.#wallMs);
  }

  monotonicMs(): number {
    return this.#monotonicMs;
  }

  advance(ms: number): void {
    this.#wallMs += ms;
    this.#monotonicMs += ms;
  }
}

/** Ids in UUID v4 form, counting up, so tests can name them. */
export function sequentialIds(): () => string {
  let next = 1;
  return () => `00000000-0000-4000-8000-${String(next++).padStart(12, '0')}`;
}
