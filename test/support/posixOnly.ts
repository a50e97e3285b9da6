import { it } from 'vitest';

/** Why the POSIX-permission tests cannot run on Windows, printed as the skipped test's name there. */
export const POSIX_ONLY_REASON = 'skipped on Windows: POSIX file mode and owner checks do not exist there (the policy folder is protected by NTFS ACLs)';

/**
 * `it` for tests that need POSIX (file modes and ownership by default). On Windows the test is skipped with `reason`
 * in its name, so the run says why it did not run instead of skipping silently.
 */
export function itOnPosix(name: string, run: () => Promise<void> | void, reason: string = POSIX_ONLY_REASON): void {
  if (process.platform === 'win32') it.skip(`${name} — ${reason}`, run);
  else it(name, run);
}
