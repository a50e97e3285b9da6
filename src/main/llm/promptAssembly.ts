import { AppError } from '../../shared/errors';
import type { Patient } from '../../shared/patient';
import type { PromptAssembler, PromptPlan, PromptRequest } from '../sessions/promptAssembler';
import { buildPrompt, omissionNote, systemMessageText } from './buildPrompt';
import { planWindow, promptBudget, shrinkWindow, type WindowRequest } from './contextWindow';
import type { BytesPerTokenEstimator } from './tokens/bytesEstimate';
import { MESSAGE_OVERHEAD_TOKENS, type TokenCounter } from './tokens/tokenCounter';

/** What prompt assembly needs to know about the model and the settings. */
export interface PromptAssemblyOptions {
  /** vLLM's `/tokenize` when it answers, else the estimator. */
  readonly counter: TokenCounter;
  /** Corrected upward from the server's `usage.prompt_tokens`. */
  readonly estimator: BytesPerTokenEstimator;
  /** The served model's context length (`max_model_len`), or null when the server does not say. */
  readonly contextLengthOf: (model: string) => Promise<number | null>;
  /** Used when the server does not report a context length. */
  readonly fallbackContextLength: number;
  readonly maxOutputTokens: number;
  readonly marginTokens: number;
}

/** System messages counted recently: the same patient's summary is not counted again on every turn. */
const SYSTEM_COUNT_CACHE_SIZE = 1_000;

/**
 * The session engine's prompt assembly: system message (with the pinned patient summary) + as many recent turns as
 * fit `contextLength − maxOutputTokens − margin` + the current message, using counts cached on each turn, with the
 * window moved in blocks so the prompt prefix stays stable for vLLM's prefix cache.
 */
export function createPromptAssembler(options: PromptAssemblyOptions): PromptAssembler {
  const systemCounts = new Map<string, number>();
  const noteCounts = new Map<string, number>();

  async function countText(model: string, text: string): Promise<number> {
    return options.counter.count(model, text);
  }

  async function systemTokens(model: string, patient: Patient): Promise<number> {
    const text = systemMessageText(patient);
    const key = `${model}\u0000${text}`;
    const cached = systemCounts.get(key);
    if (cached !== undefined) return cached;
    const counted = (await countText(model, text)) + MESSAGE_OVERHEAD_TOKENS;
    if (systemCounts.size >= SYSTEM_COUNT_CACHE_SIZE) systemCounts.delete(systemCounts.keys().next().value as string);
    systemCounts.set(key, counted);
    return counted;
  }

  async function noteTokens(model: string): Promise<number> {
    const cached = noteCounts.get(model);
    if (cached !== undefined) return cached;
    // Counted once for a number of omitted turns no session reaches, so it covers every real note.
    const counted = await countText(model, `\n\n${omissionNote(9_999)}`);
    noteCounts.set(model, counted);
    return counted;
  }

  return {
    async countMessage(model, text) {
      return (await countText(model, text)) + MESSAGE_OVERHEAD_TOKENS;
    },

    async plan(request: PromptRequest): Promise<PromptPlan> {
      const contextLength = (await options.contextLengthOf(request.model)) ?? options.fallbackContextLength;
      const windowRequest: WindowRequest = {
        turnTokens: request.turns.map((turn) => turn.tokens),
        fixedTokens: (await systemTokens(request.model, request.patient)) + request.userTokens,
        omissionNoteTokens: await noteTokens(request.model),
        budget: promptBudget(contextLength, options.maxOutputTokens, options.marginTokens),
        previousStart: request.windowStart,
      };
      let window = planWindow(windowRequest);
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
      options.estimator.observe(model, estimatedPromptTokens, actualPromptTokens, messageCount * MESSAGE_OVERHEAD_TOKENS);
    },
  };
}
