/**
 * The session engine as the turn benchmarks use it: the real {@link SessionStore}, {@link TurnQueue} (inside each
 * session) and prompt assembler, counting with gpt-tokenizer. Sessions are populated directly through the store,
 * each finished exchange counted once when it is recorded — the engine's "count each message once" design — so
 * building 10,000 twenty-turn sessions costs no model time.
 */
import { historyAnswerText } from '../src/main/llm/buildPrompt';
import { createPromptAssembler } from '../src/main/llm/promptAssembly';
import { BytesPerTokenEstimator } from '../src/main/llm/tokens/bytesEstimate';
import { MESSAGE_OVERHEAD_TOKENS } from '../src/main/llm/tokens/tokenCounter';
import { silentLogger } from '../src/main/core/logger';
import type { Clock } from '../src/main/core/clock';
import type { PromptAssembler, PromptPlan } from '../src/main/llm/promptAssembler';
import type { Session, TurnRecord } from '../src/main/sessions/session';
import { SessionStore } from '../src/main/sessions/sessionStore';
import { SETTINGS_DEFAULTS } from '../src/shared/settings';
import { gptTokenCounter } from './gptCounter';
import { sessionScript, type TextSizes } from './workload';

/** The model name the benchmark pretends to talk to. */
export const BENCH_MODEL = 'fake-clinical-model';
/** The single local owner, as the app has until clinician profiles arrive. */
export const BENCH_OWNER = 'local';

/** The brief's model: an 8k context with room for a 1,024-token answer. */
export const BENCH_CONTEXT_LENGTH = 8_192;
export const BENCH_MAX_OUTPUT_TOKENS = 1_024;
/** The app's default margin (settings), not the planner's minimum: what a real turn budgets with. */
export const BENCH_MARGIN_TOKENS = SETTINGS_DEFAULTS.contextMarginTokens;

/** A store and an assembler wired as the app wires them, with the real tokenizer as the counter. */
export interface BenchEngine {
  readonly store: SessionStore;
  readonly assembler: PromptAssembler;
}

/** Ids in UUID v4 form from a counter: deterministic, and the same size in memory as `randomUUID()`'s. */
export function benchIds(prefix = 0): () => string {
  let next = 1;
  const head = prefix.toString(16).padStart(8, '0');
  return () => `${head}-0000-4000-8000-${(next++).toString(16).padStart(12, '0')}`;
}

/** Builds the engine. `maxLiveSessions` is raised for the run: the app's default cap is 500. */
export function createBenchEngine(clock: Clock, maxLiveSessions: number): BenchEngine {
  const store = new SessionStore(
    clock,
    benchIds(1),
    { idleTimeoutMs: SETTINGS_DEFAULTS.sessionIdleTimeoutMs, absoluteTimeoutMs: SETTINGS_DEFAULTS.sessionAbsoluteTimeoutMs, maxLiveSessions },
    silentLogger,
  );
  const estimator = new BytesPerTokenEstimator();
  const assembler = createPromptAssembler({
    counter: gptTokenCounter,
    estimator,
    // The server's max_model_len, already known (the gateway caches the listing): no I/O in the measured path.
    contextLengthOf: () => Promise.resolve(BENCH_CONTEXT_LENGTH),
    fallbackContextLength: BENCH_CONTEXT_LENGTH,
    maxOutputTokens: BENCH_MAX_OUTPUT_TOKENS,
    marginTokens: BENCH_MARGIN_TOKENS,
  });
  return { store, assembler };
}

/**
 * Records a finished exchange on a session as `ProtocolService` does after the model answers: the exchange is
 * counted once (user message + answer, with the app's counter) and the window start the prompt used becomes the
 * session's. `userTokens`, when the caller already counted the user message inside a timed turn, is reused.
 */
export async function recordTurn(
  engine: BenchEngine,
  session: Session,
  exchange: { userText: string; answerText: string; userTokens?: number },
  windowStart: number,
): Promise<void> {
  const answerText = historyAnswerText(exchange.answerText);
  const tokens =
    exchange.userTokens === undefined
      ? await engine.assembler.countExchange(BENCH_MODEL, exchange.userText, answerText)
      : exchange.userTokens + (await gptTokenCounter.count(BENCH_MODEL, answerText)) + MESSAGE_OVERHEAD_TOKENS;
  const record: TurnRecord = { userText: exchange.userText, answerText: exchange.answerText, tokens };
  session.windowStart = windowStart;
  session.turns.push(record);
}

/** Opens `count` sessions of the workload `seed`, each with `turns` finished exchanges. Returns their ids. */
export async function populateEngine(engine: BenchEngine, seed: number, count: number, turns: number, sizes: TextSizes): Promise<string[]> {
  const ids: string[] = [];
  for (let index = 0; index < count; index += 1) {
    const script = sessionScript(seed, index, turns, sizes);
    const session = engine.store.create(BENCH_OWNER, script.patient);
    for (const exchange of script.exchanges) await recordTurn(engine, session, exchange, 0);
    ids.push(session.id);
  }
  return ids;
}

/** What one measured engine turn produced (kept to check the work was done and to record the turn). */
export interface EngineTurnOutcome {
  readonly session: Session;
  readonly plan: PromptPlan;
  readonly userTokens: number;
}

/**
 * The engine's per-turn work before the model is asked, in `ProtocolService`'s order: look the session up, mark
 * the clinician's activity, take the session's lock, count the new message, plan the prompt within the token
 * budget (local estimate; exact counts only if the window must move), count the new message once, give the
 * lock back. The model request and the recording of the answer are not part of it.
 */
export async function engineTurn(engine: BenchEngine, sessionId: string, userText: string): Promise<EngineTurnOutcome> {
  const { store, assembler } = engine;
  const session = store.get(sessionId, BENCH_OWNER);
  store.touch(session);
  let release;
  try {
    release = await session.queue.acquire(SETTINGS_DEFAULTS.sessionQueueWaitMs);
  } finally {
    store.turnSettled();
  }
  try {
    const plan = await assembler.plan({
      model: BENCH_MODEL,
      patient: session.patient,
      turns: session.turns,
      windowStart: session.windowStart,
      userText,
      extraBlocks: 0,
    });
    // The engine counts the new message exactly once, when the turn is recorded; that count is part of its
    // per-turn work (the answer's count is recorded outside the timing, like LangChain's AIMessage).
    const userTokens = (await gptTokenCounter.count(BENCH_MODEL, userText)) + MESSAGE_OVERHEAD_TOKENS;
    return { session, plan, userTokens };
  } finally {
    release();
    store.turnSettled();
  }
}
