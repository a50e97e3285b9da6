/**
 * The same sessions and turns through LangChain.js, as an application built on it would hold them: one
 * `InMemoryChatMessageHistory` per session with the exchanges as Human/AI messages, and per turn the new
 * message added, the history read, a system message put in front and `trimMessages` asked to keep the most
 * recent messages within the same token budget the engine uses.
 */
import { InMemoryChatMessageHistory } from '@langchain/core/chat_history';
import { AIMessage, HumanMessage, SystemMessage, trimMessages, type BaseMessage } from '@langchain/core/messages';
import { systemMessageText } from '../src/main/llm/buildPrompt';
import { promptBudget } from '../src/main/llm/contextWindow';
import type { Patient } from '../src/shared/patient';
import { BENCH_CONTEXT_LENGTH, BENCH_MARGIN_TOKENS, BENCH_MAX_OUTPUT_TOKENS, benchIds } from './engineSessions';
import { countLangChainTokens } from './gptCounter';
import { sessionScript, type TextSizes } from './workload';

/** One LangChain-side session: its history and the patient its system message describes. */
export interface LangChainSession {
  readonly history: InMemoryChatMessageHistory;
  readonly patient: Patient;
}

/** The LangChain side's sessions, looked up by id like the engine's. */
export type LangChainSessions = Map<string, LangChainSession>;

/** The engine's prompt budget, so both sides trim to the same number of tokens. */
export const LANGCHAIN_BUDGET = promptBudget(BENCH_CONTEXT_LENGTH, BENCH_MAX_OUTPUT_TOKENS, BENCH_MARGIN_TOKENS);

/** Builds `count` sessions of the workload `seed` (the same texts the engine side gets), with their ids. */
export function populateLangChain(seed: number, count: number, turns: number, sizes: TextSizes): { sessions: LangChainSessions; ids: string[] } {
  const sessions: LangChainSessions = new Map();
  const ids: string[] = [];
  const newId = benchIds(3);
  for (let index = 0; index < count; index += 1) {
    const script = sessionScript(seed, index, turns, sizes);
    const messages: BaseMessage[] = [];
    for (const exchange of script.exchanges) messages.push(new HumanMessage(exchange.userText), new AIMessage(exchange.answerText));
    const id = newId();
    sessions.set(id, { history: new InMemoryChatMessageHistory(messages), patient: script.patient });
    ids.push(id);
  }
  return { sessions, ids };
}

/** What one LangChain turn produced. */
export interface LangChainTurnOutcome {
  readonly session: LangChainSession;
  readonly prompt: BaseMessage[];
  /** Whether `trimMessages` left any message out. */
  readonly trimmed: boolean;
}

/** One turn's work before the model is asked, the LangChain way. */
export async function langchainTurn(sessions: LangChainSessions, sessionId: string, userText: string): Promise<LangChainTurnOutcome> {
  const session = sessions.get(sessionId);
  if (!session) throw new Error(`LangChain bench: unknown session ${sessionId}.`);
  await session.history.addMessage(new HumanMessage(userText));
  const messages = await session.history.getMessages();
  const all = [new SystemMessage(systemMessageText(session.patient)), ...messages];
  const prompt = await trimMessages(all, {
    maxTokens: LANGCHAIN_BUDGET,
    strategy: 'last',
    tokenCounter: countLangChainTokens,
    includeSystem: true,
    startOn: 'human',
  });
  return { session, prompt, trimmed: prompt.length < all.length };
}

/** Records the model's answer (outside the measured turn, like the engine side's recording). */
export async function recordLangChainAnswer(session: LangChainSession, answerText: string): Promise<void> {
  await session.history.addMessage(new AIMessage(answerText));
}
