/**
 * A profile's pull cursor: the server-assigned change number after which the next pull starts (never a wall-clock
 * time). Written atomically after the pulled page was handed on, so a crash re-pulls a page (harmless: items carry
 * versions) rather than skipping one.
 */
import { formatIssues } from '../../../shared/formatIssues';
import { CursorFile, OUTBOX_FORMAT } from './outboxFormat';
import { SyncStateFileError, durableSyncStateFiles, type SyncStateFiles } from './outboxFiles';

/**
 * The change number to pull after: 0 when no cursor was written yet. Throws {@link SyncStateFileError} on damage; the
 * caller may then start again from 0 with {@link writeSyncCursor} — a full pull is always safe, only slower.
 */
export async function readSyncCursor(path: string, files: SyncStateFiles = durableSyncStateFiles): Promise<number> {
  const text = await files.read(path);
  if (text === null) return 0;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new SyncStateFileError(path, 'it is not valid JSON');
  }
  const parsed = CursorFile.safeParse(json);
  if (!parsed.success) throw new SyncStateFileError(path, formatIssues(parsed.error));
  return parsed.data.after;
}

/** Stores `after` as the cursor, atomically (0 after a `resync` answer). */
export async function writeSyncCursor(path: string, after: number, files: SyncStateFiles = durableSyncStateFiles): Promise<void> {
  const contents: CursorFile = CursorFile.parse({ f: OUTBOX_FORMAT, after });
  await files.replace(path, `${JSON.stringify(contents)}\n`);
}
