import { randomInt } from 'node:crypto';

/** The numbers behind {@link retryDelayMs}. */
export interface RetryPolicy {
  /** The first backoff, before jitter; each further retry doubles it. */
  readonly baseDelayMs: number;
  /** No backoff grows beyond this. */
  readonly maxDelayMs: number;
  /** The longest `Retry-After` the app will sit through; a server asking for more is given up on instead. */
  readonly maxRetryAfterMs: number;
}

/** 0.5 s, 1 s, 2 s, 4 s, 8 s…: short enough that a clinician waits, long enough for a restarting server. */
export const DEFAULT_RETRY_POLICY: RetryPolicy = { baseDelayMs: 500, maxDelayMs: 8_000, maxRetryAfterMs: 30_000 };

/**
 * How long to wait before retry number `attempt` (0 for the first retry), or null to give up on this endpoint.
 *
 * Without `Retry-After` it is exponential backoff with equal jitter: half the step is fixed, half random, so
 * waits spread out (many clients recovering at once do not stampede the server) yet always grow from one retry to
 * the next. With `Retry-After` the server's wish is used as is — unless it exceeds `maxRetryAfterMs`, in which
 * case waiting would leave the clinician staring at a spinner: null says move on.
 *
 * @param random a number in [0, 1); inject it so tests are exact
 */
export function retryDelayMs(
  attempt: number,
  retryAfterMs: number | null,
  random: () => number,
  policy: RetryPolicy = DEFAULT_RETRY_POLICY,
): number | null {
  if (retryAfterMs !== null) return retryAfterMs > policy.maxRetryAfterMs ? null : Math.max(0, retryAfterMs);
  const step = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, attempt));
  const jitter = Math.min(Math.max(random(), 0), 1);
  return Math.round(step / 2 + (step / 2) * jitter);
}

const RANDOM_RANGE = 2 ** 47;

/** A uniform number in [0, 1) from the OS's cryptographic source (lint forbids `Math.random`). */
export function cryptoRandom(): number {
  return randomInt(RANDOM_RANGE) / RANDOM_RANGE;
}
