import { randomUUID } from 'node:crypto';
import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { z } from 'zod';
import { formatIssues } from '../../shared/formatIssues';

/** Owner read/write only: key files are nobody else's business, even wrapped. */
export const PRIVATE_FILE_MODE = 0o600;
/** Owner only, for the folders that hold them. */
export const PRIVATE_DIR_MODE = 0o700;

/**
 * Replaces `path` with `text` atomically: writes a temporary file in the same folder (mode 0600), flushes it to
 * disk, renames it over the target and flushes the folder. A crash leaves either the old file or the new one,
 * never a torn mix — which matters most for key files, where a torn write loses every key in it.
 */
export async function writeFileAtomic(path: string, text: string): Promise<void> {
  const dir = dirname(path);
  await mkdir(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  const temp = join(dir, `.${basename(path)}.${randomUUID()}.tmp`);
  try {
    const handle = await open(temp, 'wx', PRIVATE_FILE_MODE);
    try {
      await handle.writeFile(text, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
  await syncDirectory(dir);
}

/** Reads `path` as UTF-8, or returns null when it does not exist. */
export async function readFileIfExists(path: string): Promise<string | null> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

/** Makes the rename durable on POSIX. Windows cannot open a folder for syncing; NTFS journals the rename. */
async function syncDirectory(dir: string): Promise<void> {
  if (process.platform === 'win32') return;
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
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
