import { afterEach, describe, expect, it, vi } from 'vitest';
import { PAYLOAD_FORMAT_VERSION } from '../../shared/vault';
import { openRecord, sealRecord, type SealedRecordHeader } from './recordCrypto';
import { SessionKeyError } from './sessionKeyError';
import type { SessionKeyEntry } from './sessionKeyFileFormat';
import type { SessionKeyStore } from './sessionKeyStore';
import { DAY_MS as DAY, S1, S2, S3, SwitchableWriter, T0, keyStoreFolder, owner, reasonOf } from './testing/sessionKeyStoreSetup';
import type { UnlockedOwner } from './unlockedOwner';

const S4 = '0a1b2c3d-4e5f-4a6b-8c7d-000000000004';

/** Keys made on the owner's other workstation, as its key store would send them (wrapped by the same data key). */
async function keysFromElsewhere(owners: readonly { readonly sessionId: string; readonly owner: UnlockedOwner }[]): Promise<{ store: SessionKeyStore; entries: SessionKeyEntry[] }> {
  const { store } = await (await keyStoreFolder()).open();
  const entries: SessionKeyEntry[] = [];
  for (const { sessionId, owner: by } of owners) {
    await store.create(sessionId, by, T0);
    const entry = store.entry(sessionId);
    if (!entry) throw new Error('entry missing');
    entries.push(entry);
  }
  return { store, entries };
}

/** A store that knows S3 (alice) and has shredded S4: the states a pulled key can meet. */
async function workstationB(alice: UnlockedOwner, writer?: SwitchableWriter) {
  const folder = await keyStoreFolder();
  const { store } = await folder.open(writer ? { writer } : {});
  await store.create(S3, alice, T0);
  await store.create(S4, alice, T0);
  await store.destroy([S4], T0);
  return { folder, store };
}

function outcomeOf(outcome: 'added' | 'touched' | SessionKeyError | undefined): string {
  return outcome instanceof SessionKeyError ? `${outcome.code}/${outcome.reason}` : String(outcome);
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('session key store: adopting a pulled page of keys at once', () => {
  it('refuses exactly what single adopts refuse, keeps the rest with one journal write, and keeps them across a restart', async () => {
    const alice = await owner('alice');
    const bob = await owner('bob');
    const later = new Date(T0.getTime() + DAY);
    const { store: elsewhere, entries } = await keysFromElsewhere([
      { sessionId: S1, owner: alice },
      { sessionId: S2, owner: bob },
      { sessionId: S3, owner: alice },
      { sessionId: S4, owner: alice },
    ]);
    const [fresh, bobs, known, shredded] = entries as [SessionKeyEntry, SessionKeyEntry, SessionKeyEntry, SessionKeyEntry];
    const page = [fresh, bobs, { ...known, lastTurnAt: later.toISOString() }, shredded];

    // The same page through single adopts, on a workstation in the same state.
    const single = await workstationB(alice);
    const singleOutcomes = [];
    for (const entry of page) singleOutcomes.push(await reasonOf(single.store.adopt(entry, alice)));
    expect(singleOutcomes).toEqual(['ok', 'FORBIDDEN/other-owner', 'ok', 'SESSION_NOT_FOUND/shredded']);

    const writer = new SwitchableWriter();
    const batch = await workstationB(alice, writer);
    const writesBefore = writer.appended.length;
    const outcomes = await batch.store.adoptAll(page, alice);
    expect(outcomes.map(outcomeOf)).toEqual(['added', 'FORBIDDEN/other-owner', 'touched', 'SESSION_NOT_FOUND/shredded']);
    // One durable append carrying the new key and the moved last turn.
    expect(writer.appended.slice(writesBefore)).toEqual([[expect.objectContaining({ op: 'put' }), expect.objectContaining({ op: 'touch', sessionId: S3 })]]);

    const record = await sealRecord(await elsewhere.keyFor(S1, alice), header(S1), { answer: 'from A' });
    const { store: restarted } = await batch.folder.open();
    expect(await openRecord(await restarted.keyFor(S1, alice), record)).toEqual({ answer: 'from A' });
    expect(restarted.list('alice').find((info) => info.sessionId === S3)?.lastTurnAt).toEqual(later);
    expect(restarted.has(S2)).toBe(false);
    expect(restarted.isShredded(S4)).toBe(true);
    expect(await reasonOf(restarted.keyFor(S4, alice))).toBe('SESSION_NOT_FOUND/shredded');
  });

  it('refuses a key the owner’s data key does not unwrap, and adopts the same session once when it comes twice', async () => {
    const alice = await owner('alice');
    const { entries } = await keysFromElsewhere([{ sessionId: S1, owner: alice }]);
    const [entry] = entries as [SessionKeyEntry];
    const { store } = await (await keyStoreFolder()).open();
    // Same owner id, another data key: what a damaged or foreign entry looks like.
    expect((await store.adoptAll([entry], await owner('alice'))).map(outcomeOf)).toEqual(['INTERNAL/unwrap-failed']);
    expect(store.has(S1)).toBe(false);
    expect((await store.adoptAll([entry, entry], alice)).map(outcomeOf)).toEqual(['added', 'touched']);
  });

  it('keeps nothing when the write fails, so the page can be applied again', async () => {
    const alice = await owner('alice');
    const { entries } = await keysFromElsewhere([
      { sessionId: S1, owner: alice },
      { sessionId: S2, owner: alice },
    ]);
    const writer = new SwitchableWriter();
    const { store } = await (await keyStoreFolder()).open({ writer });
    writer.failing = true;
    await expect(store.adoptAll(entries, alice)).rejects.toThrow('no space left');
    expect([store.has(S1), store.has(S2)]).toEqual([false, false]);
    writer.failing = false;
    expect((await store.adoptAll(entries, alice)).map(outcomeOf)).toEqual(['added', 'added']);
  });

  it('keeps the key it checked unwrapped for the unlocked owner — the records after it unwrap nothing — and forgets it on lock', async () => {
    const alice = await owner('alice');
    const { entries } = await keysFromElsewhere([{ sessionId: S1, owner: alice }]);
    const { store } = await (await keyStoreFolder()).open();
    const unwrap = vi.spyOn(globalThis.crypto.subtle, 'unwrapKey');
    await store.adoptAll(entries, alice);
    expect(unwrap).toHaveBeenCalledTimes(1);
    await store.keyFor(S1, alice);
    await store.keyFor(S1, alice);
    expect(unwrap).toHaveBeenCalledTimes(1);
    store.dropUnwrapped('alice');
    await store.keyFor(S1, alice);
    expect(unwrap).toHaveBeenCalledTimes(2);
  });
});

function header(sessionId: string): SealedRecordHeader {
  return {
    id: globalThis.crypto.randomUUID(),
    kind: 'turn',
    sessionId,
    ownerId: 'alice',
    seq: 1,
    parentTurnId: null,
    status: 'complete',
    createdAt: T0.toISOString(),
    updatedAt: T0.toISOString(),
    v: PAYLOAD_FORMAT_VERSION,
    rv: 1,
  };
}
