import { readFile } from 'node:fs/promises';
import { ConfigError } from '../core/configError';
import { settingsFromEnv } from './envSettings';
import { readPolicyFile, systemPolicyPath } from './policyFile';
import type { WindowsSystemCommands } from './windows/systemCommands';
import { resolveSettings, type BuildMode, type ResolvedSettings, type SettingsSource } from './resolveSettings';

/** Where settings come from on this run. */
export interface SettingsLocations {
  readonly mode: BuildMode;
  /** The clinician's own settings file (JSON); absent is fine. */
  readonly userSettingsPath: string | null;
  /** `--policy <file>` (development and harness builds only). */
  readonly policyArgument: string | null;
  /** Read for settings in development and harness builds only; never for where the policy is. */
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly platform: NodeJS.Platform;
  /** How the Windows policy checks reach the OS; the real one unless a test passes recorded outputs. */
  readonly windows?: WindowsSystemCommands;
}

/**
 * Reads every source for this build and resolves them. Release builds read the IT policy at its system path
 * (admin-owned, optional) and ignore the environment and `--policy`; development and harness builds read the
 * environment and, when given, `--policy <file>`.
 */
export async function loadSettings(locations: SettingsLocations): Promise<ResolvedSettings & { policyPath: string | null }> {
  const user = locations.userSettingsPath ? await readUserSettings(locations.userSettingsPath) : null;
  const isRelease = locations.mode === 'release';
  if (isRelease && locations.policyArgument) {
    throw new ConfigError(['--policy is for development builds; release builds read the policy at its system path']);
  }
  const policyPath = isRelease ? await systemPolicyPath(locations.platform, locations.windows) : locations.policyArgument;
  const policyValues = policyPath
    ? await readPolicyFile(policyPath, {
        optional: isRelease,
        requireAdminOwned: isRelease,
        platform: locations.platform,
        ...(locations.windows ? { windows: locations.windows } : {}),
      })
    : null;
  const env: SettingsSource | null = isRelease ? null : { name: 'environment', values: settingsFromEnv(locations.env) };
  const resolved = resolveSettings(locations.mode, {
    user,
    env,
    policy: policyValues && policyPath ? { name: `policy ${policyPath}`, values: policyValues } : null,
  });
  return { ...resolved, policyPath: policyValues ? policyPath : null };
}

async function readUserSettings(path: string): Promise<SettingsSource | null> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new ConfigError([`user settings ${path}: cannot be read (${(error as NodeJS.ErrnoException).code ?? 'unknown error'})`]);
  }
  try {
    return { name: `user settings ${path}`, values: JSON.parse(text) as unknown };
  } catch {
    throw new ConfigError([`user settings ${path}: is not valid JSON`]);
  }
}
