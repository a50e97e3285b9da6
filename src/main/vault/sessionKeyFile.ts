import { z } from 'zod';
import { AppError } from '../../shared/errors';
import { formatIssues } from '../../shared/formatIssues';
import { appendDurably, readFileIfExists, readJsonFile, truncateDurably, writeFileAtomic } from '../core/durableFiles';

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
  /** Bumped by every full rewrite; journal lines of another generation are stale (see {@link readSessionKeyState}). */
  generation: z.number().int().nonnegative().default(0),
  entries: z.array(SessionKeyEntry),
});

/** One change since the last full rewrite: a new session's key, or a new last-turn time. */
export const SessionKeyJournalOp = z.discriminatedUnion('op', [
  z.strictObject({ g: z.number().int().nonnegative(), op: z.literal('put'), entry: SessionKeyEntry }),
  z.strictObject({ g: z.number().int().nonnegative(), op: z.literal('touch'), sessionId: SessionKeyEntry.shape.sessionId, lastTurnAt: z.iso.datetime() }),
]);
/** A journal change as the store queues it (the generation is stamped when it is written). */
export type SessionKeyChange =
  | { readonly op: 'put'; readonly entry: SessionKeyEntry }
  | { readonly op: 'touch'; readonly sessionId: string; readonly lastTurnAt: string };

/** The key store file exists but cannot be used. Never treated as empty: that would shred every session. */
export class KeyStoreFileError extends AppError {
  constructor(path: string, problem: string) {
    super('INTERNAL', `The session key store ${path} cannot be used: ${problem}. Restore it from a backup or ask IT.`);
  }
}

/** The journal beside the key store file: `session-keys.journal` for `session-keys.json`. */
export function journalPathOf(path: string): string {
  return path.replace(/\.json$/, '') + '.journal';
}

/** What is on disk: the entries after replaying the journal, and what the store needs to go on writing. */
export interface SessionKeyState {
  readonly entries: SessionKeyEntry[];
  /** The generation of the full file; the journal's lines of this generation were replayed. */
  readonly generation: number;
  /** Journal lines replayed. */
  readonly journalLines: number;
  /**
   * True when the journal holds what must not stay on disk: a torn last line (a write cut short by a crash, never
   * acknowledged) or lines of an earlier generation (a rewrite finished but the journal was not emptied — they may
   * hold keys that were destroyed since). The store rewrites the file and empties the journal at once.
   */
  readonly needsRewrite: boolean;
}

/**
 * Reads the key store at `path` — the full file, then its journal's changes of the same generation — or an empty
 * store when neither exists. Throws {@link KeyStoreFileError} when something cannot be used (a damaged file, a
 * damaged line other than a torn last one, a session twice): it is never silently treated as empty.
 */
export async function readSessionKeyState(path: string): Promise<SessionKeyState> {
  const data = await readJsonFile(path, SessionKeyFileSchema, (problem) => new KeyStoreFileError(path, problem));
  const generation = data?.generation ?? 0;
  const byId = new Map<string, SessionKeyEntry>();
  for (const entry of data?.entries ?? []) {
    if (byId.has(entry.sessionId)) throw new KeyStoreFileError(path, `session ${entry.sessionId} appears twice`);
    byId.set(entry.sessionId, entry);
  }
  const journalPath = journalPathOf(path);
  const journal = await readFileIfExists(journalPath);
  let journalLines = 0;
  let needsRewrite = false;
  if (journal) {
    const lines = journal.split('\n');
    // Everything after the last newline was never fully written, so never acknowledged.
    if ((lines.pop() ?? '') !== '') needsRewrite = true;
    for (const [index, line] of lines.entries()) {
      let json: unknown;
      try {
        json = JSON.parse(line);
      } catch {
        throw new KeyStoreFileError(journalPath, `line ${index + 1} is not valid JSON`);
      }
      const parsed = SessionKeyJournalOp.safeParse(json);
      if (!parsed.success) throw new KeyStoreFileError(journalPath, `line ${index + 1}: ${formatIssues(parsed.error)}`);
      const change = parsed.data;
      if (change.g !== generation) {
        needsRewrite = true;
        continue;
      }
      journalLines += 1;
      if (change.op === 'put') {
        if (byId.has(change.entry.sessionId)) throw new KeyStoreFileError(journalPath, `session ${change.entry.sessionId} appears twice`);
        byId.set(change.entry.sessionId, change.entry);
      } else {
        const entry = byId.get(change.sessionId);
        if (entry) byId.set(change.sessionId, { ...entry, lastTurnAt: change.lastTurnAt });
      }
    }
  }
  return { entries: [...byId.values()], generation, journalLines, needsRewrite };
}

/**
 * Replaces the key store at `path` with `entries` as generation `generation`, atomically, then empties the journal:
 * afterwards no file holds a key that is not in `entries`. A crash between the two steps leaves journal lines of
 * the previous generation, which the next load skips and clears.
 */
export async function writeSessionKeyFile(path: string, entries: readonly SessionKeyEntry[], generation = 0): Promise<void> {
  await writeFileAtomic(path, `${JSON.stringify({ format: FILE_FORMAT, generation, entries }, null, 2)}\n`);
  try {
    await truncateDurably(journalPathOf(path), 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}

/** Appends `changes` to the journal of `path` as generation `generation`, synced before it resolves. */
export async function appendSessionKeyChanges(path: string, changes: readonly SessionKeyChange[], generation: number): Promise<void> {
  if (changes.length === 0) return;
  const text = changes.map((change) => `${JSON.stringify({ g: generation, ...change })}\n`).join('');
  await appendDurably(journalPathOf(path), text);
}

/** Reads only the entries (the bench and tools); see {@link readSessionKeyState}. */
export async function readSessionKeyFile(path: string): Promise<SessionKeyEntry[]> {
  return (await readSessionKeyState(path)).entries;
}
