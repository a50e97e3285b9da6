import { mkdtemp, readFile, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PAYLOAD_FORMAT_VERSION } from '../../shared/vault';
import { silentLogger } from '../logging/logger';
import { GCM_IV_BYTES } from './aesGcm';
import { additionalData } from './encoding';
import { openBatch } from './openBatch';
import { openRecord, sealRecord, type SealedRecordHeader } from './recordCrypto';
import { SessionKeyError } from './sessionKeyError';
import { SESSION_KEYS_FILE, KeyStoreFileError } from './sessionKeyFile';
import { SessionKeyStore } from './sessionKeyStore';
import type { UnlockedOwner } from './unlockedOwner';

const subtle = globalThis.crypto.subtle;
const DAY = 86_400_000;
const S1 = '0a1b2c3d-4e5f-4a6b-8c7d-000000000001';
const S2 = '0a1b2c3d-4e5f-4a6b-8c7d-000000000002';
const S3 = '0a1b2c3d-4e5f-4a6b-8c7d-000000000003';
const T0 = new Date('2026-11-25T09:00:00.000Z');

/** A profile data key as the profile store holds it: non-extractable, wrap/unwrap only. */
async function owner(ownerId: string): Promise<UnlockedOwner> {
  return { ownerId, dataKey: await subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, ['wrapKey', 'unwrapKey']) };
}

async function setup() {
  const dir = await mkdtemp(join(tmpdir(), 'cpa-keys-'));
  const file = join(dir, SESSION_KEYS_FILE);
  const store = new SessionKeyStore(file, silentLogger);
  await store.load({ retentionCutoff: null });
  return { dir, file, store, reopen: async (cutoff: Date | null = null) => {
    const again = new SessionKeyStore(file, silentLogger);
    const { dropped } = await again.load({ retentionCutoff: cutoff });
    return { store: again, dropped };
  } };
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
  };
}

async function reasonOf(run: Promise<unknown>): Promise<string> {
  try {
    await run;
    return 'ok';
  } catch (error) {
    if (error instanceof SessionKeyError) return `${error.code}/${error.reason}`;
    throw error;
  }
}

describe('session key store', () => {
  it('keeps each session key wrapped on disk (mode 0600) and gives the same key back after a restart', async () => {
    const { file, store, reopen } = await setup();
    const alice = await owner('alice');
    const key = await store.create(S1, alice, T0);
    const record = await sealRecord(key, header(S1, 'alice'), { answer: 'kept' });

    expect((await stat(file)).mode & 0o777).toBe(0o600);
    const onDisk = JSON.parse(await readFile(file, 'utf8')) as { entries: Record<string, unknown>[] };
    expect(onDisk.entries).toEqual([{ sessionId: S1, ownerId: 'alice', wrappedKey: expect.any(String), lastTurnAt: T0.toISOString() }]);

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

    const text = await readFile(file, 'utf8');
    const wrapped = Buffer.from((JSON.parse(text) as { entries: { wrappedKey: string }[] }).entries[0]!.wrappedKey, 'base64');
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

  it('crypto-shreds: after destroy a sealed record never opens again, not even after a restart', async () => {
    const { store, reopen } = await setup();
    const alice = await owner('alice');
    const record = await sealRecord(await store.create(S1, alice, T0), header(S1, 'alice'), { answer: 'shred me' });
    await store.create(S2, alice, T0);

    expect(await store.destroy([S1, S3])).toEqual([S1]);
    expect(await reasonOf(store.keyFor(S1, alice))).toBe('SESSION_NOT_FOUND/unknown-session');
    expect(await openBatch(store, alice, [record], silentLogger)).toEqual([{ id: record.id, ok: false, reason: 'unknown-key' }]);

    const { store: restarted } = await reopen();
    expect(restarted.has(S1)).toBe(false);
    expect(restarted.has(S2)).toBe(true);
    expect(await openBatch(restarted, alice, [record], silentLogger)).toEqual([{ id: record.id, ok: false, reason: 'unknown-key' }]);
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
    const backup = await readFile(file, 'utf8');
    // Retention later shreds S1; then IT restores the old backup.
    await store.destroy([S1]);
    await writeFile(file, backup);

    const { store: restored, dropped } = await reopen(new Date(T0.getTime() + DAY));
    expect(dropped).toEqual([S1]);
    expect(restored.has(S1)).toBe(false);
    expect(restored.has(S2)).toBe(true);
    // The drop is written back at once: a restart without a cutoff does not find the key either.
    expect(JSON.parse(await readFile(file, 'utf8')).entries.map((entry: { sessionId: string }) => entry.sessionId)).toEqual([S2]);
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
    expect((await store.destroyOwner('alice')).sort()).toEqual([S1, S2]);
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
