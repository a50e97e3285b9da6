/**
 * Metric 5 — concurrency: 64 new sessions streaming their first turns at once through the app's services (global
 * model limit raised to 64) versus one session alone, against a test server that paces its chunks. With the
 * server's pacing dominating, a session engine that adds no serialisation finishes the 64 in about the time of
 * one: the ratio of wall times shows what the engine (locks, limiter, counting, IPC events) costs under load.
 */
import { startApp } from './appUnderTest';
import { startFakeServerProcess } from './fakeServer';
import { deriveSeed, mulberry32 } from './prng';
import { percentile } from './stats';
import { clinicalPatient, STANDARD_SIZES, userMessage } from './workload';

/** Words of the scripted reply: the test server streams one chunk per word. */
const REPLY_WORDS = 40;

/** What the concurrency comparison measured. */
export interface ConcurrencyResult {
  /** Median over rounds of (wall time of the 64) / (wall time of the one alone), each pair run back to back. */
  readonly ratio: number;
  readonly aloneMs: number;
  readonly togetherMs: number;
  readonly sessions: number;
  readonly rounds: number;
  readonly chunkDelayMs: number;
}

/** A reply of exactly {@link REPLY_WORDS} clinical words. */
function scriptedReply(): string {
  const words = 'Start oxygen, obtain blood cultures, give fluids, repeat lactate, review antibiotics and reassess'.split(' ');
  return Array.from({ length: REPLY_WORDS }, (_, index) => words[index % words.length]).join(' ');
}

/** Runs `rounds` rounds of one-alone then `sessions`-together, after a warm-up round. */
export async function measureConcurrency(seed: number, sessions: number, rounds: number, chunkDelayMs: number): Promise<ConcurrencyResult> {
  const server = await startFakeServerProcess({ chunkDelayMs, defaultReply: scriptedReply() });
  const app = await startApp(server.baseURL, { maxConcurrentModelRequests: sessions });
  const random = mulberry32(deriveSeed(seed, 5));
  let caller = 0;
  const firstTurn = (): Promise<unknown> => app.generate(`c-${caller++}`, { patient: clinicalPatient(random), message: userMessage(random, STANDARD_SIZES) });
  const timed = async (count: number): Promise<number> => {
    const startedAt = performance.now();
    await Promise.all(Array.from({ length: count }, firstTurn));
    const elapsed = performance.now() - startedAt;
    app.transport.clearSent();
    return elapsed;
  };
  const alone: number[] = [];
  const together: number[] = [];
  const ratios: number[] = [];
  try {
    // Warm-up: connections opened, model listing cached, code paths compiled.
    await timed(1);
    await timed(sessions);
    for (let round = 0; round < rounds; round += 1) {
      const one = await timed(1);
      const many = await timed(sessions);
      alone.push(one);
      together.push(many);
      ratios.push(many / one);
    }
  } finally {
    await app.close();
    await server.close();
  }
  return {
    ratio: percentile(ratios, 50),
    aloneMs: percentile(alone, 50),
    togetherMs: percentile(together, 50),
    sessions,
    rounds,
    chunkDelayMs,
  };
}
