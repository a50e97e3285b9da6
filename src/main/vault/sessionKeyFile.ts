import { basename } from 'node:path';
import { AppError } from '../../shared/errors';
import { formatIssues } from '../../shared/formatIssues';
import { appendDurably, readFileIfExists, truncateDurably, writeFileAtomic } from '../core/durableFiles';
import {
  SESSION_KEY_FILE_FORMAT,
  SessionKeyFileContents,
  SessionKeyJournalOp,
  type SessionKeyChange,
  type SessionKeyEntry,
  type ShredEntry,
} from './sessionKeyFileFormat';

/** File name of the session key store inside main's vault folder. */
export const SESSION_KEYS_FILE = 'session-keys.json';

/**
 * The key store cannot be used as it is on disk. Never treated as empty: an empty store would answer "no key" for
 * every session, and nothing is written while this stands, so IT can still restore what was there.
 */
export class KeyStoreFileError extends AppError {
  constructor(path: string, problem: string, advice = 'Restore it from a backup or ask IT.') {
    super('INTERNAL', `The session key store ${path} cannot be used: ${problem}. ${advice}`);
  }
}

/** The journal beside the key store file: `session-keys.journal` for `session-keys.json`. */
export function journalPathOf(path: string): string {
  return path.replace(/\.json$/, '') + '.journal';
}

/** What a full rewrite puts in the key store file. */
export interface SessionKeyContents {
  readonly entries: readonly SessionKeyEntry[];
  readonly shredded: readonly ShredEntry[];
}

/** What is on disk: the entries after replaying the journal, the shred list, and what the store needs to go on writing. */
export interface SessionKeyState extends SessionKeyContents {
  readonly entries: SessionKeyEntry[];
  /** The generation of the full file; the journal's lines of this generation were replayed. */
  readonly generation: number;
  /** Journal lines replayed. */
  readonly journalLines: number;
  /**
   * True when the files must be rewritten before the store goes on: they are not in this build's layout (no file
   * yet, or format 1), or the journal holds what must not stay on disk — a torn last line (a write cut short by a
   * crash, never acknowledged) or lines of an earlier generation (a rewrite finished but the journal was not
   * emptied; they may hold keys that were destroyed since).
   */
  readonly needsRewrite: boolean;
}

/** The complete lines of a journal, checked, and whether a torn last line followed them. */
interface ParsedJournal {
  readonly ops: readonly SessionKeyJournalOp[];
  readonly torn: boolean;
}

/** Reads `path` as text, null when it does not exist; any other failure (EACCES, EISDIR…) refuses the store. */
async function readUnlessMissing(path: string): Promise<string | null> {
  try {
    return await readFileIfExists(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unknown error';
    throw new KeyStoreFileError(path, `it cannot be read (${code})`, 'Check that the app may read it, restore it from a backup, or ask IT.');
  }
}

function parseFile(path: string, text: string): SessionKeyFileContents {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new KeyStoreFileError(path, 'it is not valid JSON');
  }
  const parsed = SessionKeyFileContents.safeParse(json);
  if (!parsed.success) throw new KeyStoreFileError(path, formatIssues(parsed.error));
  return parsed.data;
}

function parseJournal(journalPath: string, text: string): ParsedJournal {
  const lines = text.split('\n');
  // Everything after the last newline was never fully written, so never acknowledged.
  const torn = (lines.pop() ?? '') !== '';
  const ops = lines.map((line, index) => {
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch {
      throw new KeyStoreFileError(journalPath, `line ${index + 1} is not valid JSON`);
    }
    const parsed = SessionKeyJournalOp.safeParse(json);
    if (!parsed.success) throw new KeyStoreFileError(journalPath, `line ${index + 1}: ${formatIssues(parsed.error)}`);
    return parsed.data;
  });
  return { ops, torn };
}

/**
 * True for a journal as older builds left it before their first full rewrite: they appended to the journal before
 * ever writing the file, always as generation 0. This build writes the file (generation 1 or more) before its
 * first journal line, so any other journal without its file — empty, torn only, or of a later generation — means
 * the file was lost.
 */
function isJournalOfOlderBuildBeforeItsFile(journal: ParsedJournal): boolean {
  return journal.ops.length > 0 && journal.ops.every((op) => op.g === 0);
}

function missingFileError(path: string, journalPath: string, journal: ParsedJournal): KeyStoreFileError {
  const count = journal.ops.length;
  const held = count === 0 ? 'exists, so the file was written before' : `holds ${count} ${count === 1 ? 'change' : 'changes'}`;
  return new KeyStoreFileError(
    path,
    `the file is missing while its journal ${basename(journalPath)} ${held}`,
    `Restore ${basename(path)} and ${basename(journalPath)} together from the backup, or ask IT.`,
  );
}

/**
 * Reads the key store at `path` — the full file, then its journal's changes of the same generation. Both files
 * missing is a fresh workstation: an empty store. Throws {@link KeyStoreFileError} when something cannot be used —
 * a file that cannot be read, damage (a bad line other than a torn last one, a session twice, a session both keyed
 * and shredded), or the file missing beside its journal — and then reads nothing further and writes nothing.
 */
export async function readSessionKeyState(path: string): Promise<SessionKeyState> {
  const fileText = await readUnlessMissing(path);
  const journalPath = journalPathOf(path);
  const journalText = await readUnlessMissing(journalPath);
  const journal = journalText === null ? null : parseJournal(journalPath, journalText);
  if (fileText === null && journal !== null && !isJournalOfOlderBuildBeforeItsFile(journal)) throw missingFileError(path, journalPath, journal);

  const data = fileText === null ? null : parseFile(path, fileText);
  // This format is only ever written after its journal: a journal missing beside it was lost (with the keys and
  // last-turn times it held), and starting without it would read them as "key not here" or shred sessions early.
  if (data?.format === SESSION_KEY_FILE_FORMAT && journalText === null) {
    throw new KeyStoreFileError(
      path,
      `its journal ${basename(journalPath)} is missing`,
      `Restore ${basename(path)} and ${basename(journalPath)} together from the backup, or ask IT.`,
    );
  }
  const generation = data?.generation ?? 0;
  const shredded = data?.format === SESSION_KEY_FILE_FORMAT ? data.shredded : [];
  const shreddedIds = new Set(shredded.map((entry) => entry.sessionId));
  const byId = new Map<string, SessionKeyEntry>();
  const keep = (where: string, entry: SessionKeyEntry): void => {
    if (byId.has(entry.sessionId)) throw new KeyStoreFileError(where, `session ${entry.sessionId} appears twice`);
    // The store never keys a shredded session, so both at once is damage, not something to pick a side of.
    if (shreddedIds.has(entry.sessionId)) throw new KeyStoreFileError(where, `session ${entry.sessionId} has a key but is listed as shredded`);
    byId.set(entry.sessionId, entry);
  };
  for (const entry of data?.entries ?? []) keep(path, entry);

  let journalLines = 0;
  let staleLines = false;
  for (const op of journal?.ops ?? []) {
    if (op.g !== generation) {
      staleLines = true;
      continue;
    }
    journalLines += 1;
    if (op.op === 'put') {
      keep(journalPath, op.entry);
      continue;
    }
    const entry = byId.get(op.sessionId);
    if (!entry) continue;
    // A last-turn time only moves forward (see SessionKeyStore.touch).
    if (op.op === 'touch') byId.set(op.sessionId, { ...entry, lastTurnAt: Date.parse(op.lastTurnAt) > Date.parse(entry.lastTurnAt) ? op.lastTurnAt : entry.lastTurnAt });
    else byId.set(op.sessionId, { ...entry, rv: Math.max(entry.rv, op.rv) });
  }
  const needsRewrite = data?.format !== SESSION_KEY_FILE_FORMAT || journal?.torn === true || staleLines;
  return { entries: [...byId.values()], shredded, generation, journalLines, needsRewrite };
}

/**
 * Replaces the key store at `path` with `contents` as generation `generation`, atomically, then empties the
 * journal: afterwards no file holds a key that is not in `contents.entries`. Removing a key and listing it as
 * shredded is therefore one atomic step. A crash between the two steps leaves journal lines of the previous
 * generation, which the next load skips and clears.
 */
export async function writeSessionKeyFile(path: string, contents: SessionKeyContents, generation: number): Promise<void> {
  const file = { format: SESSION_KEY_FILE_FORMAT, generation, entries: contents.entries, shredded: contents.shredded };
  // The journal exists (empty at first) before any file of this format does: from then on a missing journal beside
  // the file means it was lost, never that none was written.
  await appendDurably(journalPathOf(path), '');
  await writeFileAtomic(path, `${JSON.stringify(file, null, 2)}\n`);
  await truncateDurably(journalPathOf(path), 0);
}

/** Appends `changes` to the journal of `path` as generation `generation`, synced before it resolves. */
export async function appendSessionKeyChanges(path: string, changes: readonly SessionKeyChange[], generation: number): Promise<void> {
  if (changes.length === 0) return;
  const text = changes.map((change) => `${JSON.stringify({ g: generation, ...change })}\n`).join('');
  await appendDurably(journalPathOf(path), text);
}

/** How the key store writes its files; a test injects one that fails to show what a failed write leaves. */
export interface SessionKeyFileWriter {
  /** See {@link writeSessionKeyFile}. */
  rewrite(path: string, contents: SessionKeyContents, generation: number): Promise<void>;
  /** See {@link appendSessionKeyChanges}. */
  append(path: string, changes: readonly SessionKeyChange[], generation: number): Promise<void>;
}

/** The real writer: atomic replacement and synced appends in main's data folder. */
export const durableSessionKeyFileWriter: SessionKeyFileWriter = {
  rewrite: writeSessionKeyFile,
  append: appendSessionKeyChanges,
};

/** Reads only the entries (the bench and tools); see {@link readSessionKeyState}. */
export async function readSessionKeyFile(path: string): Promise<SessionKeyEntry[]> {
  return (await readSessionKeyState(path)).entries;
}
