import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  BLOCK_HISTORY_SHARE,
  CONTEXT_MARGIN_TOKENS,
  fixedTokenCount,
  planWindow,
  promptBudget,
  shrinkWindow,
  turnTokenCount,
  type FittingWindow,
  type WindowPlan,
  type WindowRequest,
} from './contextWindow';
import { MESSAGE_OVERHEAD_TOKENS } from './tokens/tokenCounter';

/** A request with round numbers: fixed 1,000, note 20, budget 5,000, turns of 400 unless given. */
function request(overrides: Partial<WindowRequest> = {}): WindowRequest {
  return { turnTokens: [], fixedTokens: 1_000, omissionNoteTokens: 20, budget: 5_000, previousStart: 0, ...overrides };
}

function fits(plan: WindowPlan): FittingWindow {
  if (!plan.fits) throw new Error(`expected a fitting window, got ${plan.reason}`);
  return plan;
}

const sum = (counts: readonly number[], from = 0): number => counts.slice(from).reduce((total, count) => total + count, 0);

describe('token arithmetic', () => {
  it('budgets the context less the output and the margin', () => {
    expect(promptBudget(8_192, 1_024)).toBe(8_192 - 1_024 - CONTEXT_MARGIN_TOKENS);
    expect(promptBudget(8_192, 1_024, 0)).toBe(7_168);
    expect(() => promptBudget(Number.NaN, 1_024)).toThrow(RangeError);
  });

  it('adds the per-message overhead to turns and to the fixed part', () => {
    expect(turnTokenCount(100, 300)).toBe(400 + 2 * MESSAGE_OVERHEAD_TOKENS);
    expect(fixedTokenCount(250, 100)).toBe(350 + 2 * MESSAGE_OVERHEAD_TOKENS);
  });
});

describe('planWindow', () => {
  it('sends the whole history while it fits, without the omission note', () => {
    const turnTokens = [400, 400, 400];
    expect(planWindow(request({ turnTokens }))).toEqual({
      fits: true, start: 0, includedTurns: 3, omittedTurns: 0, trimmed: false, moved: false, promptTokens: 2_200,
    });
    expect(fits(planWindow(request()))).toMatchObject({ start: 0, includedTurns: 0, promptTokens: 1_000 });
  });

  it('keeps the previous start while everything from it fits, even when an earlier start would fit too', () => {
    const plan = fits(planWindow(request({ turnTokens: [400, 400, 400], previousStart: 2 })));
    expect(plan).toMatchObject({ start: 2, includedTurns: 1, omittedTurns: 2, trimmed: true, moved: false, promptTokens: 1_420 });
  });

  it('moves the start forward in a block, leaving the history at most half of its room', () => {
    // Eleven turns of 400 need 4,400 of the 4,000 left; once turns are left out, 5,000 − 1,000 − 20 = 3,980.
    const turnTokens = Array<number>(11).fill(400);
    const plan = fits(planWindow(request({ turnTokens })));
    const target = BLOCK_HISTORY_SHARE * 3_980;
    expect(plan).toMatchObject({ start: 7, includedTurns: 4, omittedTurns: 7, trimmed: true, moved: true, promptTokens: 2_620 });
    expect(sum(turnTokens, plan.start)).toBeLessThanOrEqual(target);
    // The block is the smallest that reaches the target: one turn fewer left out would exceed it.
    expect(sum(turnTokens, plan.start - 1)).toBeGreaterThan(target);
  });

  it('then keeps that start for the following turns until they no longer fit', () => {
    const turnTokens = Array<number>(11).fill(400);
    let start = fits(planWindow(request({ turnTokens }))).start;
    const starts: number[] = [];
    for (let turn = 0; turn < 10; turn += 1) {
      turnTokens.push(400);
      const plan = fits(planWindow(request({ turnTokens, previousStart: start })));
      starts.push(plan.start);
      start = plan.start;
    }
    // Four turns of history after the move; five more fit (9 × 400 ≤ 3,980), the sixth moves the start again.
    expect(starts).toEqual([7, 7, 7, 7, 7, 13, 13, 13, 13, 13]);
  });

  it('keeps the most recent turn when it alone exceeds the block target but fits the budget', () => {
    const plan = fits(planWindow(request({ turnTokens: [400, 3_700] })));
    expect(plan).toMatchObject({ start: 1, includedTurns: 1, moved: true, promptTokens: 4_720 });
    expect(fits(planWindow(request({ turnTokens: [400, 4_500] })))).toMatchObject({ start: 2, includedTurns: 0, promptTokens: 1_020 });
  });

  it('with a block share of 1, slides by as little as it must (a plain sliding window)', () => {
    // From turn 1 on, 4,000 would exceed the 3,980 left beside the note: two turns go.
    const turnTokens = Array<number>(11).fill(400);
    expect(fits(planWindow(request({ turnTokens, blockShare: 1 })))).toMatchObject({ start: 2, includedTurns: 9 });
  });

  it('reports a current message too long for the budget instead of cutting it', () => {
    expect(planWindow(request({ fixedTokens: 5_001 }))).toEqual({ fits: false, reason: 'prompt_too_long', requiredTokens: 5_001, budget: 5_000 });
    // With history, leaving it all out still needs the note.
    expect(planWindow(request({ fixedTokens: 4_990, turnTokens: [400] }))).toMatchObject({ fits: false, reason: 'prompt_too_long', requiredTokens: 5_010 });
    expect(planWindow(request({ budget: promptBudget(1_000, 1_024, 0) }))).toMatchObject({ fits: false, reason: 'prompt_too_long' });
  });

  it('refuses input that makes no sense', () => {
    expect(() => planWindow(request({ previousStart: -1 }))).toThrow(RangeError);
    expect(() => planWindow(request({ previousStart: 1.5 }))).toThrow(RangeError);
    expect(() => planWindow(request({ blockShare: 0 }))).toThrow(RangeError);
    expect(() => planWindow(request({ fixedTokens: Number.NaN }))).toThrow(RangeError);
    expect(() => planWindow(request({ budget: Number.POSITIVE_INFINITY }))).toThrow(RangeError);
  });

  it('never exceeds the budget, never moves back, and only moves when it must (any input)', () => {
    const input = fc.record({
      turnTokens: fc.array(fc.integer({ min: 0, max: 3_000 }), { maxLength: 40 }),
      fixedTokens: fc.integer({ min: 0, max: 6_000 }),
      omissionNoteTokens: fc.integer({ min: 0, max: 60 }),
      budget: fc.integer({ min: -100, max: 8_000 }),
      previousStart: fc.integer({ min: 0, max: 45 }),
      blockShare: fc.double({ min: 0.05, max: 1, noNaN: true }),
    });
    fc.assert(
      fc.property(input, (req) => {
        const plan = planWindow(req);
        const turns = req.turnTokens.length;
        const required = req.fixedTokens + (turns > 0 ? req.omissionNoteTokens : 0);
        if (!plan.fits) {
          expect(required).toBeGreaterThan(req.budget);
          return;
        }
        const previous = Math.min(req.previousStart, turns);
        const expected = req.fixedTokens + (plan.start > 0 ? req.omissionNoteTokens : 0) + sum(req.turnTokens, plan.start);
        expect(plan.promptTokens).toBe(expected);
        expect(plan.promptTokens).toBeLessThanOrEqual(req.budget);
        expect(plan.start).toBeGreaterThanOrEqual(previous);
        expect(plan.includedTurns + plan.omittedTurns).toBe(turns);
        const stayWouldFit = req.fixedTokens + (previous > 0 ? req.omissionNoteTokens : 0) + sum(req.turnTokens, previous) <= req.budget;
        expect(plan.moved).toBe(!stayWouldFit);
        expect(plan.start === previous).toBe(stayWouldFit);
      }),
    );
  });
});

describe('shrinkWindow', () => {
  it('moves the start of a window the server refused one block further, halving its history', () => {
    const req = request({ turnTokens: Array<number>(8).fill(400) });
    const plan = fits(planWindow(req));
    expect(plan.start).toBe(0);
    const smaller = fits(shrinkWindow(req, plan));
    expect(smaller).toMatchObject({ start: 4, includedTurns: 4, moved: true, trimmed: true, promptTokens: 2_620 });
    expect(fits(shrinkWindow(req, smaller))).toMatchObject({ start: 6, includedTurns: 2 });
  });

  it('drops at least one turn, and says so when there is none left to drop', () => {
    const req = request({ turnTokens: [400, 400] });
    expect(fits(shrinkWindow(req, { start: 1 }))).toMatchObject({ start: 2, includedTurns: 0, promptTokens: 1_020 });
    expect(shrinkWindow(req, { start: 2 })).toEqual({ fits: false, reason: 'no_history_to_drop', requiredTokens: 1_020, budget: 5_000 });
    expect(shrinkWindow(request(), { start: 0 })).toMatchObject({ fits: false, reason: 'no_history_to_drop' });
  });
});
