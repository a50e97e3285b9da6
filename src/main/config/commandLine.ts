import { parseArgs } from 'node:util';

/** Options the app takes on its command line (Chromium's own switches are ignored). */
export interface CommandLineOptions {
  /** `--policy <file>`: a policy file for development builds. */
  readonly policy: string | null;
  /**
   * `--remove-profile <profile id>`: IT removes a departed clinician's profile (and, by destroying its keys, all
   * its history) and the app exits without opening a window.
   */
  readonly removeProfile: string | null;
}

/** Reads the app's options from `argv`, tolerating everything else Electron and Chromium put there. */
export function parseCommandLine(argv: readonly string[]): CommandLineOptions {
  const { values } = parseArgs({
    args: [...argv],
    options: { policy: { type: 'string' }, 'remove-profile': { type: 'string' } },
    strict: false,
    allowPositionals: true,
  });
  const removeProfile = values['remove-profile'];
  return {
    policy: typeof values.policy === 'string' ? values.policy : null,
    removeProfile: typeof removeProfile === 'string' ? removeProfile : null,
  };
}
