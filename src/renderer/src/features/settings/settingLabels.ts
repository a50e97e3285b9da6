import type { SettingsView } from '../../../../shared/settings';

type ViewKey = keyof SettingsView['values'];

/** A setting as the screen lists it: its label, the policy key that locks it, and its value as text. */
export interface SettingRow {
  readonly key: ViewKey;
  /** The setting's name in the policy (`llmApiKey` for `llmApiKeySet`). */
  readonly policyKey: string;
  readonly label: string;
  readonly value: string;
  /** Whether IT's loaded policy sets it (and so locks it); false for every row when no policy is loaded. */
  readonly setByPolicy: boolean;
}

const LABELS: Partial<Record<ViewKey, string>> = {
  llmBaseUrl: 'Model server address',
  llmApiKeySet: 'Model server key',
  model: 'Model',
  temperature: 'Temperature',
  maxOutputTokens: 'Longest answer (tokens)',
  requestTimeoutMs: 'Answer timeout',
  maxRetries: 'Retries before an answer starts',
  allowInsecureHttp: 'Unencrypted connection to another machine',
  llmFallbackUrls: 'Fallback model servers',
  contextLength: 'Context length (tokens)',
  contextMarginTokens: 'Context margin (tokens)',
  maxConcurrentModelRequests: 'Model requests at once',
  sessionIdleTimeoutMs: 'Live session idle timeout',
  sessionAbsoluteTimeoutMs: 'Live session maximum age',
  maxLiveSessions: 'Live sessions in memory',
  sessionQueueWaitMs: 'Wait behind a running answer',
  retentionDays: 'Sessions kept for',
  idleLockMinutes: 'Lock after inactivity',
  profileSelfCreation: 'Clinicians may create profiles',
  allowBasicTextKeyStorage: 'Keys without an OS keyring (Linux)',
  recoveryKeyConfigured: 'Passphrase recovery by IT',
  theme: 'Theme',
  exportAllowed: 'Session export',
  extraCaCount: 'Extra certificate authorities for the model and sync servers',
  syncServerUrl: 'Clinic sync server',
  syncWorkstationLabel: 'This workstation’s name for colleagues',
  syncPullIntervalSeconds: 'Sync safety-net check',
  updates: 'Automatic updates',
  crashReporting: 'Crash reports sent off the workstation',
};

const POLICY_KEY: Partial<Record<ViewKey, string>> = {
  llmApiKeySet: 'llmApiKey',
  recoveryKeyConfigured: 'recoveryPublicKey',
  extraCaCount: 'extraCaCertificates',
};

function duration(ms: number): string {
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000} h`;
  if (ms % 60_000 === 0) return `${ms / 60_000} min`;
  return `${ms / 1000} s`;
}

function valueText(key: ViewKey, value: unknown): string {
  // No sync server is how sync is off: say so rather than "null" (`npm start` runs without one).
  if (key === 'syncServerUrl') return value === null ? 'none: sync is off on this workstation' : String(value);
  if (key === 'syncWorkstationLabel' && value === '') return 'the computer’s name';
  if (key === 'syncPullIntervalSeconds') return `every ${String(value)} s`;
  if (key === 'llmApiKeySet' || key === 'recoveryKeyConfigured') return value === true ? 'configured' : 'not configured';
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  if (Array.isArray(value)) return value.length === 0 ? 'none' : value.join(', ');
  if (typeof value === 'number' && key.endsWith('Ms')) return duration(value);
  if (key === 'retentionDays') return `${String(value)} days`;
  if (key === 'idleLockMinutes') return `${String(value)} min`;
  if (key === 'extraCaCount') return value === 0 ? 'none (the OS trust store only)' : `${String(value)} (and the OS trust store)`;
  if (value === '') return key === 'model' ? 'first model the server lists' : 'not set';
  return String(value);
}

/**
 * Every setting the page may see, in a stable order, with readable labels and values, each marked when IT's policy
 * sets it. A setting added to the view
 * later still shows (under its own name) until it gets a label here.
 */
export function settingRows(view: SettingsView): SettingRow[] {
  return (Object.keys(view.values) as ViewKey[]).map((key) => ({
    key,
    policyKey: POLICY_KEY[key] ?? key,
    label: LABELS[key] ?? key,
    value: valueText(key, view.values[key]),
    // Main lists exactly the keys the policy file sets (resolveSettings); nothing else is IT's.
    setByPolicy: view.lockedByPolicy.includes(POLICY_KEY[key] ?? key),
  }));
}
