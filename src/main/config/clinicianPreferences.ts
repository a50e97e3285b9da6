/**
 * The clinician's personal preferences while the app runs: what `settings.set` changes. Only the allow-listed keys
 * (userSettings.ts) can change, and never one the policy locks; the rest of the settings are fixed at start-up.
 */
import { AppError } from '../../shared/errors';
import type { Settings, SettingsUpdate } from '../../shared/settings';
import { errorKind, type Logger } from '../core/logger';
import type { ResolvedSettings } from './resolveSettings';
import { isUserSettable, writeUserSettings } from './userSettings';

/** The effective settings, with preference changes applied. */
export interface ClinicianPreferences {
  /** The effective settings now. */
  current(): Settings;
  /**
   * Applies `update` and saves it to the clinician's settings file (atomically) before it takes effect, so what the
   * screen shows is what the next start reads. Refuses a locked or non-preference key with `FORBIDDEN`, naming it.
   * Calls are serialized: two quick changes are written in order.
   */
  update(update: SettingsUpdate): Promise<Settings>;
}

/**
 * Builds the preferences over the resolved settings. `userSettingsPath` null (the browser harness) keeps changes
 * in memory for this run only.
 */
export function createClinicianPreferences(resolved: ResolvedSettings, userSettingsPath: string | null, logger: Logger): ClinicianPreferences {
  let settings = resolved.settings;
  let queue: Promise<unknown> = Promise.resolve();
  return {
    current: () => settings,
    update(update) {
      const run = async (): Promise<Settings> => {
        for (const key of Object.keys(update)) {
          if (resolved.lockedByPolicy.includes(key as keyof Settings)) {
            throw new AppError('FORBIDDEN', `${key} is set by your IT department's policy and cannot be changed here.`);
          }
          if (!isUserSettable(key)) throw new AppError('FORBIDDEN', `${key} can only be set by your IT department's policy.`);
        }
        if (userSettingsPath !== null) {
          try {
            await writeUserSettings(userSettingsPath, update);
          } catch (error) {
            logger.error('settings.save-failed', { kind: errorKind(error) });
            throw new AppError('INTERNAL', 'Your preference could not be saved. Please try again; if it keeps failing, tell IT.');
          }
        }
        settings = { ...settings, ...update };
        return settings;
      };
      const result = queue.then(run, run);
      queue = result.catch(() => undefined);
      return result;
    },
  };
}
