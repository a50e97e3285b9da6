import { chmod, mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { itOnPosix } from '../../../test/support/posixOnly';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../core/configError';
import { loadSettings } from './loadSettings';
import { readPolicyFile, systemPolicyPath } from './policyFile';
import { RecordedWindows, SDDL } from '../../../test/fakes/recordedWindows';

async function tempFile(name: string, content: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'cpa-config-'));
  const path = join(dir, name);
  await writeFile(path, content);
  return path;
}

describe('loadSettings', () => {
  it('reads --policy in development and reports a bad policy naming the file and field', async () => {
    const policy = await tempFile('policy.json', JSON.stringify({ temperature: 9 }));
    await expect(loadSettings({ mode: 'development', userSettingsPath: null, policyArgument: policy, env: {}, platform: 'linux' })).rejects.toThrow(
      `policy ${policy}: temperature`,
    );
  });

  it('locks what the development policy sets', async () => {
    const policy = await tempFile('policy.json', JSON.stringify({ model: 'clinic-model' }));
    const loaded = await loadSettings({ mode: 'harness', userSettingsPath: null, policyArgument: policy, env: { CPA_MODEL: 'other' }, platform: 'linux' });
    expect(loaded.settings.model).toBe('clinic-model');
    expect(loaded.lockedByPolicy).toEqual(['model']);
    expect(loaded.policyPath).toBe(policy);
  });

  it('refuses --policy in release builds', async () => {
    await expect(loadSettings({ mode: 'release', userSettingsPath: null, policyArgument: '/tmp/p.json', env: {}, platform: 'linux' })).rejects.toBeInstanceOf(
      ConfigError,
    );
  });

  it('says so when the user settings file is not JSON', async () => {
    const user = await tempFile('settings.json', '{ temperature: ');
    await expect(loadSettings({ mode: 'development', userSettingsPath: user, policyArgument: null, env: {}, platform: 'linux' })).rejects.toThrow(
      'is not valid JSON',
    );
  });

  it("stops start-up naming the key when a clinician's settings.json sets one only IT may set", async () => {
    const user = await tempFile('settings.json', JSON.stringify({ theme: 'dark', allowInsecureHttp: true }));
    await expect(loadSettings({ mode: 'release', userSettingsPath: user, policyArgument: null, env: {}, platform: 'linux' })).rejects.toThrow(
      `user settings ${user}: allowInsecureHttp: may be set only by IT policy`,
    );
    const fine = await tempFile('settings.json', JSON.stringify({ theme: 'dark' }));
    expect((await loadSettings({ mode: 'release', userSettingsPath: fine, policyArgument: null, env: {}, platform: 'linux' })).settings.theme).toBe('dark');
  });

  it('treats a missing explicit --policy file as an error, never as "no policy"', async () => {
    await expect(
      loadSettings({ mode: 'development', userSettingsPath: null, policyArgument: '/nonexistent/policy.json', env: {}, platform: 'linux' }),
    ).rejects.toThrow('cannot be read (ENOENT)');
  });
});

describe('policy file', () => {
  it('lives at the documented path on each OS', async () => {
    expect(await systemPolicyPath('linux')).toBe('/etc/clinic-protocol-assistant/policy.json');
    expect(await systemPolicyPath('darwin')).toBe('/Library/Application Support/ClinicProtocolAssistant/policy.json');
    expect(await systemPolicyPath('win32', new RecordedWindows())).toBe('C:\\ProgramData\\ClinicProtocolAssistant\\policy.json');
  });

  itOnPosix('refuses a system policy that non-admins could have written', async () => {
    const policy = await tempFile('policy.json', '{}');
    await chmod(policy, 0o666);
    await expect(readPolicyFile(policy, { optional: true, requireAdminOwned: true })).rejects.toThrow('must be owned by root and writable only by its owner');
  });

  it('refuses a policy that is not a JSON object', async () => {
    const policy = await tempFile('policy.json', '[1,2]');
    await expect(readPolicyFile(policy, { optional: false, requireAdminOwned: false })).rejects.toThrow('must be a JSON object');
  });

  it('treats an absent optional system policy as no policy', async () => {
    await expect(readPolicyFile('/nonexistent/policy.json', { optional: true, requireAdminOwned: true })).resolves.toBeNull();
  });
});

describe('the Windows system policy', () => {
  const windowsPolicy = (windows: RecordedWindows) => ({ optional: true, requireAdminOwned: true, platform: 'win32' as const, windows });

  it("is found through the registry, never through the clinician's %ProgramData%", async () => {
    // What a clinician could do: point %ProgramData% at a folder of their own holding a policy of their own.
    const theirs = await mkdtemp(join(tmpdir(), 'cpa-programdata-'));
    await mkdir(join(theirs, 'ClinicProtocolAssistant'));
    await writeFile(join(theirs, 'ClinicProtocolAssistant', 'policy.json'), JSON.stringify({ llmBaseUrl: 'https://their-server.example/v1' }));
    const windows = new RecordedWindows();
    const loaded = await loadSettings({ mode: 'release', userSettingsPath: null, policyArgument: null, env: { ProgramData: theirs }, platform: 'win32', windows });
    expect(loaded.settings.llmBaseUrl).toBe('http://127.0.0.1:8000/v1');
    expect(windows.runs.map((run) => [run.executable, run.env])).toEqual([
      ['C:\\WINDOWS\\SYSTEM32\\reg.exe', { SystemRoot: 'C:\\WINDOWS', windir: 'C:\\WINDOWS', SystemDrive: 'C:' }],
    ]);
  });

  it('stops start-up, saying what failed, when the system folder cannot be established', async () => {
    const windows = new RecordedWindows({ modules: [] });
    const loading = loadSettings({ mode: 'release', userSettingsPath: null, policyArgument: null, env: {}, platform: 'win32', windows });
    await expect(loading).rejects.toBeInstanceOf(ConfigError);
    await expect(loading).rejects.toThrow('the Windows system folder, needed to find the machine-wide policy, could not be established');
  });

  it('refuses a policy whose folder keeps the default ProgramData permissions (Users may add files)', async () => {
    const policy = await tempFile('policy.json', JSON.stringify({ recoveryPublicKey: '' }));
    const windows = new RecordedWindows({ acl: { folder: SDDL.defaultFolder, file: SDDL.lockedDownFile } });
    await expect(readPolicyFile(policy, windowsPolicy(windows))).rejects.toThrow(`policy ${policy}: its folder`);
    await expect(readPolicyFile(policy, windowsPolicy(windows))).rejects.toThrow('lets Users (S-1-5-32-545) change it');
  });

  it('refuses a policy file a clinician owns', async () => {
    const policy = await tempFile('policy.json', '{}');
    const windows = new RecordedWindows({ acl: { folder: SDDL.lockedDownFolder, file: SDDL.clinicianFile } });
    await expect(readPolicyFile(policy, windowsPolicy(windows))).rejects.toThrow(`policy ${policy}: the file is owned by ${SDDL.clinicianSid}`);
  });

  it('reads a policy IT locked down, and asks PowerShell about exactly that file and its folder', async () => {
    const policy = await tempFile('policy.json', JSON.stringify({ model: 'clinic-model' }));
    const windows = new RecordedWindows();
    expect(await readPolicyFile(policy, windowsPolicy(windows))).toEqual({ model: 'clinic-model' });
    expect(windows.runs.map((run) => [run.env.CPA_ACL_FILE, run.env.CPA_ACL_FOLDER])).toEqual([[policy, dirname(policy)]]);
  });

  it('refuses to start when the permissions cannot be read', async () => {
    const policy = await tempFile('policy.json', '{}');
    const windows = new RecordedWindows({ acl: Object.assign(new Error('Command failed'), { code: 1 }) });
    await expect(readPolicyFile(policy, windowsPolicy(windows))).rejects.toThrow('its permissions could not be read (PowerShell failed: exit code 1)');
  });

  it('treats an absent policy as no policy without running anything', async () => {
    const windows = new RecordedWindows();
    expect(await readPolicyFile(join(tmpdir(), 'cpa-absent', 'policy.json'), windowsPolicy(windows))).toBeNull();
    expect(windows.runs).toEqual([]);
  });
});
