/** What every route handler is given: the database, the clock, the settings and the per-process plumbing. */
import type { Pool } from 'pg';
import type { z } from 'zod';
import type { Clock } from './clock';
import type { ServerSettings } from './config';
import type { ChangeFeed } from './data/changeFeed';
import type { PushSlots } from './data/pushSlots';
import type { ServerMetrics } from './ops/metrics';
import { SyncError } from './syncError';

/** Shared by the routes of one server process. Nothing in here is state that correctness depends on. */
export interface ServerContext {
  readonly pool: Pool;
  readonly clock: Clock;
  readonly settings: ServerSettings;
  /** The clinic's server secret (read once: it never changes after the first start). */
  readonly secret: Buffer;
  readonly feed: ChangeFeed;
  readonly metrics: ServerMetrics;
  /** Pushes in flight per token (a limit, not state correctness depends on). */
  readonly pushSlots: PushSlots;
}

/** Validates a request part against a shared schema; INVALID_INPUT names the first problem's path only. */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const where = issue === undefined || issue.path.length === 0 ? 'request' : issue.path.join('.');
  throw new SyncError('INVALID_INPUT', `Invalid ${where}.`);
}
