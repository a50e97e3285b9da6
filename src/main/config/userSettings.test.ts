import { mkdtemp, readFile, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../core/configError';
import { forbiddenUserKeys, userSettableNow, writeUserSettings } from './userSettings';

async function settingsPath(content?: string): Promise<string> {
  const path = join(await mkdtemp(join(tmpdir(), 'cpa-user-settings-')), 'settings.json');
  if (content !== undefined) await writeFile(path, content);
  return path;
}

describe('user settings allow-list', () => {
  it('names every known setting a clinician may not set, and leaves unknown keys to the schema', () => {
    expect(forbiddenUserKeys({ theme: 'dark', retentionDays: 30, colour: 'blue' })).toEqual([
      "retentionDays: may be set only by IT policy, not in a clinician's settings (allowed there: theme)",
    ]);
    expect(forbiddenUserKeys([])).toEqual([]);
  });

  it('offers only the preferences the policy leaves open', () => {
    expect(userSettableNow([])).toEqual(['theme']);
    expect(userSettableNow(['theme', 'model'])).toEqual([]);
  });
});

describe('writeUserSettings', () => {
  it('creates the file, owner-only, with the preference', async () => {
    const path = await settingsPath();
    await writeUserSettings(path, { theme: 'dark' });
    expect(JSON.parse(await readFile(path, 'utf8'))).toEqual({ theme: 'dark' });
    if (process.platform !== 'win32') expect((await stat(path)).mode & 0o777).toBe(0o600);
  });

  it('merges into the file and drops keys a clinician may no longer set', async () => {
    const path = await settingsPath(JSON.stringify({ theme: 'light', allowInsecureHttp: true }));
    await writeUserSettings(path, { theme: 'system' });
    expect(JSON.parse(await readFile(path, 'utf8'))).toEqual({ theme: 'system' });
  });

  it('refuses a key outside the allow-list, naming it, and leaves a damaged file as it is', async () => {
    const path = await settingsPath('{ not json');
    await expect(writeUserSettings(path, { theme: 'dark' })).rejects.toBeInstanceOf(ConfigError);
    expect(await readFile(path, 'utf8')).toBe('{ not json');
    const other = await settingsPath();
    await expect(writeUserSettings(other, { llmBaseUrl: 'http://10.0.0.1/v1' } as never)).rejects.toThrow('llmBaseUrl');
  });
});
