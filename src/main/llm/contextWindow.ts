/**
 * Which past turns a prompt carries. Pure arithmetic on cached token counts: no tokenizer, no I/O, O(turns).
 *
 * The window keeps the most recent turns. Its start is sticky, because vLLM's prefix cache reuses the work done
 * for the previous prompt only as far as the new prompt repeats it byte for byte: a window that slid by one turn
 * on every follow-up would change the first history message (and the omission note) each time and recompute
 * the whole prompt. So the start stays put while everything from it fits, and when it no longer does it jumps
 * forward by a block, leaving the history at most {@link BLOCK_HISTORY_SHARE} of its budget, so that the next
 * several turns fit again before the following jump. The start never moves back within a session: turns once
 * left out would otherwise reappear and change the prefix again.
 */
import type { PromptWindow } from './buildPrompt';
import { MESSAGE_OVERHEAD_TOKENS } from './tokens/tokenCounter';

export { prefixReuse, prefixRetention, type PromptMessages } from './contextWindowReuse';

/**
 * Share of the history budget the history may fill right after the start moves. Half trades context for cache:
 * the prompt right after a jump still carries half a budget of the most recent turns, and about as many turns as
 * the jump dropped fit again before the next one, so only one prompt in that many misses the prefix cache (one in
 * ten in the 8k-context test session). A smaller share moves less often but leaves the model less history.
 */
export const BLOCK_HISTORY_SHARE = 0.5;

/**
 * Tokens kept free beyond the output budget: the generation prompt (`<|im_start|>assistant\n`), a BOS token and
 * counts cached before the estimator learnt a model tokenizes worse. A 400 overflow is still possible; the
 * caller retries once with {@link shrinkWindow}.
 */
export const CONTEXT_MARGIN_TOKENS = 128;

/** Tokens a prompt may use: the context length less the answer's room and the margin. May be ≤ 0 (nothing fits). */
export function promptBudget(contextLength: number, maxOutputTokens: number, marginTokens = CONTEXT_MARGIN_TOKENS): number {
  for (const [name, value] of [['context length', contextLength], ['max output tokens', maxOutputTokens], ['margin', marginTokens]] as const) {
    if (!Number.isFinite(value) || value < 0) throw new RangeError(`The ${name} must be a number ≥ 0, got ${value}.`);
  }
  return contextLength - maxOutputTokens - marginTokens;
}

/** The cached count of one past turn: its user message and its answer, chat-template overhead included. */
export function turnTokenCount(userTextTokens: number, answerTextTokens: number): number {
  return userTextTokens + answerTextTokens + 2 * MESSAGE_OVERHEAD_TOKENS;
}

/** The fixed part of a prompt: the system message (without the omission note) and the current user message. */
export function fixedTokenCount(systemTextTokens: number, userTextTokens: number): number {
  return systemTextTokens + userTextTokens + 2 * MESSAGE_OVERHEAD_TOKENS;
}

/** What the planner is given. Counts are tokens; every one is a cached number, nothing is counted here. */
export interface WindowRequest {
  /** Each past turn's {@link turnTokenCount} (≥ 0), oldest first. */
  readonly turnTokens: readonly number[];
  /** {@link fixedTokenCount}: always sent, whatever the window. */
  readonly fixedTokens: number;
  /**
   * Tokens the omission note adds to the system message when turns are left out: `'\n\n' + omissionNote(n)`
   * from buildPrompt.ts. Count it once, for an `n` no session reaches (9,999), and reuse the number.
   */
  readonly omissionNoteTokens: number;
  /** {@link promptBudget}. */
  readonly budget: number;
  /**
   * The start the session's previous prompt used (0 for its first turn): the window never moves back from it.
   * Clamped to the number of turns.
   */
  readonly previousStart: number;
  /** Overrides {@link BLOCK_HISTORY_SHARE}; 1 gives a plain sliding window that drops only what it must. */
  readonly blockShare?: number;
}

/** A window that fits the budget. Pass it to `buildPrompt`; remember `start` for the session's next turn. */
export interface FittingWindow {
  readonly fits: true;
  /** Index of the first past turn sent; the turns before it are left out. */
  readonly start: number;
  readonly includedTurns: number;
  /** Equals `start`: every turn before the start is left out. */
  readonly omittedTurns: number;
  /** Whether any history is left out (the system message then carries the omission note). */
  readonly trimmed: boolean;
  /** Whether the start moved for this prompt: the prefix cache misses from the first message on. */
  readonly moved: boolean;
  /** The whole prompt's estimated tokens, overhead and note included: what `observe` compares with usage. */
  readonly promptTokens: number;
}

/**
 * No window fits. `prompt_too_long`: the system message and the current message alone exceed the budget, so
 * the message must be shortened (or the patient text): it is reported, never silently cut. `no_history_to_drop`:
 * {@link shrinkWindow} was asked to shrink a window that already carries no history.
 */
export interface WindowOverflow {
  readonly fits: false;
  readonly reason: 'prompt_too_long' | 'no_history_to_drop';
  /** The smallest prompt possible, in tokens: the fixed part, and the omission note if turns exist. */
  readonly requiredTokens: number;
  readonly budget: number;
}

/** The planner's answer. */
export type WindowPlan = FittingWindow | WindowOverflow;

/**
 * Chooses the window for the next prompt: the previous start while everything from it fits, else the start
 * moved forward by a block (see {@link BLOCK_HISTORY_SHARE}). If even the most recent turn exceeds the block
 * target but fits the budget, that one turn is kept: the exchange the follow-up answers matters most.
 */
export function planWindow(request: WindowRequest): WindowPlan {
  const { turnTokens, fixedTokens, omissionNoteTokens, budget } = request;
  const share = checkRequest(request);
  const turns = turnTokens.length;
  const required = fixedTokens + (turns > 0 ? omissionNoteTokens : 0);
  if (required > budget) return { fits: false, reason: 'prompt_too_long', requiredTokens: required, budget };

  const previous = Math.min(request.previousStart, turns);
  let suffix = sumFrom(turnTokens, previous);
  if (promptTokens(request, previous, suffix) <= budget) return fitting(request, previous, suffix, false);

  // From here on the start is past 0, so the note is always in: the room excludes it.
  const room = budget - fixedTokens - omissionNoteTokens;
  const target = share * room;
  let start = previous;
  while (start < turns && suffix > target) {
    suffix -= turnTokens[start] as number;
    start += 1;
  }
  if (start === turns) {
    const last = turnTokens[turns - 1] as number;
    if (last <= room) {
      start = turns - 1;
      suffix = last;
    }
  }
  return fitting(request, start, suffix, true);
}

/**
 * The one retry after the server answered 400 "maximum context length": our counts were low, so move the start
 * of the window that failed one block further, halving the history it carried (at least one turn dropped).
 * Remember the new start as the session's window: the next turns continue from it.
 */
export function shrinkWindow(request: WindowRequest, failed: PromptWindow): WindowPlan {
  const { turnTokens, fixedTokens, omissionNoteTokens, budget } = request;
  const share = checkRequest(request);
  const turns = turnTokens.length;
  const required = fixedTokens + (turns > 0 ? omissionNoteTokens : 0);
  if (required > budget) return { fits: false, reason: 'prompt_too_long', requiredTokens: required, budget };
  const from = Math.min(Math.max(failed.start, request.previousStart), turns);
  if (from >= turns) return { fits: false, reason: 'no_history_to_drop', requiredTokens: required, budget };

  let suffix = sumFrom(turnTokens, from);
  const target = Math.min(share * suffix, budget - fixedTokens - omissionNoteTokens);
  let start = from;
  do {
    suffix -= turnTokens[start] as number;
    start += 1;
  } while (start < turns && suffix > target);
  return fitting(request, start, suffix, true);
}

function fitting(request: WindowRequest, start: number, historyTokens: number, moved: boolean): FittingWindow {
  const turns = request.turnTokens.length;
  return {
    fits: true,
    start,
    includedTurns: turns - start,
    omittedTurns: start,
    trimmed: start > 0,
    moved,
    promptTokens: promptTokens(request, start, historyTokens),
  };
}

function promptTokens(request: WindowRequest, start: number, historyTokens: number): number {
  return request.fixedTokens + (start > 0 ? request.omissionNoteTokens : 0) + historyTokens;
}

function sumFrom(counts: readonly number[], start: number): number {
  let sum = 0;
  for (let index = start; index < counts.length; index += 1) sum += counts[index] as number;
  return sum;
}

/** Refuses input that would make the arithmetic meaningless; returns the block share to use. */
function checkRequest(request: WindowRequest): number {
  const { fixedTokens, omissionNoteTokens, budget, previousStart } = request;
  if (!Number.isFinite(budget)) throw new RangeError(`The budget must be a finite number, got ${budget}.`);
  if (!(fixedTokens >= 0) || !Number.isFinite(fixedTokens)) throw new RangeError(`Fixed tokens must be ≥ 0, got ${fixedTokens}.`);
  if (!(omissionNoteTokens >= 0) || !Number.isFinite(omissionNoteTokens)) {
    throw new RangeError(`Omission note tokens must be ≥ 0, got ${omissionNoteTokens}.`);
  }
  if (!Number.isSafeInteger(previousStart) || previousStart < 0) {
    throw new RangeError(`The previous start must be a whole number ≥ 0, got ${previousStart}.`);
  }
  const share = request.blockShare ?? BLOCK_HISTORY_SHARE;
  if (!(share > 0 && share <= 1)) throw new RangeError(`The block share must be in (0, 1], got ${share}.`);
  return share;
}
