import { open, rename } from 'node:fs/promises';
import { dirname } from 'node:path';

/**
 * Appends `data` to `path` (creating it) and syncs it to disk before returning. When `cutBackTo` is given and
 * the file is longer, the file is first cut back to that size: it removes the torn remains of an earlier append
 * that failed half-way, which would otherwise glue itself to this line. Returns the file's size afterwards.
 */
export async function appendDurably(path: string, data: string, cutBackTo?: number): Promise<number> {
  // Owner-only, like the rest of main's data folder: the log names who opened what, and when.
  const handle = await open(path, 'a', 0o600);
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
 * Replaces `path` with `data` atomically: a reader sees the old contents or the new, never a mix, even across a
 * crash (write a temporary file, sync it, rename it over the old one, sync the folder so the rename persists).
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  const temp = `${path}.tmp`;
  const handle = await open(temp, 'w', 0o600);
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(temp, path);
  await syncDirectory(dirname(path));
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
