import { parseArgs } from 'node:util';

/** Options the app takes on its command line (Chromium's own switches are ignored). */
export interface CommandLineOptions {
  /** `--policy <file>`: a policy file for development builds. */
  readonly policy: string | null;
}

/** Reads the app's options from `argv`, tolerating everything else Electron and Chromium put there. */
export function parseCommandLine(argv: readonly string[]): CommandLineOptions {
  const { values } = parseArgs({
    args: [...argv],
    options: { policy: { type: 'string' } },
    strict: false,
    allowPositionals: true,
  });
  return { policy: typeof values.policy === 'string' ? values.policy : null };
}
