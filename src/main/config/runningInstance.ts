/**
 * What a start of the app does when another start of it may be running. Electron's single-instance lock is held per
 * OS account's data folder; a second start that does not get it used to quit at once with exit code 0 — so
 * `--remove-profile` or `--recover-profile` run while the app was open did nothing and looked as if it had worked.
 * An IT command is now refused out loud instead, with its own exit code.
 */
import type { CommandLineOptions } from './commandLine';

/**
 * Exit code of an IT command refused because the app is running: 75 is EX_TEMPFAIL of sysexits.h ("try again
 * later"), distinct from 0 (done), 1 (failed) and 2 (invalid policy), so a deployment script can wait and retry.
 */
export const APP_RUNNING_EXIT_CODE = 75;

/** The one line such a refusal prints on standard error. */
export const APP_RUNNING_MESSAGE =
  'Clinic Protocol Assistant is running on this workstation (in this OS account): close it for every clinician, then run the command again.';

/** What this start of the app does. */
export type LaunchDecision =
  /** It holds the lock: open the window, or run the IT command. */
  | { readonly kind: 'run' }
  /** An ordinary start while the app runs: quit quietly; the running app brings its window forward. */
  | { readonly kind: 'hand-over' }
  /** An IT command while the app runs: print {@link APP_RUNNING_MESSAGE} and exit with {@link APP_RUNNING_EXIT_CODE}. */
  | { readonly kind: 'refuse-it-command'; readonly exitCode: typeof APP_RUNNING_EXIT_CODE; readonly message: string };

/** Whether the command line asks for an IT operation that works on a profile's data and opens no window. */
export function isItCommand(commandLine: CommandLineOptions): boolean {
  return commandLine.removeProfile !== null || commandLine.recoverProfile !== null;
}

/**
 * Decides from the command line and whether this start obtained the single-instance lock. (`--validate-policy` is
 * handled before the lock is asked for: it reads one file and touches no profile, so it runs beside the app.)
 */
export function launchDecision(commandLine: CommandLineOptions, holdsLock: boolean): LaunchDecision {
  if (holdsLock) return { kind: 'run' };
  if (isItCommand(commandLine)) return { kind: 'refuse-it-command', exitCode: APP_RUNNING_EXIT_CODE, message: APP_RUNNING_MESSAGE };
  return { kind: 'hand-over' };
}

/**
 * What a start sends the running app with its lock request, so the running app can tell an IT command from a
 * clinician's start without reading the command line Chromium passes on (which it may reorder or extend).
 */
export interface LockRequestData {
  readonly itCommand: boolean;
}

/** The data {@link shouldComeForward} reads, for this start's command line. */
export function lockRequestData(commandLine: CommandLineOptions): LockRequestData {
  return { itCommand: isItCommand(commandLine) };
}

/**
 * Whether the running app brings its window forward for another start: yes for a clinician starting it again, no
 * for an IT command (refused, and nothing a clinician asked for), whatever `additionalData` a start sent.
 */
export function shouldComeForward(additionalData: unknown): boolean {
  return !(typeof additionalData === 'object' && additionalData !== null && (additionalData as Partial<LockRequestData>).itCommand === true);
}

/** Where the refusal is printed; `process.stderr` fits. */
export interface LineOutput {
  write(text: string, callback: (error?: Error | null) => void): unknown;
}

/**
 * Prints the refusal's one line and returns its exit code. The write is awaited because the app exits right after
 * and pipes on macOS and Windows are written asynchronously: an unawaited line could be lost.
 */
export async function printRefusal(decision: Extract<LaunchDecision, { kind: 'refuse-it-command' }>, stderr: LineOutput): Promise<number> {
  await new Promise<void>((resolve, reject) => stderr.write(`${decision.message}\n`, (error) => (error ? reject(error) : resolve())));
  return decision.exitCode;
}
