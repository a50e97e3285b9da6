import { describe, expect, it } from 'vitest';
import { LOADED_MODULES_X64 } from '../../../../test/fakes/recordedWindows';
import { ConfigError } from '../../core/configError';
import { systemOnlyEnvironment, windowsSystemFolder } from './systemFolder';

describe('windowsSystemFolder', () => {
  it('finds System32, the Windows folder and the system drive from where the loader mapped ntdll.dll and kernel32.dll', () => {
    expect(windowsSystemFolder(LOADED_MODULES_X64)).toEqual({ system32: 'C:\\WINDOWS\\SYSTEM32', windows: 'C:\\WINDOWS', drive: 'C:' });
  });

  it('follows Windows installed on another drive, whatever the environment says', () => {
    const modules = ['E:\\Win\\System32\\ntdll.dll', 'E:\\Win\\System32\\kernel32.dll'];
    expect(windowsSystemFolder(modules)).toEqual({ system32: 'E:\\Win\\System32', windows: 'E:\\Win', drive: 'E:' });
  });

  it.each([
    ['no module list (diagnostic report unavailable)', []],
    ['ntdll.dll missing', ['C:\\Windows\\System32\\kernel32.dll']],
    ['the two DLLs in different folders', ['C:\\Windows\\System32\\ntdll.dll', 'D:\\Windows\\System32\\kernel32.dll']],
    ['a 32-bit process (kernel32 from SysWOW64)', ['C:\\Windows\\System32\\ntdll.dll', 'C:\\Windows\\SysWOW64\\ntdll.dll', 'C:\\Windows\\SysWOW64\\kernel32.dll']],
    ['a folder not named System32', ['C:\\Users\\me\\fake\\ntdll.dll', 'C:\\Users\\me\\fake\\kernel32.dll']],
    ['a UNC path', ['\\\\server\\share\\System32\\ntdll.dll', '\\\\server\\share\\System32\\kernel32.dll']],
  ])('refuses to start with %s', (_label, modules) => {
    expect(() => windowsSystemFolder(modules)).toThrow(ConfigError);
    expect(() => windowsSystemFolder(modules)).toThrow('the Windows system folder, needed to find the machine-wide policy, could not be established');
  });

  it('gives system programs only the variables it derived, none of this process', () => {
    expect(systemOnlyEnvironment(windowsSystemFolder(LOADED_MODULES_X64))).toEqual({ SystemRoot: 'C:\\WINDOWS', windir: 'C:\\WINDOWS', SystemDrive: 'C:' });
  });
});
