import { describe, expect, it } from 'vitest';
import { LOADED_MODULES_X64, RecordedWindows, REG_PROGRAMDATA_OUTPUT } from '../../../../test/fakes/recordedWindows';
import { machineProgramData, programDataFromRegOutput, programDataQuery, PROFILE_LIST_KEY } from './programData';
import { windowsSystemFolder } from './systemFolder';

const folder = windowsSystemFolder(LOADED_MODULES_X64);
const regLine = (value: string, type = 'REG_EXPAND_SZ') => `\r\nHKEY_LOCAL_MACHINE\\...\\ProfileList\r\n    ProgramData    ${type}    ${value}\r\n\r\n`;

describe('the machine ProgramData folder', () => {
  it('is read with the system reg.exe by absolute path, with none of this process environment', () => {
    expect(programDataQuery(folder)).toEqual({
      executable: 'C:\\WINDOWS\\SYSTEM32\\reg.exe',
      args: ['query', PROFILE_LIST_KEY, '/v', 'ProgramData'],
      env: { SystemRoot: 'C:\\WINDOWS', windir: 'C:\\WINDOWS', SystemDrive: 'C:' },
      cwd: 'C:\\WINDOWS\\SYSTEM32',
      timeoutMs: 10_000,
    });
  });

  it('expands %SystemDrive% from the system folder drive', () => {
    expect(programDataFromRegOutput(REG_PROGRAMDATA_OUTPUT, folder)).toBe('C:\\ProgramData');
    expect(programDataFromRegOutput(regLine('%systemdrive%\\Program Data'), windowsSystemFolder(['D:\\W\\System32\\ntdll.dll', 'D:\\W\\System32\\kernel32.dll']))).toBe(
      'D:\\Program Data',
    );
    expect(programDataFromRegOutput(regLine('E:\\Shared\\ProgramData', 'REG_SZ'), folder)).toBe('E:\\Shared\\ProgramData');
  });

  it.each([
    ['a variable the environment could set', regLine('%USERPROFILE%\\ProgramData'), 'names a variable other than'],
    ['a relative path', regLine('ProgramData'), 'is not a drive-letter path'],
    ['a UNC path', regLine('\\\\server\\share'), 'is not a drive-letter path'],
    ['no value', '\r\nERROR: The system was unable to find the specified registry key or value.\r\n', 'did not print one ProgramData value'],
  ])('refuses %s', (_label, output, message) => {
    expect(() => programDataFromRegOutput(output, folder)).toThrow(message);
  });

  it('refuses to start, naming the key, when reg.exe fails', async () => {
    const windows = new RecordedWindows();
    windows.run = async () => {
      throw Object.assign(new Error('Command failed'), { code: 1 });
    };
    await expect(machineProgramData(windows, folder)).rejects.toThrow(
      `policy: the machine's ProgramData folder could not be read from ${PROFILE_LIST_KEY} (reg.exe failed: exit code 1)`,
    );
  });
});
