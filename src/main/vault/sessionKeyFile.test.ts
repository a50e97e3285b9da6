import { mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { KeyStoreFileError, readSessionKeyState } from './sessionKeyFile';
import { S1, S2, T0, keyStoreFolder, owner, reasonOf, type KeyStoreFolder } from './testing/sessionKeyStoreSetup';

/** Every file of the folder with its bytes, to show that a refusal changed nothing. */
async function snapshot(dir: string): Promise<Record<string, string>> {
  const names = (await readdir(dir)).sort();
  const files: Record<string, string> = {};
  for (const name of names) files[name] = await readFile(`${dir}/${name}`, 'base64').catch((error: NodeJS.ErrnoException) => `(${error.code})`);
  return files;
}

/** A folder holding two sessions of `alice`, the second only in the journal. */
async function folderWithTwoSessions(): Promise<KeyStoreFolder & { alice: Awaited<ReturnType<typeof owner>> }> {
  const folder = await keyStoreFolder();
  const { store } = await folder.open();
  const alice = await owner('alice');
  await store.create(S1, alice, T0);
  await store.create(S2, alice, T0);
  return { ...folder, alice };
}

describe('session key store files: refusing what would look empty', () => {
  it('refuses to start when the key file is missing beside a journal of changes, and touches neither file', async () => {
    const folder = await folderWithTwoSessions();
    await rm(folder.file);
    const before = await snapshot(folder.dir);

    const refusal = await folder.open().catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(KeyStoreFileError);
    expect((refusal as Error).message).toBe(
      `The session key store ${folder.file} cannot be used: the file is missing while its journal session-keys.journal holds 2 changes. ` +
        'Restore session-keys.json and session-keys.journal together from the backup, or ask IT.',
    );
    expect(await snapshot(folder.dir)).toEqual(before);
  });

  it('refuses the same when the journal is empty: an emptied journal means the file existed', async () => {
    const folder = await folderWithTwoSessions();
    await writeFile(folder.journal, '');
    await rm(folder.file);

    await expect(folder.open()).rejects.toThrow(/the file is missing while its journal session-keys\.journal exists/);
    expect(await readFile(folder.journal, 'utf8')).toBe('');
  });

  it('refuses to start when the journal is missing beside the key file: keys made since the last rewrite would be lost', async () => {
    const folder = await folderWithTwoSessions();
    await rm(`${folder.dir}/session-keys.journal`);
    const before = await snapshot(folder.dir);
    const refusal = await folder.open().catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(KeyStoreFileError);
    expect((refusal as Error).message).toContain('its journal session-keys.journal is missing');
    expect(await snapshot(folder.dir)).toEqual(before);
  });

  it('refuses a key file it cannot read (a folder in its place) and leaves the journal as it was', async () => {
    const folder = await folderWithTwoSessions();
    await rm(folder.file);
    await mkdir(folder.file);
    const before = await snapshot(folder.dir);

    await expect(folder.open()).rejects.toThrow(
      `The session key store ${folder.file} cannot be used: it cannot be read (EISDIR). Check that the app may read it, restore it from a backup, or ask IT.`,
    );
    expect(await snapshot(folder.dir)).toEqual(before);
  });

  it('refuses a file that lists a session both with a key and as shredded', async () => {
    const folder = await folderWithTwoSessions();
    const state = await readSessionKeyState(folder.file);
    const file = { format: 2, generation: 7, entries: state.entries, shredded: [{ sessionId: S1, ownerId: 'alice', day: '2026-11-25' }] };
    await writeFile(folder.file, JSON.stringify(file));

    await expect(folder.open()).rejects.toThrow(`session ${S1} has a key but is listed as shredded`);
  });
});

describe('session key store files: layouts', () => {
  it('starts a fresh workstation empty when both files are missing, and writes both files at once', async () => {
    const folder = await keyStoreFolder();
    const { store } = await folder.open();

    expect(store.list('alice')).toEqual([]);
    expect(JSON.parse(await readFile(folder.file, 'utf8'))).toEqual({ format: 2, generation: 1, entries: [], shredded: [] });
    // Both, the journal empty and first: from now on either one missing is a lost file, never a fresh start.
    expect((await readdir(folder.dir)).sort()).toEqual(['session-keys.journal', 'session-keys.json']);
    expect(await readFile(`${folder.dir}/session-keys.journal`, 'utf8')).toBe('');
  });

  it('loads a format-1 file with its journal (no shred list, no anchors) and writes it as format 2', async () => {
    const folder = await folderWithTwoSessions();
    // The same two keys as an older build kept them: S1 in a format-1 file, S2 in its journal, neither with `rv`.
    const [first, second] = (await readSessionKeyState(folder.file)).entries.map(({ rv: _rv, ...entry }) => entry);
    await writeFile(folder.file, JSON.stringify({ format: 1, generation: 3, entries: [first] }));
    await writeFile(folder.journal, `${JSON.stringify({ g: 3, op: 'put', entry: second })}\n`);

    const { store } = await folder.open();
    expect(await reasonOf(store.keyFor(S1, folder.alice))).toBe('ok');
    expect(await reasonOf(store.keyFor(S2, folder.alice))).toBe('ok');
    expect(store.sessionVersion(S1)).toBe(0);
    const onDisk = JSON.parse(await readFile(folder.file, 'utf8')) as { format: number; entries: { rv: number }[]; shredded: unknown[] };
    expect(onDisk.format).toBe(2);
    expect(onDisk.entries.map((entry) => entry.rv)).toEqual([0, 0]);
    expect(onDisk.shredded).toEqual([]);
    expect(await readFile(folder.journal, 'utf8')).toBe('');
  });

  it('loads the journal an older build kept before its first rewrite (no file, generation 0) and writes format 2', async () => {
    const folder = await folderWithTwoSessions();
    const entries = (await readSessionKeyState(folder.file)).entries.map(({ rv: _rv, ...entry }) => entry);
    await rm(folder.file);
    await writeFile(folder.journal, entries.map((entry) => `${JSON.stringify({ g: 0, op: 'put', entry })}\n`).join(''));

    const { store } = await folder.open();
    expect(await reasonOf(store.keyFor(S1, folder.alice))).toBe('ok');
    expect(await reasonOf(store.keyFor(S2, folder.alice))).toBe('ok');
    expect(JSON.parse(await readFile(folder.file, 'utf8'))).toMatchObject({ format: 2, generation: 1, shredded: [] });
  });
});
