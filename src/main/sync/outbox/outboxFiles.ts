/**
 * Where a profile's sync state lives in main's data folder, and how it is written. The writes go through an
 * interface so a test can make one fail half-way and show what a crash or a full disk leaves.
 */
import { join } from 'node:path';
import { AppError } from '../../../shared/errors';
import { appendDurably, readFileIfExists, writeFileAtomic } from '../../core/durableFiles';

/** Folder of all profiles' sync state inside main's data folder. */
export const SYNC_FOLDER = 'sync';

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/**
 * The outbox, cursor and waiting-records files of `profileId` under `dataDir`. The id is checked: it becomes part of a
 * path.
 */
export function syncPathsOf(
  dataDir: string,
  profileId: string,
): { readonly outbox: string; readonly cursor: string; readonly waiting: string; readonly heads: string } {
  if (!UUID_V4.test(profileId)) throw new TypeError('profile id must be a lower-case UUID v4');
  const folder = join(dataDir, SYNC_FOLDER, profileId);
  return {
    outbox: join(folder, 'outbox.jsonl'),
    cursor: join(folder, 'cursor.json'),
    waiting: join(folder, 'waiting.json'),
    heads: join(folder, 'heads.json'),
  };
}

/** A sync state file cannot be used; never read as empty (what waits to be pushed would be lost unseen). */
export class SyncStateFileError extends AppError {
  constructor(path: string, problem: string) {
    super('INTERNAL', `The sync state file ${path} cannot be used: ${problem}. Restore it from a backup or ask IT.`);
  }
}

/** The file operations the outbox and cursor use. */
export interface SyncStateFiles {
  read(path: string): Promise<string | null>;
  /** Appends and syncs; first cuts the file back to `cutBackTo` (torn remains of a failed append). Returns the size. */
  append(path: string, text: string, cutBackTo?: number): Promise<number>;
  /** Replaces the file atomically (temporary file, fsync, rename, folder fsync). */
  replace(path: string, text: string): Promise<void>;
}

/** The real files: main's durable file rules (owner-only modes, fsync before answering). */
export const durableSyncStateFiles: SyncStateFiles = {
  read: readFileIfExists,
  append: appendDurably,
  replace: writeFileAtomic,
};
