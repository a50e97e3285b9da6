import { AppError } from '../../shared/errors';
import type { Patient } from '../../shared/patient';
import type { PromptAssembler, PromptPlan, PromptRequest } from './promptAssembler';
import { buildPrompt, omissionNote, systemMessageText } from './buildPrompt';
import { planWindow, promptBudget, shrinkWindow, type WindowPlan, type WindowRequest } from './contextWindow';
import type { BytesPerTokenEstimator } from './tokens/bytesEstimate';
import { MESSAGE_OVERHEAD_TOKENS, type TokenCounter } from './tokens/tokenCounter';

/** What prompt assembly needs to know about the model and the settings. */
export interface PromptAssemblyOptions {
  /** vLLM's `/tokenize` when it answers, else the estimator. */
  readonly counter: TokenCounter;
  /** The conservative local bound, corrected upward from the server's `usage.prompt_tokens`. */
  readonly estimator: BytesPerTokenEstimator;
  /** The served model's context length (`max_model_len`), or null when the server does not say. */
  readonly contextLengthOf: (model: string) => Promise<number | null>;
  /** Used when the server does not report a context length. */
  readonly fallbackContextLength: number;
  readonly maxOutputTokens: number;
  readonly marginTokens: number;
}

/** Counts of one patient's system message, per model. */
interface SystemCounts {
  estimate?: number;
  exact?: number;
}

/** The omission note at a number of omitted turns no session reaches, so its count covers every real note. */
const WIDEST_NOTE = `\n\n${omissionNote(9_999)}`;

/**
 * The session engine's prompt assembly: system message (with the pinned patient summary) + as many recent turns as
 * fit `contextLength − maxOutputTokens − margin` + the current message, using counts cached on each turn, with the
 * window moved in blocks so the prompt prefix stays stable for vLLM's prefix cache.
 *
 * The path to the first token stays local: the window is first planned with the conservative byte estimate of the
 * system and current messages (it over-counts, so "fits without moving" is safe); only when that says the window
 * must move are exact counts (`/tokenize`, one round trip each, concurrently) awaited, so an estimate that is
 * merely cautious never drops history. A server that still finds the prompt too long answers 400, and the engine
 * shrinks the window once more.
 */
export function createPromptAssembler(options: PromptAssemblyOptions): PromptAssembler {
  const { counter, estimator } = options;
  // Keyed by the patient object: a follow-up that changes the patient makes a new object, so no stale count.
  const systemCounts = new WeakMap<Patient, Map<string, SystemCounts>>();
  const noteCounts = new Map<string, number>();

  function systemCountsOf(model: string, patient: Patient): SystemCounts {
    let byModel = systemCounts.get(patient);
    if (!byModel) systemCounts.set(patient, (byModel = new Map()));
    let counts = byModel.get(model);
    if (!counts) byModel.set(model, (counts = {}));
    return counts;
  }

  function systemEstimate(model: string, patient: Patient): number {
    const counts = systemCountsOf(model, patient);
    counts.estimate ??= estimator.estimate(model, systemMessageText(patient)) + MESSAGE_OVERHEAD_TOKENS;
    return counts.estimate;
  }

  async function systemExact(model: string, patient: Patient): Promise<number> {
    const counts = systemCountsOf(model, patient);
    counts.exact ??= (await counter.count(model, systemMessageText(patient))) + MESSAGE_OVERHEAD_TOKENS;
    return counts.exact;
  }

  async function noteExact(model: string): Promise<number> {
    const cached = noteCounts.get(model);
    if (cached !== undefined) return cached;
    const counted = await counter.count(model, WIDEST_NOTE);
    noteCounts.set(model, counted);
    return counted;
  }

  /** The same window request with exact counts of the fixed part (concurrent `/tokenize` calls, system cached). */
  async function exactRequest(request: PromptRequest, base: Omit<WindowRequest, 'fixedTokens' | 'omissionNoteTokens'>): Promise<WindowRequest> {
    const [system, user, note] = await Promise.all([
      systemExact(request.model, request.patient),
      counter.count(request.model, request.userText),
      noteExact(request.model),
    ]);
    return { ...base, fixedTokens: system + user + MESSAGE_OVERHEAD_TOKENS, omissionNoteTokens: note };
  }

  return {
    estimateExchange(model, userText, answerText) {
      return estimator.estimate(model, userText) + estimator.estimate(model, answerText) + 2 * MESSAGE_OVERHEAD_TOKENS;
    },

    async countExchange(model, userText, answerText) {
      const [user, answer] = await Promise.all([counter.count(model, userText), counter.count(model, answerText)]);
      return user + answer + 2 * MESSAGE_OVERHEAD_TOKENS;
    },

    async plan(request: PromptRequest): Promise<PromptPlan> {
      const { model } = request;
      const contextLength = (await options.contextLengthOf(model)) ?? options.fallbackContextLength;
      const base = {
        turnTokens: request.turns.map((turn) => turn.tokens),
        budget: promptBudget(contextLength, options.maxOutputTokens, options.marginTokens),
        previousStart: request.windowStart,
      };
      const estimated: WindowRequest = {
        ...base,
        fixedTokens: systemEstimate(model, request.patient) + estimator.estimate(model, request.userText) + MESSAGE_OVERHEAD_TOKENS,
        omissionNoteTokens: estimator.estimate(model, WIDEST_NOTE),
      };
      let windowRequest = estimated;
      let window: WindowPlan = planWindow(estimated);
      if (!window.fits || window.moved) {
        windowRequest = await exactRequest(request, base);
        window = planWindow(windowRequest);
      }
      if (window.fits && request.extraBlocks > 0) window = shrinkWindow(windowRequest, window);
      if (!window.fits) {
        throw new AppError(
          'CONTEXT_TOO_LONG',
          window.reason === 'prompt_too_long'
            ? 'This message and the patient details are too long for the model. Shorten the message, or start a new session.'
            : 'The conversation is too long for the model even without earlier turns. Start a new session for this patient.',
        );
      }
      return {
        messages: buildPrompt(request.patient, request.turns, request.userText, window),
        windowStart: window.start,
        includedTurns: window.includedTurns,
        trimmed: window.trimmed,
        estimatedPromptTokens: window.promptTokens,
      };
    },

    observeUsage(model, estimatedPromptTokens, actualPromptTokens, messageCount = 0) {
      estimator.observe(model, estimatedPromptTokens, actualPromptTokens, messageCount * MESSAGE_OVERHEAD_TOKENS);
    },
  };
}
