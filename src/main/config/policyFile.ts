import { readFile, stat } from 'node:fs/promises';
import { join, win32 } from 'node:path';
import { ConfigError } from '../core/configError';
import { nodeSystemCommands } from './windows/nodeSystemCommands';
import { policyAclProblems } from './windows/policyAcl';
import { machineProgramData } from './windows/programData';
import type { WindowsSystemCommands } from './windows/systemCommands';
import { windowsSystemFolder } from './windows/systemFolder';

/** Folder name of the app under the OS's system-wide configuration folder. */
const POLICY_DIR = 'ClinicProtocolAssistant';

/**
 * Where IT puts the policy file on each OS: `<ProgramData>\ClinicProtocolAssistant\policy.json` on Windows,
 * `/Library/Application Support/ClinicProtocolAssistant/policy.json` on macOS,
 * `/etc/clinic-protocol-assistant/policy.json` elsewhere.
 *
 * On Windows the ProgramData folder is read from the registry (HKLM, administrators only) by the system's own
 * reg.exe, found through the modules Windows loaded — never from `%ProgramData%`, which a clinician can set for
 * their own processes to point the app at a policy of their own. Rejects with a {@link ConfigError} when the
 * location cannot be established: start-up stops rather than run without the policy IT wrote.
 */
export async function systemPolicyPath(platform: NodeJS.Platform, windows: WindowsSystemCommands = nodeSystemCommands): Promise<string> {
  if (platform === 'win32') {
    const folder = windowsSystemFolder(windows.loadedModules());
    return win32.join(await machineProgramData(windows, folder), POLICY_DIR, 'policy.json');
  }
  if (platform === 'darwin') return join('/Library/Application Support', POLICY_DIR, 'policy.json');
  return '/etc/clinic-protocol-assistant/policy.json';
}

/** How strictly to treat the file: the system policy must be admin-owned; a development `--policy` need not. */
export interface PolicyReadOptions {
  /** A missing file is fine (no policy) rather than an error. */
  readonly optional: boolean;
  /**
   * Refuse a file that a non-admin could have written (POSIX: group/world-writable, or not owned by root; Windows:
   * the file or its folder not owned by, or writable by anyone but, Administrators, SYSTEM or TrustedInstaller).
   */
  readonly requireAdminOwned: boolean;
  /** The OS whose rules apply; the running one unless a test says otherwise. */
  readonly platform?: NodeJS.Platform;
  /** How the Windows rules reach the OS; the real one unless a test passes recorded outputs. */
  readonly windows?: WindowsSystemCommands;
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
 * Why a non-admin could have written the policy at `path`, one sentence each, or an empty list. POSIX: the file's
 * owner and mode ({@link adminOwnershipProblem}). Windows: the owner and access list of the file and of its folder
 * (windows/policyAcl.ts). Rejects with the file system's error when the file cannot be examined (ENOENT when absent),
 * and with a {@link ConfigError} when its Windows permissions cannot be read.
 */
export async function nonAdminWriteProblems(path: string, platform: NodeJS.Platform, windows: WindowsSystemCommands = nodeSystemCommands): Promise<string[]> {
  const info = await stat(path);
  if (platform === 'win32') return policyAclProblems(windows, path);
  const problem = adminOwnershipProblem(path, info);
  return problem ? [problem] : [];
}

/**
 * Reads a policy file as JSON. Returns null when the file is absent and `optional`. Any other problem — not
 * JSON, not an object, writable by non-admins — is a {@link ConfigError}: an invalid policy never falls back
 * to defaults silently.
 */
export async function readPolicyFile(path: string, options: PolicyReadOptions): Promise<Record<string, unknown> | null> {
  let text: string;
  try {
    if (options.requireAdminOwned) {
      const problems = await nonAdminWriteProblems(path, options.platform ?? process.platform, options.windows ?? nodeSystemCommands);
      if (problems.length > 0) throw new ConfigError(problems);
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
