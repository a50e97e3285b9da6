import { describe, expect, it } from 'vitest';
import { SETTINGS_DEFAULTS } from '../../shared/settings';
import { ConfigError } from '../core/configError';
import { settingsFromEnv } from './envSettings';
import { resolveSettings } from './resolveSettings';

function problemsOf(run: () => unknown): readonly string[] {
  try {
    run();
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('resolveSettings', () => {
  it('uses the defaults when nothing is set', () => {
    expect(resolveSettings('release', {})).toEqual({ settings: SETTINGS_DEFAULTS, lockedByPolicy: [] });
    expect(SETTINGS_DEFAULTS.llmBaseUrl).toBe('http://127.0.0.1:8000/v1');
  });

  it('layers defaults < user < environment < policy, and policy locks what it sets', () => {
    const { settings, lockedByPolicy } = resolveSettings('development', {
      user: { name: 'user settings', values: { theme: 'dark' } },
      env: { name: 'environment', values: { temperature: 0.7, maxRetries: 1, model: 'env-model' } },
      policy: { name: 'policy', values: { model: 'policy-model', llmBaseUrl: 'https://llm.clinic.example/v1' } },
    });
    expect(settings).toMatchObject({ theme: 'dark', temperature: 0.7, maxRetries: 1, model: 'policy-model', llmBaseUrl: 'https://llm.clinic.example/v1' });
    expect([...lockedByPolicy].sort()).toEqual(['llmBaseUrl', 'model']);
  });

  it('ignores the environment in release builds', () => {
    const { settings } = resolveSettings('release', { env: { name: 'environment', values: { temperature: 1.5 } } });
    expect(settings.temperature).toBe(SETTINGS_DEFAULTS.temperature);
  });

  it('names the source and the field of every invalid value', () => {
    const problems = problemsOf(() =>
      resolveSettings('development', {
        user: { name: 'user settings /u.json', values: { theme: 'purple' } },
        policy: { name: 'policy /etc/p.json', values: { maxOutputTokens: 0, colour: 'blue' } },
      }),
    );
    expect(problems).toHaveLength(2);
    expect(problems[0]).toBe('user settings /u.json: theme: theme must be system, light or dark');
    expect(problems[1]).toMatch(/^policy \/etc\/p\.json: .*maxOutputTokens/);
    expect(problems[1]).toContain('colour');
  });

  it("refuses, by name, every key a clinician's settings file may not set: they cannot widen what the policy leaves unset", () => {
    const forbidden = {
      allowInsecureHttp: true,
      llmBaseUrl: 'http://10.0.0.5:8000/v1',
      llmFallbackUrls: ['https://elsewhere.example/v1'],
      recoveryPublicKey: '',
      allowBasicTextKeyStorage: true,
      retentionDays: 3650,
      idleLockMinutes: 240,
      profileSelfCreation: true,
      temperature: 0.5,
    };
    const problems = problemsOf(() => resolveSettings('release', { user: { name: 'user settings /u.json', values: { ...forbidden, theme: 'dark' } } }));
    expect(problems).toHaveLength(Object.keys(forbidden).length);
    for (const key of Object.keys(forbidden)) {
      expect(problems).toContain(`user settings /u.json: ${key}: may be set only by IT policy, not in a clinician's settings (allowed there: theme)`);
    }
  });

  it('lets a policy lock a personal preference too', () => {
    const { settings, lockedByPolicy } = resolveSettings('release', {
      user: { name: 'user', values: { theme: 'dark' } },
      policy: { name: 'policy', values: { theme: 'light' } },
    });
    expect(settings.theme).toBe('light');
    expect(lockedByPolicy).toEqual(['theme']);
  });

  it('refuses plain http to another machine unless policy allows it (check 26)', () => {
    const problems = problemsOf(() => resolveSettings('release', { policy: { name: 'policy', values: { llmBaseUrl: 'http://10.0.0.5:8000/v1' } } }));
    expect(problems[0]).toContain('llmBaseUrl uses plain http to another machine');
    const allowed = resolveSettings('release', {
      policy: { name: 'policy', values: { llmBaseUrl: 'http://10.0.0.5:8000/v1', allowInsecureHttp: true } },
    });
    expect(allowed.settings.llmBaseUrl).toBe('http://10.0.0.5:8000/v1');
  });

  it('refuses plain http to another machine for fallback endpoints too (check 26)', () => {
    const problems = problemsOf(() =>
      resolveSettings('release', { policy: { name: 'policy', values: { llmFallbackUrls: ['https://b.clinic.example/v1', 'http://10.0.0.6:8000/v1'] } } }),
    );
    expect(problems[0]).toBe(
      'effective settings: llmFallbackUrls.[1]: llmFallbackUrls entry uses plain http to another machine; use https, or IT must set allowInsecureHttp in the policy',
    );
  });

  it('refuses limits that contradict each other', () => {
    const problems = problemsOf(() =>
      resolveSettings('release', { policy: { name: 'policy', values: { sessionIdleTimeoutMs: 3_600_000, sessionAbsoluteTimeoutMs: 60_000 } } }),
    );
    expect(problems[0]).toContain('sessionAbsoluteTimeoutMs must not be shorter than sessionIdleTimeoutMs');
    expect(problemsOf(() => resolveSettings('release', { policy: { name: 'p', values: { contextLength: 1024, maxOutputTokens: 1024 } } }))[0]).toContain(
      'must leave room for the prompt',
    );
  });

  it('reads fallback endpoints from a comma-separated environment variable', () => {
    expect(settingsFromEnv({ CPA_LLM_FALLBACK_URLS: 'https://a.example/v1, https://b.example/v1' })).toEqual({
      llmFallbackUrls: ['https://a.example/v1', 'https://b.example/v1'],
    });
  });

  it('accepts plain http on loopback', () => {
    expect(resolveSettings('release', { policy: { name: 'p', values: { llmBaseUrl: 'http://localhost:8000/v1' } } }).settings.llmBaseUrl).toBe(
      'http://localhost:8000/v1',
    );
  });

  it('refuses credentials inside the URL', () => {
    expect(problemsOf(() => resolveSettings('release', { policy: { name: 'p', values: { llmBaseUrl: 'https://me:secret@llm.example/v1' } } }))[0]).toContain(
      'must not carry credentials',
    );
  });
});

describe('settingsFromEnv', () => {
  it('reads CPA_* variables, numbers as numbers, and leaves bad numbers for the schema to name', () => {
    expect(settingsFromEnv({ CPA_LLM_BASE_URL: 'http://127.0.0.1:9/v1', CPA_TEMPERATURE: '0.4', CPA_MAX_RETRIES: 'lots', OTHER: 'x' })).toEqual({
      llmBaseUrl: 'http://127.0.0.1:9/v1',
      temperature: 0.4,
      maxRetries: 'lots',
    });
    expect(problemsOf(() => resolveSettings('harness', { env: { name: 'environment', values: settingsFromEnv({ CPA_MAX_RETRIES: 'lots' }) } }))).toEqual([
      'environment: maxRetries: maxRetries must be a number',
    ]);
  });

  it('leaves sync off unless a sync server is set, and holds its address to the model server\'s http rule', () => {
    expect(resolveSettings('release', {}).settings).toMatchObject({ syncServerUrl: null, syncWorkstationLabel: '', syncPullIntervalSeconds: 60 });
    const policy = (values: Record<string, unknown>) => ({ policy: { name: 'policy', values } });
    expect(problemsOf(() => resolveSettings('release', policy({ syncServerUrl: 'http://10.0.0.7:8443/' })))[0]).toContain(
      'syncServerUrl uses plain http to another machine',
    );
    expect(problemsOf(() => resolveSettings('release', policy({ syncServerUrl: 'https://it:pw@sync.clinic.example/' })))[0]).toContain(
      'syncServerUrl must not carry credentials',
    );
    const set = resolveSettings('release', policy({ syncServerUrl: 'https://sync.clinic.example/', syncWorkstationLabel: 'Triage 2', syncPullIntervalSeconds: 30 }));
    expect(set.settings).toMatchObject({ syncServerUrl: 'https://sync.clinic.example/', syncWorkstationLabel: 'Triage 2', syncPullIntervalSeconds: 30 });
    expect(resolveSettings('release', policy({ syncServerUrl: 'http://127.0.0.1:8443/' })).settings.syncServerUrl).toBe('http://127.0.0.1:8443/');
  });

  it('reads the sync server from CPA_SYNC_SERVER_URL outside release builds', () => {
    const env = { name: 'environment', values: settingsFromEnv({ CPA_SYNC_SERVER_URL: 'http://127.0.0.1:7000/', CPA_SYNC_PULL_INTERVAL_SECONDS: '15' }) };
    expect(resolveSettings('harness', { env }).settings).toMatchObject({ syncServerUrl: 'http://127.0.0.1:7000/', syncPullIntervalSeconds: 15 });
    expect(resolveSettings('release', { env }).settings.syncServerUrl).toBeNull();
  });
});
