import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../shared/errors';
import { SETTINGS_DEFAULTS } from '../../shared/settings';
import { silentLogger } from '../core/logger';
import { createClinicianPreferences } from './clinicianPreferences';

describe('clinician preferences (settings.set)', () => {
  it('saves a preference to the settings file before it takes effect', async () => {
    const path = join(await mkdtemp(join(tmpdir(), 'cpa-prefs-')), 'settings.json');
    const preferences = createClinicianPreferences({ settings: SETTINGS_DEFAULTS, lockedByPolicy: [] }, path, silentLogger);
    expect((await preferences.update({ theme: 'dark' })).theme).toBe('dark');
    expect(preferences.current().theme).toBe('dark');
    expect(JSON.parse(await readFile(path, 'utf8'))).toEqual({ theme: 'dark' });
  });

  it('refuses a key the policy locks, naming it, and changes nothing', async () => {
    const preferences = createClinicianPreferences({ settings: { ...SETTINGS_DEFAULTS, theme: 'light' }, lockedByPolicy: ['theme'] }, null, silentLogger);
    const refusal = await preferences.update({ theme: 'dark' }).catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(AppError);
    expect(refusal).toMatchObject({ code: 'FORBIDDEN', message: expect.stringContaining('theme is set by your IT department') });
    expect(preferences.current().theme).toBe('light');
  });

  it('refuses a setting that is not a personal preference even if it reached it', async () => {
    const preferences = createClinicianPreferences({ settings: SETTINGS_DEFAULTS, lockedByPolicy: [] }, null, silentLogger);
    await expect(preferences.update({ allowInsecureHttp: true } as never)).rejects.toMatchObject({ code: 'FORBIDDEN' });
    expect(preferences.current().allowInsecureHttp).toBe(false);
  });
});
