import { describe, expect, it } from 'vitest';
import { engineWorkloadFor, FULL_ENGINE_WORKLOAD } from './engineWorkload';

describe('engine workloads', () => {
  it('--full runs the brief workload: 10,000 sessions × 20 turns, 20,000 measured turns, LangChain timed on 1 in 2 and 1 in 50', () => {
    expect(engineWorkloadFor('full')).toBe(FULL_ENGINE_WORKLOAD);
    expect(FULL_ENGINE_WORKLOAD).toMatchObject({ sessions: 10_000, historyTurns: 20, longSessions: 1_000, longHistoryTurns: 40 });
    expect(FULL_ENGINE_WORKLOAD.standard).toEqual({ warmupTurns: 2_000, measuredTurns: 20_000, langchainEvery: 2, blockTurns: 4_000 });
    expect(FULL_ENGINE_WORKLOAD.long).toEqual({ warmupTurns: 500, measuredTurns: 5_000, langchainEvery: 50, blockTurns: 1_100 });
  });

  it('the default run plays the same turns on the engine and times fewer of them on LangChain, nothing else', () => {
    const { standard, long, ...rest } = engineWorkloadFor('default');
    const { standard: fullStandard, long: fullLong, ...fullRest } = FULL_ENGINE_WORKLOAD;
    expect(rest).toEqual(fullRest);
    expect({ ...standard, langchainEvery: fullStandard.langchainEvery }).toEqual(fullStandard);
    expect({ ...long, langchainEvery: fullLong.langchainEvery }).toEqual(fullLong);
    expect(standard.langchainEvery).toBeGreaterThan(fullStandard.langchainEvery);
    expect(long.langchainEvery).toBeGreaterThan(fullLong.langchainEvery);
  });
});
