import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { ConfigError } from '../core/configError';

/** Folder name of the app under the OS's system-wide configuration folder. */
const POLICY_DIR = 'ClinicProtocolAssistant';

/**
 * Where IT puts the policy file on each OS: `%ProgramData%\ClinicProtocolAssistant\policy.json` on Windows,
 * `/Library/Application Support/ClinicProtocolAssistant/policy.json` on macOS,
 * `/etc/clinic-protocol-assistant/policy.json` elsewhere.
 */
export function systemPolicyPath(platform: NodeJS.Platform, env: Readonly<Record<string, string | undefined>>): string {
  if (platform === 'win32') return join(env.ProgramData ?? 'C:\\ProgramData', POLICY_DIR, 'policy.json');
  if (platform === 'darwin') return join('/Library/Application Support', POLICY_DIR, 'policy.json');
  return '/etc/clinic-protocol-assistant/policy.json';
}

/** How strictly to treat the file: the system policy must be admin-owned; a development `--policy` need not. */
export interface PolicyReadOptions {
  /** A missing file is fine (no policy) rather than an error. */
  readonly optional: boolean;
  /** Refuse a file that a non-admin could have written (POSIX: group/world-writable, or not owned by root). */
  readonly requireAdminOwned: boolean;
}

/**
 * Why a release build would refuse this policy file on POSIX, or null when it is acceptable. A policy that a
 * non-admin could have written would let a clinician unlock settings IT locked, so the file must be owned by root
 * and not group- or world-writable. Shared with `--validate-policy`, which reports it as a warning.
 */
export function adminOwnershipProblem(path: string, info: { readonly mode: number; readonly uid: number }): string | null {
  if ((info.mode & 0o022) === 0 && info.uid === 0) return null;
  return `policy ${path}: the file must be owned by root and writable only by its owner`;
}

/**
 * Reads a policy file as JSON. Returns null when the file is absent and `optional`. Any other problem — not
 * JSON, not an object, writable by non-admins — is a {@link ConfigError}: an invalid policy never falls back
 * to defaults silently.
 */
export async function readPolicyFile(path: string, options: PolicyReadOptions): Promise<Record<string, unknown> | null> {
  let text: string;
  try {
    if (options.requireAdminOwned && process.platform !== 'win32') {
      const problem = adminOwnershipProblem(path, await stat(path));
      if (problem) throw new ConfigError([problem]);
    }
    text = await readFile(path, 'utf8');
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' && options.optional) return null;
    throw new ConfigError([`policy ${path}: cannot be read (${(error as NodeJS.ErrnoException).code ?? 'unknown error'})`]);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new ConfigError([`policy ${path}: is not valid JSON`]);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new ConfigError([`policy ${path}: must be a JSON object of settings`]);
  }
  return parsed as Record<string, unknown>;
}
