import type { Patient } from '../../shared/patient';
import type { ChatMessage } from './llmClient';

/** A finished exchange as the prompt needs it (the session engine's turn records have this shape). */
export interface PromptHistoryTurn {
  readonly userText: string;
  readonly answerText: string;
  /** Tokens the exchange takes in a prompt (estimate, then the exact count). */
  readonly tokens: number;
}

/** The prompt chosen for one turn. */
export interface PromptPlan {
  readonly messages: ChatMessage[];
  /** First turn included; becomes the session's window start once the turn succeeds. */
  readonly windowStart: number;
  /** Earlier turns sent with this one. */
  readonly includedTurns: number;
  /** True when older turns were left out to fit the context. */
  readonly trimmed: boolean;
  /** Our count of the whole prompt, compared later with the server's `usage.prompt_tokens`. */
  readonly estimatedPromptTokens: number;
}

/** What the planner needs for one turn. */
export interface PromptRequest {
  readonly model: string;
  readonly patient: Patient;
  readonly turns: readonly PromptHistoryTurn[];
  /** The session's current window start. */
  readonly windowStart: number;
  readonly userText: string;
  /** Extra blocks to drop beyond what the budget needs (1 after the server said the context was exceeded). */
  readonly extraBlocks: number;
}

/**
 * Prompt assembly within the model's context, as the session engine sees it. Implemented in src/main/llm (token
 * counting with vLLM's `/tokenize` or a conservative estimate, and a block-wise history window).
 */
export interface PromptAssembler {
  /**
   * Tokens a finished exchange (user message and answer) takes in later prompts, template overhead included:
   * counted once, when the turn is recorded, off the path to the first token.
   */
  countExchange(model: string, userText: string, answerText: string): Promise<number>;
  /** The conservative local estimate of the same, available at once. */
  estimateExchange(model: string, userText: string, answerText: string): number;
  /**
   * Chooses the history window and builds the messages; throws `CONTEXT_TOO_LONG` when nothing but history could
   * go. Fast when the conservative local estimate already shows the prompt fits; exact counts are awaited only when
   * the window would have to move.
   */
  plan(request: PromptRequest): Promise<PromptPlan>;
  /** Tells the counter what the server really counted, so estimates only ever grow toward the truth. */
  observeUsage(model: string, estimatedPromptTokens: number, actualPromptTokens: number, messageCount?: number): void;
}
