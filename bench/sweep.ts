/**
 * Metric 7 — one cleanup pass over a large live set. 100,000 sessions are opened on a hand-moved clock, the first
 * 1% of them earlier than the rest, and the clock is moved so exactly those are past the idle timeout; then
 * `store.sweep()` alone is timed. The sweep walks each order from its oldest end and stops at the first session
 * not due, so its cost should follow the 1,000 expired sessions, not the 100,000 live ones.
 */
import { silentLogger } from '../src/main/core/logger';
import { SessionStore } from '../src/main/sessions/sessionStore';
import { SETTINGS_DEFAULTS } from '../src/shared/settings';
import { TestClock } from '../test/support/testClock';
import { BENCH_OWNER, benchIds } from './engineSessions';
import { mulberry32 } from './prng';
import { best } from './stats';
import { clinicalPatient } from './workload';

/** What the sweep measurement found. */
export interface SweepResult {
  /** Fastest sweep over the repetitions, in milliseconds. */
  readonly bestMs: number;
  readonly medianMs: number;
  readonly live: number;
  readonly expired: number;
  readonly repetitions: number;
}

const IDLE_MS = SETTINGS_DEFAULTS.sessionIdleTimeoutMs;

/** Builds a store of `live` sessions of which `expired` are past the idle timeout on the returned clock. */
function buildStore(live: number, expired: number): SessionStore {
  const clock = new TestClock();
  const store = new SessionStore(
    clock,
    benchIds(5),
    { idleTimeoutMs: IDLE_MS, absoluteTimeoutMs: SETTINGS_DEFAULTS.sessionAbsoluteTimeoutMs, maxLiveSessions: live },
    silentLogger,
  );
  // One patient object for all: the sweep never reads it, and 100,000 copies would only slow the rebuilds.
  const patient = clinicalPatient(mulberry32(5));
  for (let index = 0; index < expired; index += 1) store.create(BENCH_OWNER, patient);
  // The rest arrive 10 minutes later, so moving the clock to the first ones' timeout leaves them 10 minutes short.
  clock.advance(10 * 60_000);
  for (let index = expired; index < live; index += 1) store.create(BENCH_OWNER, patient);
  // The store's own timer would run the sweep while the clock moves (TestClock fires due timers); stopping it
  // leaves the pass to be run, and timed, by hand. dispose() only clears the timer: sweep() works as before.
  store.dispose();
  clock.advance(IDLE_MS - 10 * 60_000);
  return store;
}

/** Times `repetitions` sweeps, each on a freshly built store; checks each expired exactly `expired` sessions. */
export function measureSweep(live: number, expired: number, repetitions: number): SweepResult {
  const times: number[] = [];
  for (let repetition = 0; repetition < repetitions; repetition += 1) {
    const store = buildStore(live, expired);
    const startedAt = performance.now();
    const count = store.sweep();
    times.push(performance.now() - startedAt);
    if (count !== expired || store.size !== live - expired) {
      throw new Error(`sweep: expected ${expired} expired and ${live - expired} live, got ${count} and ${store.size}.`);
    }
  }
  const sorted = [...times].sort((a, b) => a - b);
  return { bestMs: best(times), medianMs: sorted[Math.floor(sorted.length / 2)] as number, live, expired, repetitions };
}
