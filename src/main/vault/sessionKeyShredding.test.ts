import { describe, expect, it } from 'vitest';
import { SessionKeyDestroyError } from './sessionKeyDestroyError';
import { readSessionKeyState } from './sessionKeyFile';
import { SHRED_LIST_KEEP_DAYS } from './shredList';
import { DAY_MS, S1, S2, S3, SwitchableWriter, T0, keyStoreFolder, owner, reasonOf } from './testing/sessionKeyStoreSetup';

const at = (days: number): Date => new Date(T0.getTime() + days * DAY_MS);

describe('session key store: the shred list', () => {
  it('lists a destroyed session with its owner and the UTC day only, and a restart still knows it was shredded', async () => {
    const folder = await keyStoreFolder();
    const { store } = await folder.open();
    await store.create(S1, await owner('alice'), T0);
    // Late evening in New York is already the next day in UTC.
    await store.destroy([S1], new Date('2026-11-25T23:30:00-05:00'));

    expect(store.isShredded(S1)).toBe(true);
    expect((await readSessionKeyState(folder.file)).shredded).toEqual([{ sessionId: S1, ownerId: 'alice', day: '2026-11-26' }]);
    const { store: restarted } = await folder.open();
    expect(restarted.isShredded(S1)).toBe(true);
    expect(restarted.isShredded(S2)).toBe(false);
  });

  it('never gives a shredded session a new key, also after a restart', async () => {
    const folder = await keyStoreFolder();
    const { store } = await folder.open();
    const alice = await owner('alice');
    await store.create(S1, alice, T0);
    await store.destroy([S1], T0);

    expect(await reasonOf(store.create(S1, alice, T0))).toBe('SESSION_NOT_FOUND/shredded');
    const { store: restarted } = await folder.open();
    expect(await reasonOf(restarted.create(S1, alice, T0))).toBe('SESSION_NOT_FOUND/shredded');
    expect(restarted.has(S1)).toBe(false);
  });

  it('tells a shredded session from one that never had a key here, naming only the session id', async () => {
    const folder = await keyStoreFolder();
    const { store } = await folder.open();
    const alice = await owner('alice');
    await store.create(S1, alice, T0);
    await store.destroy([S1], T0);

    expect(await reasonOf(store.keyFor(S1, alice))).toBe('SESSION_NOT_FOUND/shredded');
    expect(await reasonOf(store.keyFor(S3, alice))).toBe('SESSION_NOT_FOUND/unknown-session');
    expect(await reasonOf(store.touch(S1, T0))).toBe('SESSION_NOT_FOUND/shredded');
    await expect(store.keyFor(S3, alice)).rejects.toThrow(`Session ${S3} has no key on this workstation: it may not have arrived yet.`);
    await expect(store.keyFor(S1, alice)).rejects.toThrow(`Session ${S1} was deleted or is past retention: its key was destroyed.`);
  });

  it('adds keys dropped at load for being past retention (a restored backup) to the shred list', async () => {
    const folder = await keyStoreFolder();
    const { store } = await folder.open();
    const alice = await owner('alice');
    await store.create(S1, alice, T0);
    await store.create(S2, alice, at(10));

    const { store: restored, dropped } = await folder.open({ retentionCutoff: at(1), now: at(8) });
    expect(dropped).toEqual([S1]);
    expect(restored.isShredded(S1)).toBe(true);
    expect((await readSessionKeyState(folder.file)).shredded).toEqual([{ sessionId: S1, ownerId: 'alice', day: '2026-12-03' }]);
    // A later start without retention neither finds the key nor lets the session be keyed again.
    const { store: restarted } = await folder.open({ now: at(9) });
    expect(restarted.has(S1)).toBe(false);
    expect(await reasonOf(restarted.keyFor(S1, alice))).toBe('SESSION_NOT_FOUND/shredded');
    expect(await reasonOf(restarted.create(S1, alice, at(9)))).toBe('SESSION_NOT_FOUND/shredded');
  });

  it(`forgets shredded sessions ${SHRED_LIST_KEEP_DAYS} days after their day, at the next rewrite`, async () => {
    const folder = await keyStoreFolder();
    const { store } = await folder.open();
    const alice = await owner('alice');
    for (const sessionId of [S1, S2, S3]) await store.create(sessionId, alice, T0);
    await store.destroy([S1], T0);

    // Each destroy is a rewrite; the first one past the keeping period drops S1's entry.
    await store.destroy([S2], at(SHRED_LIST_KEEP_DAYS));
    expect(store.isShredded(S1)).toBe(true);
    await store.destroy([S3], at(SHRED_LIST_KEEP_DAYS + 1));
    expect(store.isShredded(S1)).toBe(false);
    expect((await readSessionKeyState(folder.file)).shredded.map((entry) => entry.sessionId)).toEqual([S2, S3]);
    // What is left of S1 is "no key here", no longer "shredded".
    expect(await reasonOf(store.keyFor(S1, alice))).toBe('SESSION_NOT_FOUND/unknown-session');
  });
});

describe('session key store: a failed destroy forgets nothing', () => {
  it('rejects with STORAGE_FAILED and keeps the key usable and listed — on disk too — and a retry shreds it', async () => {
    const folder = await keyStoreFolder();
    const writer = new SwitchableWriter();
    const { store } = await folder.open({ writer });
    const alice = await owner('alice');
    await store.create(S1, alice, T0);

    writer.failing = true;
    const failure = await store.destroy([S1], T0).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(SessionKeyDestroyError);
    expect(failure).toMatchObject({ code: 'STORAGE_FAILED', sessionIds: [S1] });
    expect((failure as Error).message).toBe('The session key could not be destroyed: the key store could not be written (ENOSPC). It is still kept; try again, or ask IT if it keeps failing.');
    // Memory agrees with the disk: the key is still there, and nothing says it was shredded.
    expect(store.has(S1)).toBe(true);
    expect(store.isShredded(S1)).toBe(false);
    expect(store.list('alice').map((info) => info.sessionId)).toEqual([S1]);
    expect(await reasonOf(store.keyFor(S1, alice))).toBe('ok');
    const { store: afterCrash } = await folder.open();
    expect(afterCrash.has(S1)).toBe(true);
    expect(afterCrash.isShredded(S1)).toBe(false);
    expect(await reasonOf(afterCrash.keyFor(S1, alice))).toBe('ok');

    writer.failing = false;
    expect(await store.destroy([S1], T0)).toEqual([S1]);
    expect(store.has(S1)).toBe(false);
    const { store: restarted } = await folder.open();
    expect(restarted.has(S1)).toBe(false);
    expect(restarted.isShredded(S1)).toBe(true);
  });

  it('keeps a key being destroyed usable until the destroy is on disk', async () => {
    const folder = await keyStoreFolder();
    const { store } = await folder.open();
    const alice = await owner('alice');
    await store.create(S1, alice, T0);

    const destroying = store.destroy([S1], T0);
    // Still before the rewrite: the session is neither gone nor shredded yet.
    expect(store.has(S1)).toBe(true);
    expect(store.isShredded(S1)).toBe(false);
    expect(await destroying).toEqual([S1]);
    expect(store.has(S1)).toBe(false);
    expect(store.isShredded(S1)).toBe(true);
  });

  it('destroys every key of a profile being removed, listing each as shredded', async () => {
    const folder = await keyStoreFolder();
    const { store } = await folder.open();
    await store.create(S1, await owner('alice'), T0);
    await store.create(S2, await owner('alice'), T0);
    await store.create(S3, await owner('bob'), T0);

    expect((await store.destroyOwner('alice', T0)).sort()).toEqual([S1, S2]);
    expect([S1, S2, S3].map((sessionId) => store.isShredded(sessionId))).toEqual([true, true, false]);
  });
});
