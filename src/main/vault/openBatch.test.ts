import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PAYLOAD_FORMAT_VERSION, type SealedRecord } from '../../shared/vault';
import { silentLogger } from '../core/logger';
import { openBatch } from './openBatch';
import { sealRecord } from './recordCrypto';
import { SessionKeyStore } from './sessionKeyStore';
import type { UnlockedOwner } from './unlockedOwner';

const subtle = globalThis.crypto.subtle;
const A1 = '0a1b2c3d-4e5f-4a6b-8c7d-00000000000a';
const B1 = '0a1b2c3d-4e5f-4a6b-8c7d-00000000000b';

async function owner(ownerId: string): Promise<UnlockedOwner> {
  return { ownerId, dataKey: await subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, ['wrapKey', 'unwrapKey']) };
}

async function history(count: number, sessionId: string, ownerId: string, key: Parameters<typeof sealRecord>[0]): Promise<SealedRecord[]> {
  return Promise.all(
    Array.from({ length: count }, (_, seq) =>
      sealRecord(
        key,
        {
          id: globalThis.crypto.randomUUID(),
          kind: seq === 0 ? 'session' : 'turn',
          sessionId,
          ownerId,
          seq,
          parentTurnId: null,
          status: 'complete',
          createdAt: '2026-11-25T09:00:00.000Z',
          updatedAt: '2026-11-25T09:00:00.000Z',
          v: PAYLOAD_FORMAT_VERSION,
          rv: 1,
        },
        { seq },
      ),
    ),
  );
}

describe('opening a history in one batch (check 17)', () => {
  it('quarantines a corrupt record and opens the rest, in order', async () => {
    const store = new SessionKeyStore(join(await mkdtemp(join(tmpdir(), 'cpa-batch-')), 'keys.json'), silentLogger);
    await store.load({ retentionCutoff: null, now: new Date() });
    const alice = await owner('alice');
    const records = await history(5, A1, 'alice', await store.create(A1, alice, new Date()));
    const ct = Buffer.from(records[2]!.ct, 'base64');
    ct[0]! ^= 0x80;
    const corrupt = { ...records[2]!, ct: ct.toString('base64') };
    const truncated = { ...records[3]!, ct: 'AAAA' };

    const outcomes = await openBatch(store, alice, [records[0]!, records[1]!, corrupt, truncated, records[4]!], silentLogger);
    expect(outcomes.map((outcome) => (outcome.ok ? outcome.payload : outcome.reason))).toEqual([
      { seq: 0 },
      { seq: 1 },
      'tampered',
      'malformed',
      { seq: 4 },
    ]);
    expect(outcomes.map((outcome) => outcome.id)).toEqual(records.map((record) => record.id));
  });

  it('refuses records of another owner, and another owner’s session under one’s own owner id', async () => {
    const store = new SessionKeyStore(join(await mkdtemp(join(tmpdir(), 'cpa-batch-')), 'keys.json'), silentLogger);
    await store.load({ retentionCutoff: null, now: new Date() });
    const alice = await owner('alice');
    const bob = await owner('bob');
    await store.create(A1, alice, new Date());
    const [bobs] = await history(1, B1, 'bob', await store.create(B1, bob, new Date()));
    const relabelled = { ...bobs!, ownerId: 'alice' };
    const outcomes = await openBatch(store, alice, [bobs!, relabelled], silentLogger);
    expect(outcomes.map((outcome) => !outcome.ok && outcome.reason)).toEqual(['wrong-owner', 'wrong-owner']);
  });

  it('tells a shredded session from one whose key is simply not here', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cpa-batch-'));
    const store = new SessionKeyStore(join(dir, 'keys.json'), silentLogger);
    await store.load({ retentionCutoff: null, now: new Date() });
    const alice = await owner('alice');
    const [shredded] = await history(1, A1, 'alice', await store.create(A1, alice, new Date()));
    const [absent] = await history(1, B1, 'alice', await subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']));
    await store.destroy([A1], new Date());
    const outcomes = await openBatch(store, alice, [shredded!, absent!], silentLogger);
    expect(outcomes.map((outcome) => !outcome.ok && outcome.reason)).toEqual(['shredded', 'unknown-key']);
  });
});
