import { describe, expect, it } from 'vitest';
import type { SealedRecordV2 } from '../../../shared/vault';
import { utf8 } from '../../vault/encoding';
import { WRAPPING_KEY_USAGES, newWrappableAesKey, unwrapAesKey, wrapAesKey } from '../../vault/keyWrap';
import type { SessionKeyEntry } from '../../vault/sessionKeyFileFormat';
import type { UnlockedOwner } from '../../vault/unlockedOwner';
import { sealEnvelope } from './envelopeCipher';
import { SyncEnvelopeError, type SyncEnvelopeFailure } from './syncEnvelopeError';
import { openSyncedItem, sealKeyEntryForSync, sealRecordForSync, type SyncedItem } from './syncItems';
import { syncKeyOf } from './syncKey';

const PROFILE_ID = '5b0c8a7e-2f4d-4c1a-9e3b-7d6f5a4b3c21';
const OTHER_PROFILE_ID = '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d';
const SESSION_ID = '0d9a1c3e-5b7f-4a2c-8e6d-1f3b5a7c9e0d';
const OTHER_SESSION_ID = '2b3c4d5e-6f7a-4b8c-9d0e-1f2a3b4c5d6e';

/** Two independent non-extractable copies of one data key, as two workstations of one profile hold it. */
async function oneDataKeyTwice(): Promise<[UnlockedOwner, UnlockedOwner]> {
  const fresh = await newWrappableAesKey(WRAPPING_KEY_USAGES);
  const kek = await newWrappableAesKey(WRAPPING_KEY_USAGES);
  const wrapped = await wrapAesKey(fresh, kek, utf8('test'));
  const copy = () => unwrapAesKey(wrapped, kek, utf8('test'), WRAPPING_KEY_USAGES);
  return [
    { ownerId: PROFILE_ID, dataKey: await copy() },
    { ownerId: PROFILE_ID, dataKey: await copy() },
  ];
}

function turnRecord(overrides: Partial<SealedRecordV2> = {}): SealedRecordV2 {
  return {
    id: '7e6d5c4b-3a29-4817-a6b5-c4d3e2f1a0b9',
    kind: 'turn',
    sessionId: SESSION_ID,
    ownerId: PROFILE_ID,
    seq: 3,
    parentTurnId: null,
    status: 'complete',
    createdAt: '2026-11-30T08:14:07.123Z',
    updatedAt: '2026-11-30T08:15:41.456Z',
    v: 2,
    rv: 4,
    iv: 'AAAAAAAAAAAAAAAA',
    ct: 'c2VhbGVkIGJ5IHRoZSBzZXNzaW9uIGtleQ==',
    ...overrides,
  };
}

function keyEntry(overrides: Partial<SessionKeyEntry> = {}): SessionKeyEntry {
  return { sessionId: SESSION_ID, ownerId: PROFILE_ID, wrappedKey: 'd3JhcHBlZCBieSB0aGUgZGF0YSBrZXk=', lastTurnAt: '2026-11-30T23:59:58.000Z', rv: 0, ...overrides };
}

async function refusal(promise: Promise<unknown>): Promise<SyncEnvelopeFailure | 'opened'> {
  try {
    await promise;
    return 'opened';
  } catch (error) {
    if (error instanceof SyncEnvelopeError) return error.reason;
    throw error;
  }
}

describe('the sync envelope', () => {
  it('round-trips a record between two workstations of one profile, showing the server no times, status or position', async () => {
    const [here, there] = await oneDataKeyTwice();
    const record = turnRecord();
    const item = await sealRecordForSync(here, record);
    expect(item).toMatchObject({ kind: 'record', id: record.id, sessionId: SESSION_ID, version: 4, day: null });
    expect(Object.keys(item).sort()).toEqual(['blob', 'day', 'id', 'kind', 'sessionId', 'version']);
    expect(await openSyncedItem(there, item)).toEqual({ kind: 'record', record });
  });

  it('round-trips a session-key entry with only the UTC day of its last turn outside', async () => {
    const [here, there] = await oneDataKeyTwice();
    const entry = keyEntry();
    const item = await sealKeyEntryForSync(here, { entry, version: 7 });
    expect(item).toMatchObject({ kind: 'key', id: SESSION_ID, sessionId: SESSION_ID, version: 7, day: '2026-11-30' });
    expect(JSON.stringify(item)).not.toContain('23:59');
    expect(await openSyncedItem(there, item)).toEqual({ kind: 'key', entry, version: 7 });
  });

  it('derives the same sync key from the same data key, and none that opens another profile', async () => {
    const [here] = await oneDataKeyTwice();
    const [stranger] = await oneDataKeyTwice();
    expect(await syncKeyOf(here.dataKey)).toBe(await syncKeyOf(here.dataKey));
    const item = await sealRecordForSync(here, turnRecord());
    expect(await refusal(openSyncedItem(stranger, item))).toBe('tampered');
  });

  it.each<[string, (item: SyncedItem) => SyncedItem]>([
    ['id', (item) => ({ ...item, id: OTHER_SESSION_ID })],
    ['session', (item) => ({ ...item, sessionId: OTHER_SESSION_ID })],
    ['version (a rollback to an older counter)', (item) => ({ ...item, version: item.version - 1 })],
    ['version (a jump ahead)', (item) => ({ ...item, version: item.version + 1 })],
    ['day', (item) => ({ ...item, day: '2026-12-01' })],
    ['kind', (item) => ({ ...item, kind: 'record', day: null })],
  ])('binds the %s the server sees: changing it is refused', async (_field, change) => {
    const [here] = await oneDataKeyTwice();
    const item = await sealKeyEntryForSync(here, { entry: keyEntry(), version: 7 });
    expect(await refusal(openSyncedItem(here, change(item)))).toBe('tampered');
  });

  it("refuses a blob moved to another item, or into another profile's item", async () => {
    const [here] = await oneDataKeyTwice();
    const first = await sealRecordForSync(here, turnRecord());
    const second = await sealRecordForSync(here, turnRecord({ id: 'a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d', seq: 4 }));
    expect(await refusal(openSyncedItem(here, { ...second, blob: first.blob }))).toBe('tampered');
    // The same data key under another profile id (a server answering one clinician with another's item).
    expect(await refusal(openSyncedItem({ ...here, ownerId: OTHER_PROFILE_ID }, first))).toBe('tampered');
  });

  it('refuses authentic contents that are not the item they came as', async () => {
    const [here] = await oneDataKeyTwice();
    const syncKey = await syncKeyOf(here.dataKey);
    const sealAs = async (outer: Omit<SyncedItem, 'blob'>, inner: unknown): Promise<SyncedItem> => ({
      ...outer,
      blob: await sealEnvelope(syncKey, PROFILE_ID, outer, utf8(JSON.stringify(inner))),
    });
    const record = turnRecord();
    const outer = { kind: 'record', id: record.id, sessionId: SESSION_ID, version: 4, day: null } as const;
    expect(await refusal(openSyncedItem(here, await sealAs({ ...outer, version: 5 }, record)))).toBe('mismatch');
    expect(await refusal(openSyncedItem(here, await sealAs(outer, { ...record, ownerId: OTHER_PROFILE_ID })))).toBe('mismatch');
    expect(await refusal(openSyncedItem(here, await sealAs(outer, { ...record, sessionId: OTHER_SESSION_ID })))).toBe('mismatch');
    const keyOuter = { kind: 'key', id: SESSION_ID, sessionId: SESSION_ID, version: 7, day: '2026-11-29' } as const;
    expect(await refusal(openSyncedItem(here, await sealAs(keyOuter, { entry: keyEntry(), version: 7 })))).toBe('mismatch');
    expect(await refusal(openSyncedItem(here, await sealAs(outer, { ...record, v: 1 })))).toBe('malformed');
    expect(await refusal(openSyncedItem(here, await sealAs(outer, { ...record, title: 'Chest pain' })))).toBe('malformed');
  });

  it('refuses damaged base64 as malformed and a flipped bit as tampered', async () => {
    const [here] = await oneDataKeyTwice();
    const item = await sealRecordForSync(here, turnRecord());
    expect(await refusal(openSyncedItem(here, { ...item, blob: `${item.blob.slice(0, -4)}!!!!` }))).toBe('malformed');
    expect(await refusal(openSyncedItem(here, { ...item, blob: item.blob.slice(0, 20) }))).toBe('malformed');
    expect(await refusal(openSyncedItem(here, { ...item, blob: 'AAAA' }))).toBe('malformed');
    const bytes = Buffer.from(item.blob, 'base64');
    bytes[20] = (bytes[20] ?? 0) ^ 1;
    expect(await refusal(openSyncedItem(here, { ...item, blob: bytes.toString('base64') }))).toBe('tampered');
  });

  it("does not seal another clinician's record or key", async () => {
    const [here] = await oneDataKeyTwice();
    await expect(sealRecordForSync(here, turnRecord({ ownerId: OTHER_PROFILE_ID }))).rejects.toBeInstanceOf(TypeError);
    await expect(sealKeyEntryForSync(here, { entry: keyEntry({ ownerId: OTHER_PROFILE_ID }), version: 1 })).rejects.toBeInstanceOf(TypeError);
  });
});
