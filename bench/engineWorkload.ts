/**
 * The engine suite's iteration counts, per workload. The engine side always runs the brief's full workload; a
 * LangChain turn costs tens of times more (thousands of times more in the long workload, hundreds of ms each under
 * load), so it is timed on 1 in n turns of the same sequence, the turns in between still adding their messages
 * untimed so every timed turn sees the history the engine saw. The default run times LangChain on fewer of those
 * turns than `--full`: its figures are medians and p99s of LangChain's samples against goals it misses or passes by
 * far more than that sampling can move (see the notes), and they are what the default run's time was spent on.
 */
import type { BenchWorkload } from './browser/benchOptions';
import type { ComparisonPlan } from './turnComparison';

/** Every count the engine suite's phases use. */
export interface EngineWorkload {
  readonly sessions: number;
  readonly historyTurns: number;
  readonly standard: ComparisonPlan;
  readonly longSessions: number;
  readonly longHistoryTurns: number;
  readonly long: ComparisonPlan;
  readonly prefixConversations: number;
  readonly prefixTurns: number;
  readonly sweepLive: number;
  readonly sweepExpired: number;
  readonly sweepRepetitions: number;
  readonly ttftPairs: number;
  readonly ttftWarmup: number;
  readonly concurrentSessions: number;
  readonly concurrencyRounds: number;
  readonly concurrencyChunkDelayMs: number;
}

/** The full workload (`--full`), as the brief sets it. */
export const FULL_ENGINE_WORKLOAD: EngineWorkload = {
  sessions: 10_000,
  historyTurns: 20,
  standard: { warmupTurns: 2_000, measuredTurns: 20_000, langchainEvery: 2, blockTurns: 4_000 },
  longSessions: 1_000,
  longHistoryTurns: 40,
  long: { warmupTurns: 500, measuredTurns: 5_000, langchainEvery: 50, blockTurns: 1_100 },
  prefixConversations: 25,
  prefixTurns: 40,
  sweepLive: 100_000,
  sweepExpired: 1_000,
  sweepRepetitions: 5,
  ttftPairs: 100,
  ttftWarmup: 10,
  concurrentSessions: 64,
  concurrencyRounds: 3,
  concurrencyChunkDelayMs: 10,
};

/**
 * LangChain timed on 1 in 10 standard turns (2,000 samples: its p99 is still the 20th largest) and 1 in 250 long
 * ones (20 samples of a few hundred ms each, for a ratio thousands of times past its goal).
 */
const DEFAULT: EngineWorkload = {
  ...FULL_ENGINE_WORKLOAD,
  standard: { ...FULL_ENGINE_WORKLOAD.standard, langchainEvery: 10 },
  long: { ...FULL_ENGINE_WORKLOAD.long, langchainEvery: 250 },
};

/**
 * The engine suite's counts for `workload`. `quick` never runs the engine suite (it is the browser smoke run); it
 * maps to the default counts so the type needs no special case.
 */
export function engineWorkloadFor(workload: BenchWorkload): EngineWorkload {
  return workload === 'full' ? FULL_ENGINE_WORKLOAD : DEFAULT;
}
