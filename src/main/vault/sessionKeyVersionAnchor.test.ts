import { appendFile, readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { MAX_RECORD_VERSION } from '../../shared/vault';
import { readSessionKeyState } from './sessionKeyFile';
import { S1, S2, S3, SwitchableWriter, T0, keyStoreFolder, owner } from './testing/sessionKeyStoreSetup';

describe('session key store: the rollback anchor', () => {
  it('only ever raises a session’s anchor, and a restart finds the highest', async () => {
    const folder = await keyStoreFolder();
    const { store } = await folder.open();
    await store.create(S1, await owner('alice'), T0);
    expect(store.sessionVersion(S1)).toBe(0);

    await store.noteSessionVersion(S1, 3);
    await store.noteSessionVersion(S1, 2);
    expect(store.sessionVersion(S1)).toBe(3);
    await store.noteSessionVersion(S1, 7);
    await store.noteSessionVersion(S1, 5);

    const { store: restarted } = await folder.open();
    expect(restarted.sessionVersion(S1)).toBe(7);
  });

  it('carries the anchor through a full rewrite', async () => {
    const folder = await keyStoreFolder();
    const { store } = await folder.open();
    const alice = await owner('alice');
    await store.create(S1, alice, T0);
    await store.create(S2, alice, T0);
    await store.noteSessionVersion(S1, 4);
    // Destroying S2 rewrites the file from memory and empties the journal that held the anchor.
    await store.destroy([S2], T0);

    expect((await readSessionKeyState(folder.file)).entries).toEqual([expect.objectContaining({ sessionId: S1, rv: 4 })]);
    expect(await readFile(folder.journal, 'utf8')).toBe('');
    const { store: restarted } = await folder.open();
    expect(restarted.sessionVersion(S1)).toBe(4);
  });

  it('writes a burst of anchors and last-turn times with one journal append (one sync)', async () => {
    const folder = await keyStoreFolder();
    const writer = new SwitchableWriter();
    const { store } = await folder.open({ writer });
    const alice = await owner('alice');
    await Promise.all([store.create(S1, alice, T0), store.create(S2, alice, T0)]);
    writer.appended.length = 0;

    await Promise.all([store.noteSessionVersion(S1, 2), store.noteSessionVersion(S2, 9), store.touch(S1, new Date(T0.getTime() + 60_000))]);
    expect(writer.appended.map((changes) => changes.map((change) => change.op))).toEqual([['version', 'version', 'touch']]);
    const { store: restarted } = await folder.open();
    expect([restarted.sessionVersion(S1), restarted.sessionVersion(S2)]).toEqual([2, 9]);
  });

  it('ignores a session without a key here, and refuses a counter the file could not hold', async () => {
    const folder = await keyStoreFolder();
    const writer = new SwitchableWriter();
    const { store } = await folder.open({ writer });
    await store.create(S1, await owner('alice'), T0);
    const appendsBefore = writer.appended.length;

    await store.noteSessionVersion(S3, 4);
    expect(store.sessionVersion(S3)).toBe(0);
    expect(writer.appended.length).toBe(appendsBefore);
    for (const bad of [-1, 1.5, Number.NaN, MAX_RECORD_VERSION + 1]) await expect(store.noteSessionVersion(S1, bad)).rejects.toBeInstanceOf(TypeError);
    expect(store.sessionVersion(S1)).toBe(0);
  });

  it('when the write of a raise failed, noting the same version again writes it (it never goes back down at restart)', async () => {
    const folder = await keyStoreFolder();
    const writer = new SwitchableWriter();
    const { store } = await folder.open({ writer });
    await store.create(S1, await owner('alice'), T0);

    writer.failing = true;
    await expect(store.noteSessionVersion(S1, 5)).rejects.toMatchObject({ code: 'ENOSPC' });
    writer.failing = false;
    await store.noteSessionVersion(S1, 5);

    const { store: restarted } = await folder.open();
    expect(restarted.sessionVersion(S1)).toBe(5);
  });

  it('still replays the complete lines before a torn last one', async () => {
    const folder = await keyStoreFolder();
    const { store } = await folder.open();
    await store.create(S1, await owner('alice'), T0);
    await store.noteSessionVersion(S1, 6);
    await appendFile(folder.journal, `{"g":1,"op":"version","sessionId":"${S1}","rv":9`);

    const { store: restarted } = await folder.open();
    expect(restarted.sessionVersion(S1)).toBe(6);
    expect(await readFile(folder.journal, 'utf8')).toBe('');
  });
});
