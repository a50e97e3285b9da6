import { win32 } from 'node:path';
import { ConfigError } from '../../core/configError';
import { adminOnlyProblems } from './adminOnlyAcl';
import { failureOf } from './programData';
import type { WindowsCommand, WindowsSystemCommands } from './systemCommands';
import { systemOnlyEnvironment, windowsSystemFolder, type WindowsSystemFolder } from './systemFolder';

/**
 * Prints the owner and access list of the policy's folder, then of the file, as SDDL, one line each. The paths come
 * from the child's environment and are never part of the command text. It calls .NET directly rather than
 * `Get-Acl`: a cmdlet is found through module paths, and a user's own Documents\WindowsPowerShell\Modules comes
 * first, so a module named like the real one could answer in its place.
 */
export const ACL_SCRIPT = [
  "$ErrorActionPreference = 'Stop'",
  "$sections = [System.Security.AccessControl.AccessControlSections]'Owner, Access'",
  '[Console]::Out.WriteLine([System.IO.Directory]::GetAccessControl($env:CPA_ACL_FOLDER).GetSecurityDescriptorSddlForm($sections))',
  '[Console]::Out.WriteLine([System.IO.File]::GetAccessControl($env:CPA_ACL_FILE).GetSecurityDescriptorSddlForm($sections))',
].join('\n');

/** PowerShell can take seconds to start on a busy or scanned workstation; start-up waits this long at most. */
const POWERSHELL_TIMEOUT_MS = 30_000;

/**
 * Windows PowerShell from the system folder, with {@link ACL_SCRIPT} passed encoded (no quoting for any shell to
 * reinterpret), no profile, and the system-only environment plus the two paths and its own module folder.
 */
export function policyAclQuery(folder: WindowsSystemFolder, policyPath: string): WindowsCommand {
  const powershellHome = win32.join(folder.system32, 'WindowsPowerShell', 'v1.0');
  return {
    executable: win32.join(powershellHome, 'powershell.exe'),
    args: ['-NoLogo', '-NoProfile', '-NonInteractive', '-EncodedCommand', Buffer.from(ACL_SCRIPT, 'utf16le').toString('base64')],
    env: {
      ...systemOnlyEnvironment(folder),
      PSModulePath: win32.join(powershellHome, 'Modules'),
      CPA_ACL_FOLDER: win32.dirname(policyPath),
      CPA_ACL_FILE: policyPath,
    },
    cwd: folder.system32,
    timeoutMs: POWERSHELL_TIMEOUT_MS,
  };
}

/**
 * Why the policy at `policyPath` could be changed by someone other than an administrator — its folder's problems,
 * then the file's, each a full sentence naming the path — or an empty list. A user-writable folder is as bad as a
 * user-writable file: a user could rename the file away and put their own in its place. Throws a
 * {@link ConfigError} when the permissions cannot be read at all.
 */
export async function policyAclProblems(commands: WindowsSystemCommands, policyPath: string): Promise<string[]> {
  const folder = windowsSystemFolder(commands.loadedModules());
  let stdout: string;
  try {
    stdout = await commands.run(policyAclQuery(folder, policyPath));
  } catch (error) {
    throw new ConfigError([`policy ${policyPath}: its permissions could not be read (PowerShell failed: ${failureOf(error)})`]);
  }
  const lines = stdout.split(/\r?\n/).map((line) => line.trim()).filter((line) => line !== '');
  if (lines.length !== 2) throw new ConfigError([`policy ${policyPath}: its permissions could not be read (PowerShell printed ${lines.length} lines, not 2)`]);
  const [folderSddl, fileSddl] = lines as [string, string];
  return [
    ...adminOnlyProblems(folderSddl).map((problem) => `policy ${policyPath}: its folder ${win32.dirname(policyPath)} ${problem}`),
    ...adminOnlyProblems(fileSddl).map((problem) => `policy ${policyPath}: the file ${problem}`),
  ];
}
