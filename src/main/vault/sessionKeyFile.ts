import { z } from 'zod';
import { AppError } from '../../shared/errors';
import { readJsonFile, writeFileAtomic } from '../storage/durableFiles';

/** File name of the session key store inside main's vault folder. */
export const SESSION_KEYS_FILE = 'session-keys.json';

/** Version of the key store file layout. */
const FILE_FORMAT = 1;

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** One session's key as stored: wrapped by its owner's profile data key, with no patient data beside it. */
export const SessionKeyEntry = z.strictObject({
  sessionId: z.string().regex(UUID_V4, { error: 'sessionId must be a lower-case UUID v4' }),
  ownerId: z.string().min(1).max(64),
  /** Base64 of IV ‖ AES-GCM(session key) ‖ tag under the owner's data key; see `wrapAesKey`. */
  wrappedKey: z.string().min(1).max(256),
  lastTurnAt: z.iso.datetime(),
});
/** @see SessionKeyEntry */
export type SessionKeyEntry = z.infer<typeof SessionKeyEntry>;

const SessionKeyFileSchema = z.strictObject({
  format: z.literal(FILE_FORMAT),
  entries: z.array(SessionKeyEntry),
});

/** The key store file exists but cannot be used. Never treated as empty: that would shred every session. */
export class KeyStoreFileError extends AppError {
  constructor(path: string, problem: string) {
    super('INTERNAL', `The session key store ${path} cannot be used: ${problem}. Restore it from a backup or ask IT.`);
  }
}

/** Reads the key store at `path`: its entries, or none when the file does not exist yet. */
export async function readSessionKeyFile(path: string): Promise<SessionKeyEntry[]> {
  const data = await readJsonFile(path, SessionKeyFileSchema, (problem) => new KeyStoreFileError(path, problem));
  if (data === null) return [];
  const parsed = { data };
  const seen = new Set<string>();
  for (const entry of parsed.data.entries) {
    if (seen.has(entry.sessionId)) throw new KeyStoreFileError(path, `session ${entry.sessionId} appears twice`);
    seen.add(entry.sessionId);
  }
  return parsed.data.entries;
}

/** Replaces the key store at `path` with `entries`, atomically. */
export function writeSessionKeyFile(path: string, entries: readonly SessionKeyEntry[]): Promise<void> {
  return writeFileAtomic(path, `${JSON.stringify({ format: FILE_FORMAT, entries }, null, 2)}\n`);
}
