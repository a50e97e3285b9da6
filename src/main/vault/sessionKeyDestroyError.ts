import { AppError } from '../../shared/errors';

/** ` (ENOSPC)` for a system error, so IT can tell a full disk from a permission problem; '' for anything else. */
function systemCodeOf(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  return typeof code === 'string' && /^E[A-Z0-9]+$/.test(code) ? ` (${code})` : '';
}

/**
 * Destroying session keys failed because the key store could not be written. Nothing was forgotten: the keys are
 * still kept and usable, still listed, not shredded — so the caller can say so and try again. The message names
 * how many keys and the system's error code, never a session's content.
 */
export class SessionKeyDestroyError extends AppError {
  constructor(
    readonly sessionIds: readonly string[],
    override readonly cause: unknown,
  ) {
    const what = sessionIds.length === 1 ? 'The session key' : `${sessionIds.length} session keys`;
    const kept = sessionIds.length === 1 ? 'It is' : 'They are';
    super('STORAGE_FAILED', `${what} could not be destroyed: the key store could not be written${systemCodeOf(cause)}. ${kept} still kept; try again, or ask IT if it keeps failing.`);
  }
}
