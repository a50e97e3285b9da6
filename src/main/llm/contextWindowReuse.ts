import type { ChatMessage } from './llmClient';

/** A prompt as its messages, or as their texts only. */
export type PromptMessages = readonly string[] | readonly ChatMessage[];

/**
 * How much of `nextPrompt` repeats `previousPrompt` as a prefix: the characters of the leading messages both
 * share, as a share (0–1) of all of `nextPrompt`'s characters. Messages are compared whole and in order (role
 * and text); the first one that differs ends the prefix. This approximates the share of the next request that
 * vLLM's prefix cache can serve (it works in token blocks, so the real share is a little lower); benchmarks
 * report it. It can never reach 1 in a conversation: the previous answer and the new message are always new.
 * An empty next prompt reuses nothing: 0.
 */
export function prefixReuse(previousPrompt: PromptMessages, nextPrompt: PromptMessages): number {
  const total = totalChars(nextPrompt);
  return total === 0 ? 0 : sharedPrefixChars(previousPrompt, nextPrompt) / total;
}

/**
 * How much of `previousPrompt` the next one repeats as a prefix, as a share (0–1) of `previousPrompt`'s
 * characters: the part of the previous request's cached work that the next request hits. Unlike
 * {@link prefixReuse} it reaches 1 whenever the window did not move, so it isolates the window's effect from the
 * new text every turn adds. An empty previous prompt: 0.
 */
export function prefixRetention(previousPrompt: PromptMessages, nextPrompt: PromptMessages): number {
  const total = totalChars(previousPrompt);
  return total === 0 ? 0 : sharedPrefixChars(previousPrompt, nextPrompt) / total;
}

function sharedPrefixChars(previousPrompt: PromptMessages, nextPrompt: PromptMessages): number {
  let shared = 0;
  const common = Math.min(previousPrompt.length, nextPrompt.length);
  for (let index = 0; index < common; index += 1) {
    const before = previousPrompt[index] as string | ChatMessage;
    const after = nextPrompt[index] as string | ChatMessage;
    if (!sameMessage(before, after)) break;
    shared += textOf(after).length;
  }
  return shared;
}

function totalChars(prompt: PromptMessages): number {
  let total = 0;
  for (const message of prompt) total += textOf(message).length;
  return total;
}

function textOf(message: string | ChatMessage): string {
  return typeof message === 'string' ? message : message.content;
}

/** Same role and text; a bare string matches only a bare string, since its role is unknown. */
function sameMessage(a: string | ChatMessage, b: string | ChatMessage): boolean {
  if (typeof a === 'string' || typeof b === 'string') return typeof a === typeof b && a === b;
  return a.role === b.role && a.content === b.content;
}
