/**
 * Metric 6 — prefix-cache friendliness of the history window. A 40-turn conversation in an 8k context runs through
 * the real assembler, the window start carried from turn to turn exactly as `ProtocolService` carries it; for each
 * consecutive pair of prompts we take `prefixRetention` (the share of turn n's prompt that turn n+1 repeats as its
 * prefix: the cached work vLLM can reuse) and `prefixReuse` (the share of turn n+1's prompt that is such a
 * prefix). The naive baseline drops only what it must, oldest turn first (`planWindow` with `blockShare: 1`), so
 * its start — and with it the system message's omission note — changes on nearly every turn once the context
 * is full.
 */
import { buildPrompt, omissionNote, systemMessageText } from '../src/main/llm/buildPrompt';
import { planWindow, prefixRetention, prefixReuse, promptBudget } from '../src/main/llm/contextWindow';
import type { ChatMessage } from '../src/main/llm/llmClient';
import { MESSAGE_OVERHEAD_TOKENS } from '../src/main/llm/tokens/tokenCounter';
import { systemClock } from '../src/main/core/clock';
import { mean } from './stats';
import {
  BENCH_CONTEXT_LENGTH,
  BENCH_MARGIN_TOKENS,
  BENCH_MAX_OUTPUT_TOKENS,
  BENCH_MODEL,
  BENCH_OWNER,
  createBenchEngine,
  recordTurn,
} from './engineSessions';
import { gptTokenCounter } from './gptCounter';
import { sessionScript, STANDARD_SIZES } from './workload';

/** Means over every consecutive pair of prompts of every conversation. */
export interface PrefixReuseResult {
  /** Engine window: mean prefixRetention(prompt n, prompt n+1). */
  readonly retention: number;
  /** Engine window: mean prefixReuse(prompt n, prompt n+1). */
  readonly nextShare: number;
  /** Naive drop-one-oldest window: mean prefixRetention. */
  readonly naiveRetention: number;
  /** Share of the engine's prompts that left history out. */
  readonly engineTrimmedShare: number;
  readonly conversations: number;
  readonly turns: number;
}

/** Retention and reuse of every consecutive pair of prompts of one conversation. */
function consecutive(prompts: readonly ChatMessage[][]): { retention: number[]; reuse: number[] } {
  const retention: number[] = [];
  const reuse: number[] = [];
  for (let index = 1; index < prompts.length; index += 1) {
    const previous = prompts[index - 1] as ChatMessage[];
    const next = prompts[index] as ChatMessage[];
    retention.push(prefixRetention(previous, next));
    reuse.push(prefixReuse(previous, next));
  }
  return { retention, reuse };
}

/**
 * Plays `conversations` seeded conversations of `turns` turns through both windows. Every conversation is a fresh
 * session; the prompts of turn n are what the model would be sent for the n-th message.
 */
export async function measurePrefixReuse(seed: number, conversations: number, turns: number): Promise<PrefixReuseResult> {
  const retention: number[] = [];
  const reuse: number[] = [];
  const naiveRetention: number[] = [];
  let trimmed = 0;
  const budget = promptBudget(BENCH_CONTEXT_LENGTH, BENCH_MAX_OUTPUT_TOKENS, BENCH_MARGIN_TOKENS);
  const noteTokens = await gptTokenCounter.count(BENCH_MODEL, `\n\n${omissionNote(9_999)}`);
  for (let conversation = 0; conversation < conversations; conversation += 1) {
    // Each scripted exchange is one turn: its message is planned into a prompt, then its answer is recorded.
    const script = sessionScript(seed, conversation, turns, STANDARD_SIZES);
    const engine = createBenchEngine(systemClock, 10);
    const session = engine.store.create(BENCH_OWNER, script.patient);
    const systemTokens = (await gptTokenCounter.count(BENCH_MODEL, systemMessageText(script.patient))) + MESSAGE_OVERHEAD_TOKENS;
    const enginePrompts: ChatMessage[][] = [];
    const naivePrompts: ChatMessage[][] = [];
    let naiveStart = 0;
    for (const exchange of script.exchanges) {
      const userTokens = (await gptTokenCounter.count(BENCH_MODEL, exchange.userText)) + MESSAGE_OVERHEAD_TOKENS;
      const plan = await engine.assembler.plan({
        model: BENCH_MODEL,
        patient: session.patient,
        turns: session.turns,
        windowStart: session.windowStart,
        userText: exchange.userText,
        extraBlocks: 0,
      });
      enginePrompts.push(plan.messages);
      if (plan.trimmed) trimmed += 1;

      // The naive window, from the same cached counts: drop the oldest turns only as far as the budget forces.
      const naive = planWindow({
        turnTokens: session.turns.map((turn) => turn.tokens),
        fixedTokens: systemTokens + userTokens,
        omissionNoteTokens: noteTokens,
        budget,
        previousStart: naiveStart,
        blockShare: 1,
      });
      if (!naive.fits) throw new Error('prefix reuse: the naive window does not fit.');
      naiveStart = naive.start;
      naivePrompts.push(buildPrompt(session.patient, session.turns, exchange.userText, naive));

      // Recorded as ProtocolService records a finished turn: window start kept, exchange counted once.
      await recordTurn(engine, session, { ...exchange, userTokens }, plan.windowStart);
    }
    const engineSeries = consecutive(enginePrompts);
    retention.push(...engineSeries.retention);
    reuse.push(...engineSeries.reuse);
    naiveRetention.push(...consecutive(naivePrompts).retention);
    engine.store.dispose();
  }
  return {
    retention: mean(retention),
    nextShare: mean(reuse),
    naiveRetention: mean(naiveRetention),
    engineTrimmedShare: trimmed / (conversations * turns),
    conversations,
    turns,
  };
}
