import { chmod, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { itOnPosix } from '../../../test/support/posixOnly';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../core/configError';
import { loadSettings } from './loadSettings';
import { readPolicyFile, systemPolicyPath } from './policyFile';

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
  it('lives at the documented path on each OS', () => {
    expect(systemPolicyPath('linux', {})).toBe('/etc/clinic-protocol-assistant/policy.json');
    expect(systemPolicyPath('darwin', {})).toBe('/Library/Application Support/ClinicProtocolAssistant/policy.json');
    expect(systemPolicyPath('win32', { ProgramData: 'D:\\ProgramData' })).toContain('ClinicProtocolAssistant');
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
