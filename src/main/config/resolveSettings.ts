import { SETTINGS_DEFAULTS, Settings, SettingsLayer, type SettingKey } from '../../shared/settings';
import { formatIssues } from '../../shared/formatIssues';
import { ConfigError } from '../core/configError';
import { forbiddenUserKeys } from './userSettings';

/** Release builds read only defaults, user settings and the system policy; the others also read env and `--policy`. */
export type BuildMode = 'release' | 'development' | 'harness';

/** One source of settings with a name for error messages. */
export interface SettingsSource {
  /** E.g. `user settings /home/x/.config/…/settings.json`, `environment`, `policy /etc/…/policy.json`. */
  readonly name: string;
  readonly values: unknown;
}

/** The sources, lowest precedence first within each group. */
export interface SettingsSources {
  readonly user?: SettingsSource | null;
  /** Development and harness builds only; ignored in release builds. */
  readonly env?: SettingsSource | null;
  /** The IT policy: it wins over everything and locks what it sets. */
  readonly policy?: SettingsSource | null;
}

/** The effective settings and which of them IT policy locks. */
export interface ResolvedSettings {
  readonly settings: Settings;
  readonly lockedByPolicy: readonly SettingKey[];
  /** The policy file read, if any (for diagnostics: IT checks its path and hash). */
  readonly policyPath?: string | null;
}

/**
 * Layers defaults < user settings (personal preferences only, see userSettings.ts) < environment (non-release) < policy, checking every layer on its own so
 * each problem names where it came from and which field, then checks the merged result (cross-field rules such
 * as "plain http only to loopback"). Throws {@link ConfigError} listing every problem.
 */
export function resolveSettings(mode: BuildMode, sources: SettingsSources): ResolvedSettings {
  const problems: string[] = [];
  const layers: SettingsSource[] = [];
  if (sources.user) layers.push(sources.user);
  if (sources.env && mode !== 'release') layers.push(sources.env);
  if (sources.policy) layers.push(sources.policy);

  let merged: Record<string, unknown> = { ...SETTINGS_DEFAULTS };
  let policyValues: Record<string, unknown> = {};
  for (const layer of layers) {
    // A clinician's file holds personal preferences only: it must not widen what IT's policy leaves unset.
    const forbidden = layer === sources.user ? forbiddenUserKeys(layer.values) : [];
    if (forbidden.length > 0) {
      problems.push(...forbidden.map((problem) => `${layer.name}: ${problem}`));
      continue;
    }
    const parsed = SettingsLayer.safeParse(layer.values);
    if (!parsed.success) {
      problems.push(`${layer.name}: ${formatIssues(parsed.error)}`);
      continue;
    }
    merged = { ...merged, ...parsed.data };
    if (layer === sources.policy) policyValues = parsed.data;
  }
  if (problems.length > 0) throw new ConfigError(problems);

  const effective = Settings.safeParse(merged);
  if (!effective.success) throw new ConfigError([`effective settings: ${formatIssues(effective.error)}`]);
  return { settings: effective.data, lockedByPolicy: Object.keys(policyValues) as SettingKey[] };
}
