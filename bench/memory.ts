/**
 * Metric 3 — heap bytes per live session. 10,000 sessions with a 20-turn history each are built on each side
 * (the engine's store with counted TurnRecords; LangChain's InMemoryChatMessageHistory of Human/AI messages), from
 * freshly generated copies of the same text, so neither side's strings are shared with the other. The sessions
 * built here are then reused by the turn comparison.
 */
import { countTokens } from 'gpt-tokenizer';
import type { Clock } from '../src/main/core/clock';
import { createBenchEngine, populateEngine, type BenchEngine } from './engineSessions';
import { measureHeapGrowth } from './heap';
import { populateLangChain, type LangChainSessions } from './langchainSessions';
import { sessionScript, type TextSizes } from './workload';

/** Both sides' sessions and what they cost. */
export interface SessionMemoryResult {
  readonly engine: BenchEngine;
  readonly engineIds: string[];
  readonly engineBytesPerSession: number;
  /** Average characters (= bytes, ASCII) of user and answer text per session. */
  readonly historyTextBytesPerSession: number;
  /** Average cached tokens of a session's history (TurnRecord.tokens summed): what the window has to fit. */
  readonly historyTokensPerSession: number;
  readonly langchain: LangChainSessions;
  readonly langchainIds: string[];
  readonly langchainBytesPerSession: number;
}

/**
 * Warms what would otherwise be charged to the first sessions: the tokenizer's BPE tables and bounded merge
 * cache, and the compiled code of the population path.
 */
function warmUp(seed: number, turns: number, sizes: TextSizes): void {
  for (let index = 0; index < 300; index += 1) {
    for (const exchange of sessionScript(seed + 1, index, turns, sizes).exchanges) {
      countTokens(exchange.userText);
      countTokens(exchange.answerText);
    }
  }
}

/** Builds `count` sessions of `turns` exchanges on each side and measures their heap. */
export async function measureSessionMemory(clock: Clock, seed: number, count: number, turns: number, sizes: TextSizes): Promise<SessionMemoryResult> {
  warmUp(seed, turns, sizes);
  // The store itself (empty maps, timer) is not per-session cost: it exists before the baseline.
  const engine = createBenchEngine(clock, count * 2);
  const engineSide = await measureHeapGrowth(() => populateEngine(engine, seed, count, turns, sizes));
  let textChars = 0;
  let tokens = 0;
  for (const session of engine.store.all()) {
    for (const turn of session.turns) {
      textChars += turn.userText.length + turn.answerText.length;
      tokens += turn.tokens;
    }
  }
  const langchainSide = await measureHeapGrowth(() => Promise.resolve(populateLangChain(seed, count, turns, sizes)));
  return {
    engine,
    engineIds: engineSide.value,
    engineBytesPerSession: engineSide.bytes / count,
    historyTextBytesPerSession: textChars / count,
    historyTokensPerSession: tokens / count,
    langchain: langchainSide.value.sessions,
    langchainIds: langchainSide.value.ids,
    langchainBytesPerSession: langchainSide.bytes / count,
  };
}
