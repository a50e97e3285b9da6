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
  /**
   * `--recover-profile <profile id> --recovery-key <private key PEM file>`: IT sets a new passphrase for a
   * clinician who forgot theirs, with the recovery private key matching the policy's `recoveryPublicKey`. The new
   * passphrase is read from standard input (one line), never from the command line.
   */
  readonly recoverProfile: { readonly profileId: string; readonly privateKeyFile: string } | null;
  /**
   * `--validate-policy <file>`: IT checks a policy file (every problem, one per line) and the app exits without a
   * window: 0 valid, 2 invalid. Handled before start-up so a broken system policy cannot block the check.
   */
  readonly validatePolicy: string | null;
}

/** Reads the app's options from `argv`, tolerating everything else Electron and Chromium put there. */
export function parseCommandLine(argv: readonly string[]): CommandLineOptions {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      policy: { type: 'string' },
      'remove-profile': { type: 'string' },
      'recover-profile': { type: 'string' },
      'recovery-key': { type: 'string' },
      'validate-policy': { type: 'string' },
    },
    strict: false,
    allowPositionals: true,
  });
  const removeProfile = values['remove-profile'];
  const recoverProfile = values['recover-profile'];
  const recoveryKey = values['recovery-key'];
  const validatePolicy = values['validate-policy'];
  return {
    policy: typeof values.policy === 'string' ? values.policy : null,
    removeProfile: typeof removeProfile === 'string' ? removeProfile : null,
    recoverProfile:
      typeof recoverProfile === 'string' && typeof recoveryKey === 'string' ? { profileId: recoverProfile, privateKeyFile: recoveryKey } : null,
    validatePolicy: typeof validatePolicy === 'string' ? validatePolicy : null,
  };
}
