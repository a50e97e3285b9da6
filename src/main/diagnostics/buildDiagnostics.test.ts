import { createHash } from 'node:crypto';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SETTINGS_DEFAULTS } from '../../shared/settings';
import { settingsView } from '../ipc/handlers/settingsHandlers';
import { silentLogger } from '../core/logger';
import { createRecentProblems } from '../logging/recentProblems';
import { buildDiagnostics, type DiagnosticsSources } from './buildDiagnostics';

const CANARY = 'CANARY-patient-54-chest-pain';
const AT = new Date('2026-03-04T05:06:07.000Z');

function sources(overrides: Partial<DiagnosticsSources> = {}): DiagnosticsSources {
  return {
    now: () => AT,
    buildMode: 'release',
    versions: { app: '1.2.3', electron: '38.0.0', chrome: '140.0', node: '22.0.0' },
    os: { platform: 'linux', release: '6.1', arch: 'x64' },
    policyPath: null,
    settings: () => settingsView(SETTINGS_DEFAULTS, []),
    verifyAudit: async () => ({ ok: true, entries: 3 }),
    llmStatus: async () => ({ reachable: false, state: 'offline', model: null, endpoint: 'http://127.0.0.1:8000/v1', latencyMs: null }),
    recentProblems: () => [],
    ...overrides,
  };
}

describe('buildDiagnostics', () => {
  it('carries no patient text, secret or message text, wherever a canary was put', async () => {
    const recent = createRecentProblems(() => AT);
    const logger = recent.wrap(silentLogger);
    logger.error('protocol.turn-failed', { kind: 'TypeError', message: CANARY, userText: CANARY, sessionId: CANARY });
    logger.warn(CANARY, { kind: `Error: ${CANARY}` });
    const settings = { ...SETTINGS_DEFAULTS, llmApiKey: `key-${CANARY}`, recoveryPublicKey: `pem-${CANARY}` };
    const bundle = await buildDiagnostics(
      sources({
        settings: () => settingsView(settings, ['llmApiKey', 'model']),
        recentProblems: () => recent.list(),
        verifyAudit: async () => {
          throw new Error(CANARY);
        },
        llmStatus: async () => {
          throw new Error(CANARY);
        },
      }),
    );
    const text = JSON.stringify(bundle);
    expect(text).not.toContain(CANARY);
    expect(bundle.recentProblems).toEqual([
      { time: AT.toISOString(), level: 'error', event: 'protocol.turn-failed', kind: 'TypeError' },
      { time: AT.toISOString(), level: 'warn', event: '(unnamed event)', kind: null },
    ]);
    expect(bundle.settings.values.llmApiKeySet).toBe(true);
    expect(bundle.settings.lockedByPolicy).toEqual(['llmApiKey', 'model']);
    expect(bundle.audit).toEqual({ ok: null, entries: null, detail: 'could not be verified (Error)' });
    expect(bundle.llm).toBeNull();
  });

  it('names the policy file with the SHA-256 of its content, and reports the audit and model-server state', async () => {
    const path = join(await mkdtemp(join(tmpdir(), 'cpa-diag-')), 'policy.json');
    await writeFile(path, '{"model":"m"}');
    const bundle = await buildDiagnostics(sources({ policyPath: path }));
    expect(bundle.policy).toEqual({ path, sha256: createHash('sha256').update('{"model":"m"}').digest('hex') });
    expect(bundle.audit).toEqual({ ok: true, entries: 3, detail: null });
    expect(bundle.llm?.state).toBe('offline');
    expect(bundle.versions.electron).toBe('38.0.0');
    expect(bundle.generatedAt).toBe(AT.toISOString());
  });

  it('says where the audit chain breaks, without quoting the log', async () => {
    const bundle = await buildDiagnostics(
      sources({ verifyAudit: async () => ({ ok: false, entries: 4, firstBreak: { seq: 5, reason: 'mac-mismatch', detail: 'entry 5 was altered (its MAC does not match)' } }) }),
    );
    expect(bundle.audit).toEqual({ ok: false, entries: 4, detail: 'mac-mismatch: entry 5 was altered (its MAC does not match)' });
  });
});
