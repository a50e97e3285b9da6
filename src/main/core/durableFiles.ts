/**
 * Durable files in main's data folder — the key stores, the profiles, the audit log: atomic replacement, durable
 * appends, reads that tell "absent" from "damaged". One place, so every file main keeps follows the same rules
 * (owner-only modes, fsync before rename, folder synced after).
 */
import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { z } from 'zod';
import { formatIssues } from '../../shared/formatIssues';

/** Owner read/write only: key files are nobody else's business, even wrapped. */
export const PRIVATE_FILE_MODE = 0o600;
/** Owner only, for the folders that hold them. */
export const PRIVATE_DIR_MODE = 0o700;

/**
 * Replaces `path` with `data` atomically: writes a temporary file in the same folder (mode 0600), flushes it to
 * disk, renames it over the target and flushes the folder. A crash leaves either the old file or the new one,
 * never a torn mix — which matters most for key files, where a torn write loses every key in it.
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  const dir = dirname(path);
  await mkdir(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  // One temporary name per file: every caller serializes its writes to a file, and a temp file left by a crash
  // is simply overwritten by the next write.
  const temp = `${path}.tmp`;
  try {
    const handle = await open(temp, 'w', PRIVATE_FILE_MODE);
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, path);
  } catch (error) {
    // Clean up best-effort; the error worth reporting is the write's, not the clean-up's.
    await rm(temp, { force: true }).catch(() => undefined);
    throw error;
  }
  await syncDirectory(dir);
}

/** Reads `path` as UTF-8, or returns null when it does not exist. */
export async function readFileIfExists(path: string): Promise<string | null> {
  return (await readBytesIfExists(path))?.toString('utf8') ?? null;
}

/** Reads `path`'s bytes, or returns null when it does not exist. */
export async function readBytesIfExists(path: string): Promise<Buffer | null> {
  try {
    return await readFile(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

/**
 * Reads a JSON file and checks it against `schema`: the parsed value, or null when the file does not exist yet.
 * Damage is never read as "empty": `fail(problem)` builds the error to throw (the problem names the field, never
 * a value).
 */
export async function readJsonFile<T>(path: string, schema: z.ZodType<T>, fail: (problem: string) => Error): Promise<T | null> {
  const text = await readFileIfExists(path);
  if (text === null) return null;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw fail('it is not valid JSON');
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) throw fail(formatIssues(parsed.error));
  return parsed.data;
}

/**
 * Appends `data` to `path` (creating it) and syncs it to disk before returning. When `cutBackTo` is given and
 * the file is longer, the file is first cut back to that size: it removes the torn remains of an earlier append
 * that failed half-way, which would otherwise glue itself to this line. Returns the file's size afterwards.
 */
export async function appendDurably(path: string, data: string, cutBackTo?: number): Promise<number> {
  // Owner-only, like the rest of main's data folder: the log names who opened what, and when.
  const handle = await open(path, 'a', PRIVATE_FILE_MODE);
  try {
    const before = (await handle.stat()).size;
    if (cutBackTo !== undefined && before > cutBackTo) await handle.truncate(cutBackTo);
    const bytes = Buffer.from(data, 'utf8');
    // O_APPEND: the write lands at the end whatever the position argument says.
    const { bytesWritten } = await handle.write(bytes, 0, bytes.length);
    if (bytesWritten !== bytes.length) throw new Error(`short write (${bytesWritten} of ${bytes.length} bytes)`);
    await handle.sync();
    const after = (await handle.stat()).size;
    // The first line may have just created the file: make its folder entry durable too.
    if (before === 0) await syncDirectory(dirname(path));
    return after;
  } finally {
    await handle.close();
  }
}

/** Cuts `path` back to `size` bytes and syncs it. */
export async function truncateDurably(path: string, size: number): Promise<void> {
  const handle = await open(path, 'r+');
  try {
    await handle.truncate(size);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Syncs a folder so that files created or renamed in it survive a crash. Windows cannot open a folder for
 * syncing (NTFS journals the change itself), and some file systems refuse the call; both are not errors.
 */
export async function syncDirectory(dir: string): Promise<void> {
  if (process.platform === 'win32') return;
  let handle;
  try {
    handle = await open(dir, 'r');
    await handle.sync();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'EINVAL' && code !== 'ENOTSUP' && code !== 'EISDIR' && code !== 'EPERM') throw error;
  } finally {
    await handle?.close();
  }
}
