import { describe, expect, it } from 'vitest';
import type { Patient } from '../../shared/patient';
import type { TurnRecord } from '../sessions/session';
import { createPromptAssembler } from './promptAssembly';
import { BytesPerTokenEstimator } from './tokens/bytesEstimate';
import type { TokenCounter } from './tokens/tokenCounter';

const patient: Patient = { age: 60, sex: 'female', chiefComplaint: 'Fever and cough for 3 days' };

/** An exact counter (4 bytes a token, like the test server) that records how often it was asked. */
function countingCounter(): TokenCounter & { calls: number } {
  const counter = {
    calls: 0,
    async count(_model: string, text: string) {
      counter.calls += 1;
      return Math.ceil(Buffer.byteLength(text) / 4);
    },
  };
  return counter;
}

function assembler(counter: TokenCounter, contextLength: number) {
  return createPromptAssembler({
    counter,
    estimator: new BytesPerTokenEstimator(),
    contextLengthOf: async () => contextLength,
    fallbackContextLength: 8192,
    maxOutputTokens: 256,
    marginTokens: 64,
  });
}

const turn = (index: number): TurnRecord => ({ userText: `question ${index} `.repeat(20), answerText: `answer ${index} `.repeat(80), tokens: 250 });

describe('prompt assembly', () => {
  it('plans from the local estimate alone when the prompt clearly fits: no server round trip before the model', async () => {
    const counter = countingCounter();
    const plan = await assembler(counter, 8192).plan({ model: 'm', patient, turns: [turn(0), turn(1)], windowStart: 0, userText: 'Next?', extraBlocks: 0 });
    expect(counter.calls).toBe(0);
    expect(plan).toMatchObject({ windowStart: 0, includedTurns: 2, trimmed: false });
  });

  it('asks for exact counts only when the estimate says the window must move', async () => {
    const counter = countingCounter();
    const turns = Array.from({ length: 12 }, (_unused, index) => turn(index));
    const plan = await assembler(counter, 2048).plan({ model: 'm', patient, turns, windowStart: 0, userText: 'Next?', extraBlocks: 0 });
    expect(counter.calls).toBeGreaterThan(0);
    expect(plan.trimmed).toBe(true);
    expect(plan.messages[0]?.content).toContain(`Earlier turns omitted for length: ${plan.windowStart}.`);
  });

  it('counts a finished exchange once, exactly, and its instant estimate is never lower', async () => {
    const counter = countingCounter();
    const assemble = assembler(counter, 8192);
    const exact = await assemble.countExchange('m', 'SpO2 88% on room air', 'Start oxygen, target 92–96 %.');
    expect(counter.calls).toBe(2);
    expect(assemble.estimateExchange('m', 'SpO2 88% on room air', 'Start oxygen, target 92–96 %.')).toBeGreaterThanOrEqual(exact);
  });

  it('shrinks one more block on the retry after a context overflow', async () => {
    const counter = countingCounter();
    const turns = Array.from({ length: 6 }, (_unused, index) => turn(index));
    const request = { model: 'm', patient, turns, windowStart: 0, userText: 'Next?' };
    const first = await assembler(counter, 8192).plan({ ...request, extraBlocks: 0 });
    const retry = await assembler(counter, 8192).plan({ ...request, extraBlocks: 1 });
    expect(first.includedTurns).toBe(6);
    expect(retry.includedTurns).toBeLessThan(6);
    expect(retry.trimmed).toBe(true);
  });
});
