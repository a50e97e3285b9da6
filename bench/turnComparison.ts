/**
 * Metrics 1 and 2 — per-turn overhead of the engine, and the same turns through LangChain.js, side by side.
 *
 * Both sides play one seeded sequence of turns (a random session, a new message, then the model's answer). The
 * sequence runs in blocks: a block on the engine, a full collection, the same block on LangChain, a collection,
 * and so on, so both sides run under the same machine noise and neither pays for the other's garbage. After each
 * turn, outside the timing, the answer is recorded on both sides (TurnRecord with its count / AIMessage), so the
 * histories stay identical and grow as real conversations do.
 *
 * The engine is timed on every turn. A LangChain turn costs hundreds of times more, so when `langchainEvery` > 1
 * it is timed on every n-th turn of the sequence only; the turns in between still add their messages to its
 * histories (untimed), so each timed LangChain turn sees exactly the history the engine saw for that turn.
 */
import { HumanMessage, AIMessage } from '@langchain/core/messages';
import { engineTurn, recordTurn, type BenchEngine } from './engineSessions';
import { collectGarbage } from './heap';
import { langchainTurn, recordLangChainAnswer, type LangChainSessions } from './langchainSessions';
import { deriveSeed, mulberry32 } from './prng';
import { answerMessage, userMessage, type TextSizes } from './workload';

/** How many turns to play and how to interleave them. */
export interface ComparisonPlan {
  /** Played first on both sides, untimed (compiled code, tokenizer cache, histories moving). */
  readonly warmupTurns: number;
  /** Played after the warm-up; every one is timed on the engine. */
  readonly measuredTurns: number;
  /** LangChain is timed on every n-th measured turn (1 = all). */
  readonly langchainEvery: number;
  /** Turns per block before switching sides. */
  readonly blockTurns: number;
}

/** Per-turn times in microseconds and the share of timed turns that left history out. */
export interface ComparisonResult {
  readonly engineUs: number[];
  readonly langchainUs: number[];
  readonly engineTrimmedShare: number;
  readonly langchainTrimmedShare: number;
}

/** Both sides' sessions, in the same order (index i is the same conversation on both sides). */
export interface ComparisonSides {
  readonly engine: BenchEngine;
  readonly engineIds: readonly string[];
  readonly langchain: LangChainSessions;
  readonly langchainIds: readonly string[];
}

/** Turn `index` of the sequence: which session, the new message and the answer it will get. Pure in its inputs. */
function turnAt(seed: number, index: number, sessions: number, sizes: TextSizes): { session: number; userText: string; answerText: string } {
  const random = mulberry32(deriveSeed(seed, index));
  const session = Math.floor(random() * sessions);
  return { session, userText: userMessage(random, sizes), answerText: answerMessage(random, sizes) };
}

/** Plays the sequence on both sides and returns the timings. */
export async function compareTurns(sides: ComparisonSides, seed: number, sizes: TextSizes, plan: ComparisonPlan): Promise<ComparisonResult> {
  const total = plan.warmupTurns + plan.measuredTurns;
  const sessions = sides.engineIds.length;
  const engineUs: number[] = [];
  const langchainUs: number[] = [];
  let engineTrimmed = 0;
  let langchainTrimmed = 0;
  // LangChain's timed turns: every n-th of the whole sequence, so the warm-up compiles its code path too.
  const timesLangChain = (index: number): boolean => index % plan.langchainEvery === 0;

  for (let start = 0; start < total; start += plan.blockTurns) {
    const end = Math.min(total, start + plan.blockTurns);

    for (let index = start; index < end; index += 1) {
      const turn = turnAt(seed, index, sessions, sizes);
      const startedAt = performance.now();
      const outcome = await engineTurn(sides.engine, sides.engineIds[turn.session] as string, turn.userText);
      const elapsed = performance.now() - startedAt;
      if (index >= plan.warmupTurns) {
        engineUs.push(elapsed * 1_000);
        if (outcome.plan.trimmed) engineTrimmed += 1;
      }
      await recordTurn(sides.engine, outcome.session, { ...turn, userTokens: outcome.userTokens }, outcome.plan.windowStart);
    }
    collectGarbage();

    for (let index = start; index < end; index += 1) {
      const turn = turnAt(seed, index, sessions, sizes);
      const id = sides.langchainIds[turn.session] as string;
      if (timesLangChain(index)) {
        const startedAt = performance.now();
        const outcome = await langchainTurn(sides.langchain, id, turn.userText);
        const elapsed = performance.now() - startedAt;
        if (index >= plan.warmupTurns) {
          langchainUs.push(elapsed * 1_000);
          if (outcome.trimmed) langchainTrimmed += 1;
        }
        await recordLangChainAnswer(outcome.session, turn.answerText);
      } else {
        // Not timed: the history still gets this turn's messages, as the engine's did.
        const session = sides.langchain.get(id);
        if (!session) throw new Error(`LangChain bench: unknown session ${id}.`);
        await session.history.addMessages([new HumanMessage(turn.userText), new AIMessage(turn.answerText)]);
      }
    }
    collectGarbage();
  }
  return {
    engineUs,
    langchainUs,
    engineTrimmedShare: engineTrimmed / Math.max(1, engineUs.length),
    langchainTrimmedShare: langchainTrimmed / Math.max(1, langchainUs.length),
  };
}
