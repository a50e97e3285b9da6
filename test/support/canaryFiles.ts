import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

/** Every regular file below `dir`, recursively (symlinks and sockets, e.g. Chromium's Singleton*, are not followed). */
export async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const nested = await Promise.all(
    entries.map(async (entry) => {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) return filesUnder(path);
      return entry.isFile() ? [path] : [];
    }),
  );
  return nested.flat();
}

/**
 * Files below `dirs` whose bytes hold `canary` in UTF-8 or UTF-16 (little or big endian): the proof that no
 * patient text lies on disk in clear (check 20) — IndexedDB's LevelDB and Chromium's caches store strings in both.
 */
export async function filesContaining(dirs: readonly string[], canary: string): Promise<string[]> {
  const needles = [Buffer.from(canary, 'utf8'), Buffer.from(canary, 'utf16le'), Buffer.from(canary, 'utf16le').swap16()];
  const hits: string[] = [];
  for (const dir of dirs) {
    for (const file of await filesUnder(dir)) {
      const bytes = await readFile(file);
      if (needles.some((needle) => bytes.includes(needle))) hits.push(file);
    }
  }
  return hits;
}
