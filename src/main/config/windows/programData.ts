import { win32 } from 'node:path';
import { ConfigError } from '../../core/configError';
import type { WindowsCommand, WindowsSystemCommands } from './systemCommands';
import { systemOnlyEnvironment, type WindowsSystemFolder } from './systemFolder';

/** Where Windows records the machine's ProgramData folder: a key only administrators can change. */
export const PROFILE_LIST_KEY = 'HKLM\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion\\ProfileList';

/** reg.exe answers in a few milliseconds; a generous bound still keeps a hung start-up from waiting forever. */
const REG_TIMEOUT_MS = 10_000;

/**
 * `reg query <ProfileList> /v ProgramData`, run by absolute path from the system folder with the system-only
 * environment: `%ProgramData%` itself is a per-process variable a clinician can point anywhere.
 */
export function programDataQuery(folder: WindowsSystemFolder): WindowsCommand {
  return {
    executable: win32.join(folder.system32, 'reg.exe'),
    args: ['query', PROFILE_LIST_KEY, '/v', 'ProgramData'],
    env: systemOnlyEnvironment(folder),
    cwd: folder.system32,
    timeoutMs: REG_TIMEOUT_MS,
  };
}

/**
 * The ProgramData folder from `reg query`'s output (`    ProgramData    REG_EXPAND_SZ    %SystemDrive%\ProgramData`).
 * `%SystemDrive%` and `%SystemRoot%` are expanded from the loader's system folder, never from the environment; any
 * other variable, or a result that is not a drive-letter path, is a {@link ConfigError}.
 */
export function programDataFromRegOutput(stdout: string, folder: WindowsSystemFolder): string {
  const values = stdout
    .split(/\r?\n/)
    .map((line) => /^\s+ProgramData\s+REG_(?:EXPAND_)?SZ\s+(\S.*?)\s*$/i.exec(line)?.[1])
    .filter((value): value is string => value !== undefined);
  if (values.length !== 1) throw programDataError(`reg.exe did not print one ProgramData value`);
  const expanded = values[0]!
    .replace(/%SystemDrive%/gi, folder.drive)
    .replace(/%(?:SystemRoot|windir)%/gi, folder.windows);
  if (expanded.includes('%')) throw programDataError(`its value ${values[0]} names a variable other than %SystemDrive% or %SystemRoot%`);
  const normalised = win32.normalize(expanded);
  if (!/^[A-Za-z]:\\[^\\]/.test(normalised)) throw programDataError(`its value ${values[0]} is not a drive-letter path`);
  return normalised;
}

/** The machine's ProgramData folder, read from the registry; a {@link ConfigError} when it cannot be. */
export async function machineProgramData(commands: WindowsSystemCommands, folder: WindowsSystemFolder): Promise<string> {
  let stdout: string;
  try {
    stdout = await commands.run(programDataQuery(folder));
  } catch (error) {
    throw programDataError(`reg.exe failed: ${failureOf(error)}`);
  }
  return programDataFromRegOutput(stdout, folder);
}

/** A short, data-free account of why a system program failed: its error code or exit code. */
export function failureOf(error: unknown): string {
  const { code, killed } = (error ?? {}) as { code?: unknown; killed?: unknown };
  if (killed === true) return 'it did not finish in time';
  if (typeof code === 'number') return `exit code ${code}`;
  if (typeof code === 'string') return code;
  return 'unknown error';
}

function programDataError(detail: string): ConfigError {
  return new ConfigError([`policy: the machine's ProgramData folder could not be read from ${PROFILE_LIST_KEY} (${detail})`]);
}
