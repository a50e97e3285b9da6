/**
 * A small in-memory record of main's recent warnings and errors for the diagnostics bundle. It keeps only the
 * event name and the error kind — never other fields, never message text — and even those only when they have the shape
 * of a code identifier, so nothing a caller passed by mistake (a patient's words, a URL with a query) can reach support.
 */
import type { Logger } from '../core/logger';

/** One remembered warning or error. */
export interface RecentProblem {
  readonly time: string;
  readonly level: 'warn' | 'error';
  /** The logger event name, e.g. `vault.touch-failed`. */
  readonly event: string;
  /** The error's class name (`errorKind`), when the caller logged one. */
  readonly kind: string | null;
}

/** How many problems are kept; older ones fall off. */
export const RECENT_PROBLEMS_CAPACITY = 50;

/** Event names are `domain.event-name` literals in code; anything else is not kept. */
const EVENT_NAME = /^[a-z][a-z0-9-]*(\.[a-z0-9-]+)+$/;
/** Kinds are error class names (`TypeError`) or `typeof` words: one word, no spaces or punctuation. */
const KIND = /^[A-Za-z][A-Za-z0-9]{0,63}$/;

/** The ring buffer and a logger that feeds it. */
export interface RecentProblems {
  /** Wraps `inner`: every call goes to it unchanged; warnings and errors are also remembered (name and kind only). */
  wrap(inner: Logger): Logger;
  /** The remembered problems, oldest first. */
  list(): RecentProblem[];
}

/** Creates an empty buffer of at most `capacity` problems; `now` is injected for exact tests. */
export function createRecentProblems(now: () => Date = () => new Date(), capacity = RECENT_PROBLEMS_CAPACITY): RecentProblems {
  const problems: RecentProblem[] = [];
  const remember = (level: RecentProblem['level'], event: string, fields?: Record<string, unknown>): void => {
    const kind = fields?.kind;
    problems.push({
      time: now().toISOString(),
      level,
      event: EVENT_NAME.test(event) && event.length <= 80 ? event : '(unnamed event)',
      kind: typeof kind === 'string' && KIND.test(kind) ? kind : null,
    });
    if (problems.length > capacity) problems.splice(0, problems.length - capacity);
  };
  return {
    wrap: (inner) => ({
      info: (event, fields) => inner.info(event, fields),
      warn: (event, fields) => {
        remember('warn', event, fields);
        inner.warn(event, fields);
      },
      error: (event, fields) => {
        remember('error', event, fields);
        inner.error(event, fields);
      },
    }),
    list: () => problems.map((problem) => ({ ...problem })),
  };
}
