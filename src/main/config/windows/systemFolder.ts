import { win32 } from 'node:path';
import { ConfigError } from '../../core/configError';

/** Where Windows itself is installed, as this process's loader found it. */
export interface WindowsSystemFolder {
  /** E.g. `C:\Windows\System32`: where reg.exe and powershell.exe are run from. */
  readonly system32: string;
  /** E.g. `C:\Windows` (what `%SystemRoot%` means). */
  readonly windows: string;
  /** E.g. `C:` (what `%SystemDrive%` means). */
  readonly drive: string;
}

/**
 * Finds the Windows system folder from the paths the loader mapped `ntdll.dll` and `kernel32.dll` from — never from
 * `%SystemRoot%` or `%windir%`, which a clinician can set for their own processes. Both are KnownDLLs, mapped by
 * Windows from its own folder whatever the process's environment or working folder. They must come from one folder
 * named System32 on a drive-letter path; otherwise a {@link ConfigError} stops start-up rather than guess where the
 * machine-wide policy lives.
 */
export function windowsSystemFolder(loadedModules: readonly string[]): WindowsSystemFolder {
  const system32 = system32FolderOf('ntdll.dll', loadedModules);
  if (system32.toLowerCase() !== system32FolderOf('kernel32.dll', loadedModules).toLowerCase()) {
    throw systemFolderError('ntdll.dll and kernel32.dll were loaded from different folders');
  }
  if (!/^[A-Za-z]:\\[^\\]/.test(system32) || system32.split('\\').includes('..')) {
    throw systemFolderError(`${system32} is not a plain drive-letter path`);
  }
  return { system32, windows: win32.dirname(system32), drive: system32.slice(0, 2) };
}

/**
 * The environment for a system program the checks run: the system folder's own variables, from the loader, and
 * nothing of this process's environment (a clinician could set `PSModulePath`, `COR_PROFILER`, `PATH`… there).
 */
export function systemOnlyEnvironment(folder: WindowsSystemFolder): Record<string, string> {
  return { SystemRoot: folder.windows, windir: folder.windows, SystemDrive: folder.drive };
}

/** The one System32 folder `dll` was loaded from (a 32-bit process also lists a SysWOW64 copy, not used here). */
function system32FolderOf(dll: string, loadedModules: readonly string[]): string {
  const folders = loadedModules
    .filter((module) => win32.basename(module).toLowerCase() === dll)
    .map((module) => win32.dirname(module))
    .filter((folder) => win32.basename(folder).toLowerCase() === 'system32');
  if (folders.length !== 1) throw systemFolderError(`${dll} was ${folders.length === 0 ? 'not' : 'more than once'} loaded from a System32 folder`);
  return folders[0]!;
}

function systemFolderError(detail: string): ConfigError {
  return new ConfigError([
    `policy: the Windows system folder, needed to find the machine-wide policy, could not be established from the modules Windows loaded (${detail})`,
  ]);
}
