import { win32 } from 'node:path';
import type { WindowsCommand, WindowsSystemCommands } from '../../src/main/config/windows/systemCommands';

/**
 * Outputs recorded on Windows, for the policy checks' tests on any OS. The module list is the start of what
 * `process.report.getReport().sharedObjects` lists in a 64-bit Electron app (the loader's own mixed casing kept).
 */
export const LOADED_MODULES_X64 = [
  'C:\\Program Files\\Clinic Protocol Assistant\\Clinic Protocol Assistant.exe',
  'C:\\WINDOWS\\SYSTEM32\\ntdll.dll',
  'C:\\WINDOWS\\System32\\KERNEL32.DLL',
  'C:\\WINDOWS\\System32\\KERNELBASE.dll',
  'C:\\WINDOWS\\System32\\ADVAPI32.dll',
  'C:\\Program Files\\Clinic Protocol Assistant\\ffmpeg.dll',
];

/** `reg query "HKLM\SOFTWARE\Microsoft\Windows NT\CurrentVersion\ProfileList" /v ProgramData` on a default install. */
export const REG_PROGRAMDATA_OUTPUT =
  '\r\nHKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion\\ProfileList\r\n' +
  '    ProgramData    REG_EXPAND_SZ    %SystemDrive%\\ProgramData\r\n\r\n';

const CLINICIAN = 'S-1-5-21-3623811015-3361044348-30300820-1013';
const TRUSTED_INSTALLER = 'S-1-5-80-956008885-3418522649-1831038044-1853292631-2271478464';

/** Owner and access list (`GetSecurityDescriptorSddlForm('Owner, Access')`) of folders and files as Windows leaves them. */
export const SDDL = {
  /** C:\ProgramData itself: CREATOR OWNER full control of what others create; Users may add files and folders. */
  programData: 'O:SYD:PAI(A;OICIIO;GA;;;CO)(A;OICI;FA;;;SY)(A;OICI;FA;;;BA)(A;OICI;0x1200a9;;;BU)(A;CI;DCLCRPCR;;;BU)',
  /** `mkdir %ProgramData%\ClinicProtocolAssistant` by an administrator: it inherits all of the above. */
  defaultFolder: 'O:BAD:AI(A;OICIIOID;GA;;;CO)(A;OICIID;FA;;;SY)(A;OICIID;FA;;;BA)(A;OICIID;0x1200a9;;;BU)(A;CIID;DCLCRPCR;;;BU)',
  /** The same folder after the icacls command of docs/deployment.md (inheritance removed; BA, SY full; Users read). */
  lockedDownFolder: 'O:BAD:PAI(A;OICI;FA;;;BA)(A;OICI;FA;;;SY)(A;OICI;0x1200a9;;;BU)',
  /** policy.json written by an administrator in the locked-down folder. */
  lockedDownFile: 'O:BAD:AI(A;ID;FA;;;BA)(A;ID;FA;;;SY)(A;ID;0x1200a9;;;BU)',
  /** The folder as a clinician creates it when IT has not: theirs, with full control for them. */
  clinicianFolder: `O:${CLINICIAN}D:AI(A;ID;FA;;;${CLINICIAN})(A;OICIIOID;GA;;;CO)(A;OICIID;FA;;;SY)(A;OICIID;FA;;;BA)(A;OICIID;0x1200a9;;;BU)(A;CIID;DCLCRPCR;;;BU)`,
  /** A policy.json the clinician owns (copied in by them, or ownership taken). */
  clinicianFile: `O:${CLINICIAN}D:AI(A;ID;FA;;;BA)(A;ID;FA;;;SY)(A;ID;0x1200a9;;;BU)`,
  /** Owned by TrustedInstaller, read-only for everyone else: accepted. */
  trustedInstallerFile: `O:${TRUSTED_INSTALLER}D:PAI(A;;FA;;;${TRUSTED_INSTALLER})(A;;0x1200a9;;;BA)(A;;0x1200a9;;;SY)(A;;0x1200a9;;;BU)`,
  clinicianSid: CLINICIAN,
} as const;

/** What a {@link RecordedWindows} answers. */
export interface RecordedAnswers {
  readonly modules?: readonly string[];
  readonly regOutput?: string;
  /** The two lines PowerShell prints, folder first; an Error makes the run fail as a failed program does. */
  readonly acl?: { readonly folder: string; readonly file: string } | Error;
}

/** A {@link WindowsSystemCommands} that answers from recordings and keeps every command it was asked to run. */
export class RecordedWindows implements WindowsSystemCommands {
  readonly runs: WindowsCommand[] = [];

  constructor(private readonly answers: RecordedAnswers = {}) {}

  loadedModules(): readonly string[] {
    return this.answers.modules ?? LOADED_MODULES_X64;
  }

  async run(command: WindowsCommand): Promise<string> {
    this.runs.push(command);
    const program = win32.basename(command.executable).toLowerCase();
    if (program === 'reg.exe') return this.answers.regOutput ?? REG_PROGRAMDATA_OUTPUT;
    if (program === 'powershell.exe') {
      const acl = this.answers.acl ?? { folder: SDDL.lockedDownFolder, file: SDDL.lockedDownFile };
      if (acl instanceof Error) throw acl;
      return `${acl.folder}\r\n${acl.file}\r\n`;
    }
    throw Object.assign(new Error(`not recorded: ${program}`), { code: 'ENOENT' });
  }
}
