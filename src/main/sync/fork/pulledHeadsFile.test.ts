import { webcrypto } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { PushItem, PushOutput } from '../../../shared/sync/changes';
import { PAYLOAD_FORMAT_VERSION, type ManifestEntry, type SealedRecordV2 } from '../../../shared/vault';
import { silentLogger, type Logger } from '../../core/logger';
import { WRAPPING_KEY_USAGES, newWrappableAesKey } from '../../vault/keyWrap';
import { sealRecord } from '../../vault/recordCrypto';
import { sealRecordForSync, type SyncedItem } from '../envelope/syncItems';
import type { SyncStateFiles } from '../outbox/outboxFiles';
import { reconcileForks } from './forkCycle';
import type { ForkReconcilerDeps } from './forkReconciler';
import { readPulledHeads, writePulledHeads } from './pulledHeadsFile';
import { SessionHeads } from './sessionHeads';

const OWNER_ID = '5b0c8a7e-2f4d-4c1a-9e3b-7d6f5a4b3c21';
const SESSION_ID = '0d9a1c3e-5b7f-4a2c-8e6d-1f3b5a7c9e0d';
const OTHER_SESSION_ID = '2b3c4d5e-6f7a-4b8c-9d0e-1f2a3b4c5d6e';
const PATH = '/sync/profile/heads.json';
const first = { id: '00000000-0000-4000-8000-000000000001', seq: 1, rv: 2 };
const onA = { id: '00000000-0000-4000-8000-00000000000a', seq: 2, rv: 1 };
const onB = { id: '00000000-0000-4000-8000-00000000000b', seq: 2, rv: 1 };

/** Files in memory, as the sync state files are read and replaced. */
function memoryFiles(): SyncStateFiles & { readonly texts: Map<string, string> } {
  const texts = new Map<string, string>();
  return {
    texts,
    read: async (path) => texts.get(path) ?? null,
    append: async () => {
      throw new Error('not used');
    },
    replace: async (path, text) => {
      texts.set(path, text);
    },
  };
}

async function setup() {
  const sessionKey = (await webcrypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt'])) as CryptoKey;
  const owner = { ownerId: OWNER_ID, dataKey: await newWrappableAesKey(WRAPPING_KEY_USAGES) };
  const sealed: SealedRecordV2[] = [];
  const deps: ForkReconcilerDeps = {
    keys: { keyFor: async () => sessionKey },
    seal: async (header, payload) => {
      const record = await sealRecord(sessionKey, header, payload);
      sealed.push(record);
      return record;
    },
    clock: { now: () => new Date('2026-12-01T09:00:00.000Z') } as ForkReconcilerDeps['clock'],
  };
  const sessionRecord = (rv: number, turns: ManifestEntry[], sessionId = SESSION_ID) =>
    sealRecord(
      sessionKey,
      {
        id: sessionId,
        kind: 'session',
        sessionId,
        ownerId: OWNER_ID,
        seq: 0,
        parentTurnId: null,
        status: 'complete',
        createdAt: '2026-12-01T08:00:00.000Z',
        updatedAt: '2026-12-01T08:30:00.000Z',
        v: PAYLOAD_FORMAT_VERSION,
        rv,
      },
      { patient: { age: 50, sex: 'female' as const, chiefComplaint: 'Cough' }, title: 'Cough', turns },
    );
  return { owner, deps, sealed, sessionRecord };
}

describe('the session record last pulled, kept on disk for a merge not made yet', () => {
  it('lets a workstation that restarted after pulling the other one\'s record, before merging, still merge at its next cycle', async () => {
    const { owner, deps, sealed, sessionRecord } = await setup();
    const files = memoryFiles();
    const mine: PushItem = await sealRecordForSync(owner, await sessionRecord(3, [first, onA]));
    const theirs = await sessionRecord(3, [first, onB]);

    // Before the restart: the other workstation's record is pulled (as the server gave it) and kept on disk.
    const before = new SessionHeads();
    before.notePulled(theirs, await sealRecordForSync(owner, theirs));
    await writePulledHeads(PATH, before, (sessionId) => sessionId === SESSION_ID, files);

    // After it: nothing in memory; the own copy waits in the outbox, refused as stale again, and nothing new is pulled.
    const outbox = { waiting: () => [mine], settle: async (_items: readonly PushItem[], _answer: PushOutput) => 0 };
    const cycle = (heads: SessionHeads) => reconcileForks(deps, { owner, outbox, heads, stale: [mine], pulledSessions: new Set() });
    expect((await cycle(new SessionHeads())).merged, 'without the file, nothing to merge with').toEqual([]);
    const restored = await readPulledHeads(PATH, owner, files, silentLogger);
    expect(restored.pulled(SESSION_ID)).toEqual(theirs);
    const { merged } = await cycle(restored);
    expect(merged).toHaveLength(1);
    expect(merged[0]?.rv).toBe(4);
    expect(sealed).toEqual(merged);
  });

  it('keeps only sessions whose own record waits in the outbox, and takes back nothing the file was changed to', async () => {
    const { owner, sessionRecord } = await setup();
    const files = memoryFiles();
    const heads = new SessionHeads();
    const kept = await sessionRecord(3, [first, onB]);
    const other = await sessionRecord(5, [first], OTHER_SESSION_ID);
    heads.notePulled(kept, await sealRecordForSync(owner, kept));
    heads.notePulled(other, await sealRecordForSync(owner, other));
    await writePulledHeads(PATH, heads, (sessionId) => sessionId === SESSION_ID, files);
    expect(heads.changed).toBe(false);
    const written = JSON.parse(files.texts.get(PATH)!) as { items: SyncedItem[] };
    expect(written.items.map((item) => item.id)).toEqual([SESSION_ID]);

    // A higher version claimed outside the sealed envelope does not open: left out, and said so in the log.
    files.texts.set(PATH, JSON.stringify({ ...written, items: written.items.map((item) => ({ ...item, version: 9 })) }));
    const warned: string[] = [];
    const logger: Logger = { ...silentLogger, warn: (event) => warned.push(event) };
    expect((await readPulledHeads(PATH, owner, files, logger)).pulled(SESSION_ID)).toBeNull();
    expect(warned).toEqual(['sync.heads_item_refused']);
  });
});

