import { describe, expect, it } from 'vitest';
import { LOADED_MODULES_X64, RecordedWindows, SDDL } from '../../../../test/fakes/recordedWindows';
import { ConfigError } from '../../core/configError';
import { ACL_SCRIPT, policyAclProblems, policyAclQuery } from './policyAcl';
import { windowsSystemFolder } from './systemFolder';

const POLICY = 'C:\\ProgramData\\ClinicProtocolAssistant\\policy.json';

describe('reading the policy permissions', () => {
  it('runs the system PowerShell by absolute path, the paths only in its environment, nothing inherited', () => {
    const query = policyAclQuery(windowsSystemFolder(LOADED_MODULES_X64), POLICY);
    expect(query.executable).toBe('C:\\WINDOWS\\SYSTEM32\\WindowsPowerShell\\v1.0\\powershell.exe');
    expect(query.args.slice(0, 4)).toEqual(['-NoLogo', '-NoProfile', '-NonInteractive', '-EncodedCommand']);
    expect(Buffer.from(query.args[4]!, 'base64').toString('utf16le')).toBe(ACL_SCRIPT);
    expect(query.args.join(' ')).not.toContain('ClinicProtocolAssistant');
    expect(query.env).toEqual({
      SystemRoot: 'C:\\WINDOWS',
      windir: 'C:\\WINDOWS',
      SystemDrive: 'C:',
      PSModulePath: 'C:\\WINDOWS\\SYSTEM32\\WindowsPowerShell\\v1.0\\Modules',
      CPA_ACL_FOLDER: 'C:\\ProgramData\\ClinicProtocolAssistant',
      CPA_ACL_FILE: POLICY,
    });
    expect(query.cwd).toBe('C:\\WINDOWS\\SYSTEM32');
  });

  it('calls .NET for the owner and access list rather than a cmdlet a user module could stand in for', () => {
    expect(ACL_SCRIPT).toContain('[System.IO.Directory]::GetAccessControl($env:CPA_ACL_FOLDER)');
    expect(ACL_SCRIPT).toContain('[System.IO.File]::GetAccessControl($env:CPA_ACL_FILE)');
    expect(ACL_SCRIPT).not.toMatch(/Get-Acl/i);
  });
});

describe('policyAclProblems', () => {
  it('names the folder when IT left its default ProgramData permissions', async () => {
    const windows = new RecordedWindows({ acl: { folder: SDDL.defaultFolder, file: SDDL.lockedDownFile } });
    expect(await policyAclProblems(windows, POLICY)).toEqual([
      `policy ${POLICY}: its folder C:\\ProgramData\\ClinicProtocolAssistant lets CREATOR OWNER (S-1-3-0) change it (A;OICIIOID;GA;;;CO)`,
      `policy ${POLICY}: its folder C:\\ProgramData\\ClinicProtocolAssistant lets Users (S-1-5-32-545) change it (A;CIID;DCLCRPCR;;;BU)`,
    ]);
  });

  it('names the file when a clinician owns it', async () => {
    const windows = new RecordedWindows({ acl: { folder: SDDL.lockedDownFolder, file: SDDL.clinicianFile } });
    expect(await policyAclProblems(windows, POLICY)).toEqual([
      `policy ${POLICY}: the file is owned by ${SDDL.clinicianSid}, not by Administrators, SYSTEM or TrustedInstaller`,
    ]);
  });

  it('finds nothing to say about a locked-down folder and file', async () => {
    expect(await policyAclProblems(new RecordedWindows(), POLICY)).toEqual([]);
  });

  it('is a ConfigError, never a pass, when PowerShell fails or prints something else', async () => {
    const failed = new RecordedWindows({ acl: Object.assign(new Error('Command failed'), { code: 1 }) });
    await expect(policyAclProblems(failed, POLICY)).rejects.toThrow(`policy ${POLICY}: its permissions could not be read (PowerShell failed: exit code 1)`);
    const timedOut = new RecordedWindows({ acl: Object.assign(new Error('timeout'), { killed: true, code: null }) });
    await expect(policyAclProblems(timedOut, POLICY)).rejects.toThrow('(PowerShell failed: it did not finish in time)');
    const oneLine = new RecordedWindows();
    oneLine.run = async () => `${SDDL.lockedDownFolder}\r\n`;
    await expect(policyAclProblems(oneLine, POLICY)).rejects.toBeInstanceOf(ConfigError);
  });
});
