/**
 * What the desktop app shows when it cannot start (an invalid policy, most often): the problems, each naming its
 * source and setting, and what to do. index.ts shows it in a native error dialog — plain text, no page, nothing a
 * policy value could inject into — before any window exists. Plain Node, so it is tested here.
 */
import { AppError } from '../../shared/errors';
import { ConfigError } from '../core/configError';

/** Most problems listed on the page; the rest are counted (IT runs `--validate-policy` for the full list). */
export const MAX_LISTED_PROBLEMS = 20;

/** The page's title and the problems it lists, plain text. */
export interface StartupErrorReport {
  readonly title: string;
  readonly problems: readonly string[];
  readonly advice: string;
}

/** Reduces an error to what the clinician and IT may see: a ConfigError's problems, an AppError's message, else nothing. */
export function startupErrorReport(error: unknown): StartupErrorReport {
  if (error instanceof ConfigError) {
    const shown = error.problems.slice(0, MAX_LISTED_PROBLEMS);
    const more = error.problems.length - shown.length;
    return {
      title: 'Clinic Protocol Assistant cannot start: its configuration is invalid',
      problems: more > 0 ? [...shown, `… and ${more} more`] : shown,
      advice:
        'Nothing was changed and no patient data was touched. Please tell your IT department: they can check the ' +
        'policy file with "--validate-policy <file>", which lists every problem.',
    };
  }
  return {
    title: 'Clinic Protocol Assistant cannot start',
    problems: [error instanceof AppError ? error.message : 'An unexpected error stopped start-up. The log has the details.'],
    advice: 'Please tell your IT department.',
  };
}

/** The dialog's body: the problems, one per line, then the advice. */
export function startupErrorText(report: StartupErrorReport): string {
  return `${report.problems.map((problem) => `• ${problem}`).join('\n')}\n\n${report.advice}`;
}
