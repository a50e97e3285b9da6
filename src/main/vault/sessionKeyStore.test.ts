import { appendFile, readFile, readdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PAYLOAD_FORMAT_VERSION } from '../../shared/vault';
import { GCM_IV_BYTES } from './aesGcm';
import { additionalData } from './encoding';
import { openRecord, sealRecord, type SealedRecordHeader } from './recordCrypto';
import { KeyStoreFileError, journalPathOf, readSessionKeyFile, readSessionKeyState } from './sessionKeyFile';
import { DAY_MS as DAY, S1, S2, S3, T0, keyStoreFolder, owner, reasonOf } from './testing/sessionKeyStoreSetup';
import type { UnlockedOwner } from './unlockedOwner';

const subtle = globalThis.crypto.subtle;

async function setup() {
  const folder = await keyStoreFolder();
  const { store } = await folder.open();
  return {
    dir: folder.dir,
    file: folder.file,
    store,
    reopen: (cutoff: Date | null = null) => folder.open({ retentionCutoff: cutoff }),
  };
}

function header(sessionId: string, ownerId: string): SealedRecordHeader {
  return {
    id: globalThis.crypto.randomUUID(),
    kind: 'turn',
    sessionId,
    ownerId,
    seq: 1,
    parentTurnId: null,
    status: 'complete',
    createdAt: T0.toISOString(),
    updatedAt: T0.toISOString(),
    v: PAYLOAD_FORMAT_VERSION,
    rv: 1,
  };
}

describe('session key store', () => {
  it('keeps each session key wrapped on disk (mode 0600) and gives the same key back after a restart', async () => {
    const { file, store, reopen } = await setup();
    const alice = await owner('alice');
    const key = await store.create(S1, alice, T0);
    const record = await sealRecord(key, header(S1, 'alice'), { answer: 'kept' });

    // A new key goes to the journal first; both files are owner-only.
    expect((await stat(journalPathOf(file))).mode & 0o777).toBe(0o600);
    expect(await readSessionKeyFile(file)).toEqual([{ sessionId: S1, ownerId: 'alice', wrappedKey: expect.any(String), lastTurnAt: T0.toISOString(), rv: 0 }]);
    await store.destroy([S2], T0);
    await store.create(S2, alice, T0);
    await store.destroy([S2], T0);
    expect((await stat(file)).mode & 0o777).toBe(0o600);

    const { store: restarted } = await reopen();
    expect(await openRecord(await restarted.keyFor(S1, alice), record)).toEqual({ answer: 'kept' });
  });

  it('refuses another owner’s session (FORBIDDEN) and an unknown one (SESSION_NOT_FOUND)', async () => {
    const { store } = await setup();
    const alice = await owner('alice');
    const bob = await owner('bob');
    await store.create(S1, alice, T0);
    expect(await reasonOf(store.keyFor(S1, bob))).toBe('FORBIDDEN/other-owner');
    expect(await reasonOf(store.keyFor(S2, alice))).toBe('SESSION_NOT_FOUND/unknown-session');
    expect(await reasonOf(store.create(S1, alice, T0))).toBe('INTERNAL/exists');
  });

  it('does not unwrap an entry with a data key other than its owner’s', async () => {
    const { store } = await setup();
    await store.create(S1, await owner('alice'), T0);
    // Same owner id, another data key (e.g. a profile recreated under the old id): the key does not unwrap.
    expect(await reasonOf(store.keyFor(S1, await owner('alice')))).toBe('INTERNAL/unwrap-failed');
  });

  it('hands out only non-extractable keys, and no output or file holds the key bytes (check 16)', async () => {
    const { file, store } = await setup();
    // A data key the test can also decrypt with, to learn the raw session key and search for it.
    const dataKey = await subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, ['wrapKey', 'unwrapKey', 'decrypt']);
    const alice: UnlockedOwner = { ownerId: 'alice', dataKey };
    const key = await store.create(S1, alice, T0);
    expect(key.extractable).toBe(false);
    expect(key.usages.sort()).toEqual(['decrypt', 'encrypt']);
    await expect(subtle.exportKey('raw', key)).rejects.toThrow();
    expect((await store.keyFor(S1, alice)).extractable).toBe(false);

    const text = await readFile(journalPathOf(file), 'utf8');
    const wrapped = Buffer.from((await readSessionKeyFile(file))[0]!.wrappedKey, 'base64');
    const raw = Buffer.from(
      await subtle.decrypt(
        { name: 'AES-GCM', iv: wrapped.subarray(0, GCM_IV_BYTES), additionalData: additionalData('cpa.session-key', S1, 'alice'), tagLength: 128 },
        dataKey,
        wrapped.subarray(GCM_IV_BYTES),
      ),
    );
    expect(raw.byteLength).toBe(32);
    const record = await sealRecord(key, header(S1, 'alice'), { answer: 'x' });
    const outputs = [text, JSON.stringify(store.list('alice')), JSON.stringify(record), JSON.stringify(key), JSON.stringify(store.expiredBefore(T0))];
    for (const output of outputs) {
      expect(output).not.toContain(raw.toString('base64'));
      expect(output).not.toContain(raw.toString('hex'));
    }
  });

  it('crypto-shreds: after destroy the session key is never given out again (so no copy of its records opens), not even after a restart', async () => {
    const { store, reopen } = await setup();
    const alice = await owner('alice');
    await store.create(S1, alice, T0);
    await store.create(S2, alice, T0);

    expect(await store.destroy([S1, S3], T0)).toEqual([S1]);
    expect(await reasonOf(store.keyFor(S1, alice))).toBe('SESSION_NOT_FOUND/shredded');

    const { store: restarted } = await reopen();
    expect(restarted.has(S1)).toBe(false);
    expect(restarted.has(S2)).toBe(true);
    expect(await reasonOf(restarted.keyFor(S1, alice))).toBe('SESSION_NOT_FOUND/shredded');
  });

  it('finds sessions past retention for every owner without any unlocked key; touch moves the last turn', async () => {
    const { store } = await setup();
    await store.create(S1, await owner('alice'), T0);
    await store.create(S2, await owner('bob'), new Date(T0.getTime() + 2 * DAY));
    await store.create(S3, await owner('bob'), T0);
    await store.touch(S3, new Date(T0.getTime() + 5 * DAY));
    expect(store.expiredBefore(new Date(T0.getTime() + 3 * DAY)).sort()).toEqual([S1, S2]);
    expect(store.expiredBefore(T0)).toEqual([]);
    expect(store.list('bob').map((info) => [info.sessionId, info.lastTurnAt.toISOString()])).toEqual([
      [S2, '2026-11-27T09:00:00.000Z'],
      [S3, '2026-11-30T09:00:00.000Z'],
    ]);
  });

  it('drops keys past retention when a key store restored from an older backup is loaded', async () => {
    const { file, store, reopen } = await setup();
    const alice = await owner('alice');
    await store.create(S1, alice, T0);
    await store.create(S2, alice, new Date(T0.getTime() + 10 * DAY));
    // A backup holds both files of the key store (the journal has both keys at this point).
    const backup = { file: await readFile(file, 'utf8'), journal: await readFile(journalPathOf(file), 'utf8') };
    // Retention later shreds S1; then IT restores the old backup.
    await store.destroy([S1], new Date(T0.getTime() + 8 * DAY));
    await writeFile(file, backup.file);
    await writeFile(journalPathOf(file), backup.journal);

    const { store: restored, dropped } = await reopen(new Date(T0.getTime() + DAY));
    expect(dropped).toEqual([S1]);
    expect(restored.has(S1)).toBe(false);
    expect(restored.has(S2)).toBe(true);
    // The drop is written back at once: a restart without a cutoff does not find the key either.
    expect((await readSessionKeyFile(file)).map((entry) => entry.sessionId)).toEqual([S2]);
  });

  it('forgets unwrapped keys on lock; a key being unwrapped across the lock is refused', async () => {
    const { store } = await setup();
    const alice = await owner('alice');
    await store.create(S1, alice, T0);
    store.dropUnwrapped('alice');
    const inFlight = store.keyFor(S1, alice);
    store.dropUnwrapped('alice');
    expect(await reasonOf(inFlight)).toBe('LOCKED/locked');
    expect(await reasonOf(store.keyFor(S1, alice))).toBe('ok');
  });

  it('destroys every key of an owner (profile removal) and leaves the others', async () => {
    const { store } = await setup();
    await store.create(S1, await owner('alice'), T0);
    await store.create(S2, await owner('alice'), T0);
    await store.create(S3, await owner('bob'), T0);
    expect((await store.destroyOwner('alice', T0)).sort()).toEqual([S1, S2]);
    expect(store.list('alice')).toEqual([]);
    expect(store.list('bob')).toHaveLength(1);
  });

  it('refuses to treat a damaged key file as empty', async () => {
    const { file, reopen } = await setup();
    await writeFile(file, '{"format":1,"entries":[{"sessionId":"nope"}]}');
    await expect(reopen()).rejects.toBeInstanceOf(KeyStoreFileError);
    await writeFile(file, 'not json');
    await expect(reopen()).rejects.toBeInstanceOf(KeyStoreFileError);
  });

  it('refuses ids the file could not hold, so one bad entry cannot make the store unloadable', async () => {
    const { store } = await setup();
    await expect(store.create('S1', await owner('alice'), T0)).rejects.toBeInstanceOf(TypeError);
    await expect(store.create(S1, await owner('alice'), new Date(Number.NaN))).rejects.toBeInstanceOf(TypeError);
  });
});

describe('session key store journal', () => {
  /** Every byte of every file of the key store's folder, as text. */
  async function everyFile(dir: string): Promise<string> {
    const names = await readdir(dir);
    return (await Promise.all(names.map((name) => readFile(join(dir, name), 'utf8')))).join('\n');
  }

  it('appends new keys and last-turn times to the journal — one line each — and a restart replays them', async () => {
    const { file, store, reopen } = await setup();
    const alice = await owner('alice');
    await Promise.all([store.create(S1, alice, T0), store.create(S2, alice, T0)]);
    await store.touch(S1, new Date(T0.getTime() + DAY));
    const fileBefore = await readFile(file, 'utf8');
    await store.touch(S2, new Date(T0.getTime() + DAY));
    expect((await readFile(journalPathOf(file), 'utf8')).trimEnd().split('\n')).toHaveLength(4);
    // Appending leaves the full file as it was: no rewrite per change.
    expect(await readFile(file, 'utf8')).toBe(fileBefore);
    const { store: restarted } = await reopen();
    expect(restarted.list('alice').map((info) => [info.sessionId, info.lastTurnAt.toISOString()]).sort()).toEqual([
      [S1, '2026-11-26T09:00:00.000Z'],
      [S2, '2026-11-26T09:00:00.000Z'],
    ]);
  });

  it('a destroyed key leaves every file at once (crypto-shredding), not only the in-memory store', async () => {
    const { dir, file, store, reopen } = await setup();
    const alice = await owner('alice');
    await store.create(S1, alice, T0);
    await store.create(S2, alice, T0);
    const wrappedS1 = (await readSessionKeyFile(file)).find((entry) => entry.sessionId === S1)!.wrappedKey;
    expect(await everyFile(dir)).toContain(wrappedS1);
    await store.destroy([S1], T0);
    expect(await everyFile(dir)).not.toContain(wrappedS1);
    // The session id stays in one place only: the shred list, which says it was destroyed.
    const onDisk = await readSessionKeyState(file);
    expect(onDisk.shredded).toEqual([{ sessionId: S1, ownerId: 'alice', day: '2026-11-25' }]);
    expect((await everyFile(dir)).split(S1)).toHaveLength(2);
    const { store: restarted } = await reopen();
    expect(restarted.has(S1)).toBe(false);
    expect(restarted.has(S2)).toBe(true);
  });

  it('drops a torn last line (a write a crash cut short, never acknowledged) and clears it from disk', async () => {
    const { file, store, reopen } = await setup();
    await store.create(S1, await owner('alice'), T0);
    await appendFile(journalPathOf(file), '{"g":1,"op":"put","entry":{"sessionId":"0a1b2c3d');
    const { store: restarted } = await reopen();
    expect(restarted.list('alice').map((info) => info.sessionId)).toEqual([S1]);
    expect(await readFile(journalPathOf(file), 'utf8')).toBe('');
  });

  it('skips journal lines a finished rewrite left behind (a crash before the journal was emptied), so no shredded key returns', async () => {
    const { file, store, reopen } = await setup();
    const alice = await owner('alice');
    await store.create(S1, alice, T0);
    await store.create(S2, alice, T0);
    const journalBefore = await readFile(journalPathOf(file), 'utf8');
    await store.destroy([S1], T0);
    // As if the process died after replacing the file but before emptying the journal.
    await writeFile(journalPathOf(file), journalBefore);
    const { store: restarted } = await reopen();
    expect(restarted.has(S1)).toBe(false);
    expect(restarted.has(S2)).toBe(true);
    expect(await readFile(journalPathOf(file), 'utf8')).not.toContain(S1);
  });

  it('refuses a damaged journal line that is not the last one: never treated as empty', async () => {
    const { file, store, reopen } = await setup();
    const alice = await owner('alice');
    await store.create(S1, alice, T0);
    const journal = await readFile(journalPathOf(file), 'utf8');
    await writeFile(journalPathOf(file), `not json\n${journal}`);
    await expect(reopen()).rejects.toBeInstanceOf(KeyStoreFileError);
  });

  it('rewrites the whole file once the journal grows past its limit, keeping every key', async () => {
    const { file, store, reopen } = await setup();
    const alice = await owner('alice');
    await store.create(S1, alice, T0);
    for (let day = 1; day <= 2_001; day += 1) await store.touch(S1, new Date(T0.getTime() + day * 60_000));
    const journalLines = (await readFile(journalPathOf(file), 'utf8')).split('\n').filter(Boolean).length;
    expect(journalLines).toBeLessThan(2_000);
    expect((await stat(file)).size).toBeGreaterThan(0);
    const { store: restarted } = await reopen();
    expect(restarted.list('alice')[0]!.lastTurnAt.toISOString()).toBe(new Date(T0.getTime() + 2_001 * 60_000).toISOString());
  });
});
