import type { SettingKey } from '../../shared/settings';
import { pemBlocks } from '../net/extraCaTrust';

/** Environment variables read in development and harness builds (never in release builds). */
export const SETTINGS_ENV_VARS: Readonly<Record<SettingKey, string>> = {
  llmBaseUrl: 'CPA_LLM_BASE_URL',
  llmApiKey: 'CPA_LLM_API_KEY',
  model: 'CPA_MODEL',
  temperature: 'CPA_TEMPERATURE',
  maxOutputTokens: 'CPA_MAX_OUTPUT_TOKENS',
  requestTimeoutMs: 'CPA_REQUEST_TIMEOUT_MS',
  maxRetries: 'CPA_MAX_RETRIES',
  allowInsecureHttp: 'CPA_ALLOW_INSECURE_HTTP',
  llmFallbackUrls: 'CPA_LLM_FALLBACK_URLS',
  contextLength: 'CPA_CONTEXT_LENGTH',
  contextMarginTokens: 'CPA_CONTEXT_MARGIN_TOKENS',
  maxConcurrentModelRequests: 'CPA_MAX_CONCURRENT_MODEL_REQUESTS',
  sessionIdleTimeoutMs: 'CPA_SESSION_IDLE_TIMEOUT_MS',
  sessionAbsoluteTimeoutMs: 'CPA_SESSION_ABSOLUTE_TIMEOUT_MS',
  maxLiveSessions: 'CPA_MAX_LIVE_SESSIONS',
  sessionQueueWaitMs: 'CPA_SESSION_QUEUE_WAIT_MS',
  retentionDays: 'CPA_RETENTION_DAYS',
  idleLockMinutes: 'CPA_IDLE_LOCK_MINUTES',
  profileSelfCreation: 'CPA_PROFILE_SELF_CREATION',
  allowBasicTextKeyStorage: 'CPA_ALLOW_BASIC_TEXT_KEY_STORAGE',
  recoveryPublicKey: 'CPA_RECOVERY_PUBLIC_KEY',
  exportAllowed: 'CPA_EXPORT_ALLOWED',
  theme: 'CPA_THEME',
  extraCaCertificates: 'CPA_EXTRA_CA_CERTIFICATES',
  syncServerUrl: 'CPA_SYNC_SERVER_URL',
  syncWorkstationLabel: 'CPA_SYNC_WORKSTATION_LABEL',
  // The same name as the server's: on one machine (development), one variable sets both ends.
  syncEnrollmentSecret: 'CPA_SYNC_ENROLLMENT_SECRET',
  syncPullIntervalSeconds: 'CPA_SYNC_PULL_INTERVAL_SECONDS',
  updates: 'CPA_UPDATES',
  crashReporting: 'CPA_CRASH_REPORTING',
};

const NUMERIC: ReadonlySet<SettingKey> = new Set([
  'temperature',
  'maxOutputTokens',
  'requestTimeoutMs',
  'maxRetries',
  'contextLength',
  'contextMarginTokens',
  'maxConcurrentModelRequests',
  'sessionIdleTimeoutMs',
  'sessionAbsoluteTimeoutMs',
  'maxLiveSessions',
  'sessionQueueWaitMs',
  'retentionDays',
  'idleLockMinutes',
  'syncPullIntervalSeconds',
]);

const BOOLEAN: ReadonlySet<SettingKey> = new Set(['allowInsecureHttp', 'profileSelfCreation', 'allowBasicTextKeyStorage', 'exportAllowed', 'crashReporting']);

/**
 * Reads the settings layer from environment variables. Values keep their text form when they are not numbers
 * or booleans (lists are comma-separated), so the schema reports "temperature must be a number" naming the field instead of guessing.
 */
export function settingsFromEnv(env: Readonly<Record<string, string | undefined>>): Record<string, unknown> {
  const layer: Record<string, unknown> = {};
  for (const [key, variable] of Object.entries(SETTINGS_ENV_VARS) as [SettingKey, string][]) {
    const raw = env[variable];
    if (raw === undefined || raw === '') continue;
    if (NUMERIC.has(key)) layer[key] = raw.trim() !== '' && Number.isFinite(Number(raw)) ? Number(raw) : raw;
    else if (BOOLEAN.has(key)) layer[key] = raw === 'true' ? true : raw === 'false' ? false : raw;
    else if (key === 'llmFallbackUrls') layer[key] = raw.split(',').map((url) => url.trim()).filter(Boolean);
    // PEM blocks one after another (a PEM holds commas and newlines, so no separator is needed or safe).
    else if (key === 'extraCaCertificates') layer[key] = pemBlocks(raw);
    else layer[key] = raw;
  }
  return layer;
}
