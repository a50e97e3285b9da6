/**
 * Main's logger. Fields are for operators: channel names, codes, counts, durations, ids. Never patient data,
 * never message text, never prompt or answer text — callers pass only such fields, and error objects are
 * reduced to their class name by {@link errorKind}.
 */
export interface Logger {
  info(event: string, fields?: Record<string, string | number | boolean | null>): void;
  warn(event: string, fields?: Record<string, string | number | boolean | null>): void;
  error(event: string, fields?: Record<string, string | number | boolean | null>): void;
}

/** A logger writing one JSON line per event to stderr. */
export function createConsoleLogger(now: () => Date = () => new Date()): Logger {
  const write = (level: string, event: string, fields?: Record<string, unknown>): void => {
    process.stderr.write(`${JSON.stringify({ time: now().toISOString(), level, event, ...fields })}\n`);
  };
  return {
    info: (event, fields) => write('info', event, fields),
    warn: (event, fields) => write('warn', event, fields),
    error: (event, fields) => write('error', event, fields),
  };
}

/** A logger that drops everything (tests that do not look at logs). */
export const silentLogger: Logger = { info: () => {}, warn: () => {}, error: () => {} };

/**
 * The class of an error, safe to log: `err.message` may quote the input (zod does, fetch does with URLs),
 * so only the name goes to logs.
 */
export function errorKind(error: unknown): string {
  if (error instanceof Error) return error.name || 'Error';
  return typeof error;
}
