import { webcrypto } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { PushItem, PushOutput } from '../../../shared/sync/changes';
import { PAYLOAD_FORMAT_VERSION, type ManifestEntry, type SealedRecordV2 } from '../../../shared/vault';
import { sealRecord } from '../../vault/recordCrypto';
import { reconcileForks } from './forkCycle';
import type { ForkReconcilerDeps } from './forkReconciler';
import { SessionHeads } from './sessionHeads';

const sessionId = '00000000-0000-4000-8000-0000000000ff';
const first = { id: '00000000-0000-4000-8000-000000000001', seq: 1, rv: 2 };
const onA = { id: '00000000-0000-4000-8000-00000000000a', seq: 2, rv: 1 };
const onB = { id: '00000000-0000-4000-8000-00000000000b', seq: 2, rv: 1 };
const patient = { age: 50, sex: 'female' as const, chiefComplaint: 'Cough' };

async function aesKey(): Promise<CryptoKey> {
  return (await webcrypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt'])) as CryptoKey;
}

async function setup() {
  const key = await aesKey();
  const owner = { ownerId: 'owner-1', dataKey: await aesKey() };
  const sealed: SealedRecordV2[] = [];
  const deps: ForkReconcilerDeps = {
    keys: { keyFor: async () => key },
    seal: async (header, payload) => {
      const record = await sealRecord(key, header, payload);
      sealed.push(record);
      return record;
    },
    clock: { now: () => new Date('2026-12-01T09:00:00.000Z') } as ForkReconcilerDeps['clock'],
  };
  const sessionRecord = (rv: number, turns: ManifestEntry[]) =>
    sealRecord(
      key,
      {
        id: sessionId,
        kind: 'session',
        sessionId,
        ownerId: owner.ownerId,
        seq: 0,
        parentTurnId: null,
        status: 'complete',
        createdAt: '2026-12-01T08:00:00.000Z',
        updatedAt: '2026-12-01T08:30:00.000Z',
        v: PAYLOAD_FORMAT_VERSION,
        rv,
      },
      { patient, title: 'Cough', turns },
    );
  const settled: PushItem[][] = [];
  const outbox = {
    waiting: (): PushItem[] => [],
    settle: async (items: readonly PushItem[], answer: PushOutput) => {
      expect(answer.results.every((result) => result.status === 'duplicate')).toBe(true);
      settled.push([...items]);
      return items.length;
    },
  };
  return { owner, deps, sealed, sessionRecord, settled, outbox };
}

const item = (kind: 'record' | 'key', version: number): PushItem => ({ kind, id: sessionId, sessionId, version, day: kind === 'key' ? '2026-12-01' : null, blob: 'AAAA' });

describe('the fork step of a sync cycle', () => {
  it('merges a session whose refused copy and the pulled record each list a turn the other lacks', async () => {
    const { owner, deps, sealed, sessionRecord, settled, outbox } = await setup();
    const heads = new SessionHeads();
    heads.noteSealed(await sessionRecord(3, [first, onA]));
    heads.notePulled(await sessionRecord(3, [first, onB]));
    const result = await reconcileForks(deps, { owner, outbox, heads, stale: [item('record', 3), item('key', 3)], pulledSessions: new Set([sessionId]) });
    expect(result.merged).toEqual(sealed);
    expect(result.merged[0]?.rv).toBe(4);
    // The merged record (a higher version) replaces the refused copies; nothing is dropped here.
    expect(settled).toEqual([]);
  });

  it('converges when both workstations merged at once: the equal union pulled drops the refused copies, and nothing is sealed', async () => {
    const { owner, deps, sealed, sessionRecord, settled, outbox } = await setup();
    const heads = new SessionHeads();
    heads.noteSealed(await sessionRecord(4, [first, onA, onB]));
    heads.notePulled(await sessionRecord(4, [first, onA, onB]));
    const stale = [item('record', 4), item('key', 4)];
    const result = await reconcileForks(deps, { owner, outbox, heads, stale, pulledSessions: new Set() });
    expect(result).toEqual({ merged: [], dropped: 2 });
    expect(sealed).toEqual([]);
    expect(settled).toEqual([stale]);
  });

  it('leaves a session alone when nothing was pulled for it', async () => {
    const { owner, deps, sealed, sessionRecord, settled, outbox } = await setup();
    const heads = new SessionHeads();
    heads.noteSealed(await sessionRecord(3, [first, onA]));
    expect(await reconcileForks(deps, { owner, outbox, heads, stale: [item('record', 3)], pulledSessions: new Set() })).toEqual({ merged: [], dropped: 0 });
    expect(sealed).toEqual([]);
    expect(settled).toEqual([]);
  });
});

describe('a session a turn runs on here', () => {
  it('is not merged until the turn is done (its next session record would collide with the merged one)', async () => {
    const { owner, deps, sealed, sessionRecord, outbox } = await setup();
    const heads = new SessionHeads();
    heads.noteSealed(await sessionRecord(3, [first, onA]));
    heads.notePulled(await sessionRecord(3, [first, onB]));
    const input = { owner, outbox, heads, stale: [item('record', 3)], pulledSessions: new Set([sessionId]) };
    expect(await reconcileForks(deps, { ...input, busy: () => true })).toEqual({ merged: [], dropped: 0 });
    expect(sealed).toEqual([]);
    expect((await reconcileForks(deps, { ...input, busy: () => false })).merged).toHaveLength(1);
  });
});
