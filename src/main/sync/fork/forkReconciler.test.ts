import { webcrypto } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { PAYLOAD_FORMAT_VERSION, SessionPayload, type ManifestEntry, type SealedRecordV2 } from '../../../shared/vault';
import { openRecord, sealRecord, type SealedRecordHeader } from '../../vault/recordCrypto';
import { reconcilePulledSession, type ForkReconcilerDeps } from './forkReconciler';

const sessionId = '00000000-0000-4000-8000-0000000000ff';
const first = { id: '00000000-0000-4000-8000-000000000001', seq: 1, rv: 2 };
const onA = { id: '00000000-0000-4000-8000-00000000000a', seq: 2, rv: 1 };
const onB = { id: '00000000-0000-4000-8000-00000000000b', seq: 2, rv: 1 };
const patient = { age: 50, sex: 'female' as const, chiefComplaint: 'Cough' };

async function aesKey(): Promise<CryptoKey> {
  return (await webcrypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt'])) as CryptoKey;
}

function header(rv: number, updatedAt: string): SealedRecordHeader {
  return {
    id: sessionId,
    kind: 'session',
    sessionId,
    ownerId: 'owner-1',
    seq: 0,
    parentTurnId: null,
    status: 'complete',
    createdAt: '2026-12-01T08:00:00.000Z',
    updatedAt,
    v: PAYLOAD_FORMAT_VERSION,
    rv,
  };
}

async function setup() {
  const key = await aesKey();
  const owner = { ownerId: 'owner-1', dataKey: await aesKey() };
  const sealedHere: SealedRecordV2[] = [];
  const deps: ForkReconcilerDeps = {
    keys: { keyFor: async () => key },
    seal: async (h, payload) => {
      const record = await sealRecord(key, h, payload);
      sealedHere.push(record);
      return record;
    },
    clock: { now: () => new Date('2026-12-01T09:00:00.000Z') } as ForkReconcilerDeps['clock'],
  };
  const sessionRecord = (rv: number, turns: ManifestEntry[], updatedAt = '2026-12-01T08:30:00.000Z', title = 'Cough') =>
    sealRecord(key, header(rv, updatedAt), { patient, title, turns });
  return { key, owner, deps, sealedHere, sessionRecord };
}

describe('reconciling a pulled session record with the one sealed here', () => {
  it('seals a merged record listing both continuations, above both versions, with the newer title', async () => {
    const { key, owner, deps, sealedHere, sessionRecord } = await setup();
    const local = await sessionRecord(3, [first, onA], '2026-12-01T08:30:00.000Z', 'Cough (A)');
    const pulled = await sessionRecord(3, [first, onB], '2026-12-01T08:40:00.000Z', 'Cough (B)');
    const reconciled = await reconcilePulledSession(deps, owner, local, pulled);
    expect(reconciled.relation).toBe('diverged');
    expect(sealedHere).toHaveLength(1);
    const merged = sealedHere[0]!;
    expect(merged.rv).toBe(4);
    expect(merged.updatedAt > pulled.updatedAt).toBe(true);
    const payload = SessionPayload.parse(await openRecord(key, merged));
    expect(payload.turns?.map((entry) => entry.id)).toEqual([first.id, onA.id, onB.id]);
    expect(payload.title).toBe('Cough (B)');
  });

  it('seals nothing when the pulled record lists everything this one does (the other side merged first)', async () => {
    const { owner, deps, sealedHere, sessionRecord } = await setup();
    const local = await sessionRecord(4, [first, onA, onB]);
    const pulled = await sessionRecord(4, [first, onB, onA]);
    expect(await reconcilePulledSession(deps, owner, local, pulled)).toEqual({ relation: 'remote-covers' });
    expect(sealedHere).toEqual([]);
  });

  it('lets no record the session key does not open take part: the server cannot add a turn to a manifest', async () => {
    const { owner, deps, sealedHere, sessionRecord } = await setup();
    const local = await sessionRecord(3, [first, onA]);
    const forged = await sealRecord(await aesKey(), header(3, '2026-12-01T08:40:00.000Z'), { patient, title: 'x', turns: [first, onB] });
    await expect(reconcilePulledSession(deps, owner, local, forged)).rejects.toThrow();
    const altered = { ...(await sessionRecord(3, [first, onB])), updatedAt: '2026-12-01T08:59:00.000Z' };
    await expect(reconcilePulledSession(deps, owner, local, altered)).rejects.toThrow();
    expect(sealedHere).toEqual([]);
  });
});
