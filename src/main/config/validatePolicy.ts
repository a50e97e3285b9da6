/**
 * `--validate-policy <file>`: IT checks a policy file before deploying it, with the reader and the schema the app
 * uses at start-up, and sees every problem at once. Plain Node, so the desktop app and the browser harness share it.
 */
import { parseExtraCas } from '../net/extraCaTrust';
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { z } from 'zod';
import { SETTINGS_DEFAULTS, Settings, SettingsLayer } from '../../shared/settings';
import { importRecoveryPublicKey, MIN_RECOVERY_KEY_BITS } from '../profiles/recoveryEscrow';
import { ConfigError } from '../core/configError';
import { adminOwnershipProblem, nonAdminWriteProblems, readPolicyFile } from './policyFile';
import type { WindowsSystemCommands } from './windows/systemCommands';

/** Exit code of a valid policy. */
export const POLICY_VALID = 0;
/** Exit code of an invalid or unreadable policy: the same code the harness exits with on an invalid `--policy`. */
export const POLICY_INVALID = 2;

/** The outcome, as the lines a command prints and the code it exits with. */
export interface PolicyValidation {
  readonly exitCode: typeof POLICY_VALID | typeof POLICY_INVALID;
  /** The single `policy <path>: valid (…)` line, or nothing. */
  readonly stdout: readonly string[];
  /** Warnings, then one line per problem, each naming the setting. */
  readonly stderr: readonly string[];
}

/** Test seams; production uses the running OS. */
export interface ValidatePolicyOptions {
  /** Whose ownership rules the warning applies: POSIX owner and mode, or Windows owner and access lists. */
  readonly platform?: NodeJS.Platform;
  /** How the Windows rules reach the OS; the real one unless a test passes recorded outputs. */
  readonly windows?: WindowsSystemCommands;
}

/**
 * Validates the policy file at `path`: readable JSON object, every key a known setting with a valid value, the
 * cross-field rules with the settings it leaves unset at their defaults, and a usable `recoveryPublicKey`. Every
 * problem is reported (not just the first). Ownership is not required here — IT validates drafts anywhere — but a
 * file an installed app would refuse for its owner or mode (Windows: owner or access list of the file or its folder)
 * gets a warning line.
 */
export async function validatePolicy(path: string, options: ValidatePolicyOptions = {}): Promise<PolicyValidation> {
  let values: Record<string, unknown>;
  try {
    // Never null: the file is not optional here, so a missing one is a ConfigError like any unreadable one.
    values = (await readPolicyFile(path, { optional: false, requireAdminOwned: false }))!;
  } catch (error) {
    if (error instanceof ConfigError) return { exitCode: POLICY_INVALID, stdout: [], stderr: [...error.problems] };
    throw error;
  }
  const warnings = await ownershipWarnings(path, options.platform ?? process.platform, options.windows);
  const problems = await policyProblems(values);
  if (problems.length > 0) {
    return { exitCode: POLICY_INVALID, stdout: [], stderr: [...warnings, ...problems.map((problem) => `policy ${path}: ${problem}`)] };
  }
  const keys = Object.keys(values);
  const set = keys.length === 0 ? '0 settings set' : `${keys.length} setting${keys.length === 1 ? '' : 's'} set: ${keys.join(', ')}`;
  return { exitCode: POLICY_VALID, stdout: [`policy ${path}: valid (${set})`], stderr: warnings };
}

/** Where {@link runPolicyValidation} prints; `process.stdout`/`process.stderr` fit. */
export interface OutputStream {
  write(text: string, callback: (error?: Error | null) => void): unknown;
}

/**
 * Runs {@link validatePolicy} and prints its lines; returns the exit code. The thin call both entry points make.
 * Each write is awaited because the app exits right after, and pipes on macOS and Windows are written asynchronously.
 */
export async function runPolicyValidation(path: string, streams: { readonly stdout: OutputStream; readonly stderr: OutputStream }): Promise<number> {
  const result = await validatePolicy(path);
  for (const line of result.stderr) await writeLine(streams.stderr, line);
  for (const line of result.stdout) await writeLine(streams.stdout, line);
  return result.exitCode;
}

function writeLine(stream: OutputStream, line: string): Promise<void> {
  return new Promise((resolve, reject) => stream.write(`${line}\n`, (error) => (error ? reject(error) : resolve())));
}

/** `<setting>: <rule>` per problem, in the order start-up would meet them. */
async function policyProblems(values: Record<string, unknown>): Promise<string[]> {
  const layer = SettingsLayer.safeParse(values);
  // Like resolveSettings: cross-field rules only make sense once every field is valid on its own.
  if (!layer.success) return layer.error.issues.flatMap(issueLines);
  const problems: string[] = [];
  const effective = Settings.safeParse({ ...SETTINGS_DEFAULTS, ...layer.data });
  if (!effective.success) {
    problems.push(...effective.error.issues.flatMap(issueLines).map((line) => `${line} (with unset settings at their defaults)`));
  }
  // Start-up imports the key (profiles/profileStore.ts) and refuses to start when it is unusable.
  if (layer.data.recoveryPublicKey) {
    try {
      await importRecoveryPublicKey(layer.data.recoveryPublicKey);
    } catch {
      problems.push(`recoveryPublicKey: must be an RSA public key of at least ${MIN_RECOVERY_KEY_BITS} bits in SPKI PEM form (-----BEGIN PUBLIC KEY-----)`);
    }
  }
  // Start-up parses the extra trust anchors the same way and refuses to start on a bad one.
  if (layer.data.extraCaCertificates?.length) {
    try {
      parseExtraCas(layer.data.extraCaCertificates);
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      problems.push(...error.problems);
    }
  }
  return problems;
}

/** One line per issue; an unknown-keys issue becomes one line per key so each is named on its own. */
function issueLines(issue: z.core.$ZodIssue): string[] {
  if (issue.code === 'unrecognized_keys') return issue.keys.map((key) => `${key}: unknown setting`);
  const where = issue.path.map((part) => (typeof part === 'number' ? `[${part}]` : `.${String(part)}`)).join('').replace(/^\./, '');
  return [where ? `${where}: ${issue.message}` : issue.message];
}

async function ownershipWarnings(path: string, platform: NodeJS.Platform, windows: WindowsSystemCommands | undefined): Promise<string[]> {
  if (platform === 'win32') return windowsOwnershipWarnings(path, windows);
  const info = await stat(path);
  const problem = adminOwnershipProblem(path, info);
  if (!problem) return [];
  const mode = (info.mode & 0o777).toString(8).padStart(3, '0');
  return [`warning: ${problem} (now owner uid ${info.uid}, mode ${mode}); an installed app refuses it at start-up`];
}

/**
 * The Windows rules as warnings: the file's and its folder's owner and access lists, as start-up checks them. A draft
 * in IT's own folder gets them too, like a draft with a loose mode on POSIX; the exit code stays that of the content.
 */
async function windowsOwnershipWarnings(path: string, windows: WindowsSystemCommands | undefined): Promise<string[]> {
  let problems: string[];
  try {
    // Absolute, because the check runs in another process with its own working folder.
    problems = await nonAdminWriteProblems(resolve(path), 'win32', windows);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    problems = [...error.problems];
  }
  return problems.map((problem) => `warning: ${problem}; an installed app refuses it at start-up`);
}
