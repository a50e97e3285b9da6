/**
 * The clinician's own settings file (`settings.json` in the app's user-data folder): which keys it may hold, and
 * writing it. Only personal preferences ({@link USER_SETTABLE_KEYS}) belong there; everything that touches
 * security, privacy or clinical output is IT's and comes only from the policy (or, in development, the environment).
 */
import { SettingsFields, SettingsUpdate, USER_SETTABLE_KEYS, type SettingKey, type UserSettableKey } from '../../shared/settings';
import { formatIssues } from '../../shared/formatIssues';
import { readFileIfExists, writeFileAtomic } from '../core/durableFiles';
import { ConfigError } from '../core/configError';

const USER_SETTABLE: ReadonlySet<string> = new Set(USER_SETTABLE_KEYS);
const KNOWN: ReadonlySet<string> = new Set(Object.keys(SettingsFields.shape));

/** True when a clinician may set `key` (before any policy lock). */
export function isUserSettable(key: string): key is UserSettableKey {
  return USER_SETTABLE.has(key);
}

/**
 * One problem per known setting in a user settings layer that a clinician may not set, naming the key. Unknown
 * keys are left to the schema ("unknown setting"), so a typo still reads as a typo.
 */
export function forbiddenUserKeys(values: unknown): string[] {
  if (typeof values !== 'object' || values === null || Array.isArray(values)) return [];
  return Object.keys(values)
    .filter((key) => KNOWN.has(key) && !USER_SETTABLE.has(key))
    .map((key) => `${key}: may be set only by IT policy, not in a clinician's settings (allowed there: ${USER_SETTABLE_KEYS.join(', ')})`);
}

/** The keys a clinician may change now: the allow-list minus what the policy locks. */
export function userSettableNow(lockedByPolicy: readonly SettingKey[]): UserSettableKey[] {
  return USER_SETTABLE_KEYS.filter((key) => !lockedByPolicy.includes(key));
}

/**
 * Merges `update` into the settings file at `path` and replaces it atomically (a crash leaves the old file or the
 * new one). Keys already in the file that the allow-list no longer accepts are dropped rather than written back.
 * Throws {@link ConfigError} when the file exists but is not a JSON object (it is not overwritten then: the
 * clinician or IT may want to see what is in it).
 */
export async function writeUserSettings(path: string, update: SettingsUpdate): Promise<void> {
  const parsedUpdate = SettingsUpdate.safeParse(update);
  if (!parsedUpdate.success) throw new ConfigError([`user settings ${path}: ${formatIssues(parsedUpdate.error)}`]);
  const text = await readFileIfExists(path);
  let current: Record<string, unknown> = {};
  if (text !== null && text.trim() !== '') {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new ConfigError([`user settings ${path}: is not valid JSON`]);
    }
    if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new ConfigError([`user settings ${path}: must be a JSON object`]);
    current = Object.fromEntries(Object.entries(json).filter(([key]) => USER_SETTABLE.has(key)));
  }
  await writeFileAtomic(path, `${JSON.stringify({ ...current, ...parsedUpdate.data }, null, 2)}\n`);
}
