import { describe, expect, it, vi } from 'vitest';
import { PAYLOAD_FORMAT_VERSION, type SealedRecordV2 } from '../../../shared/vault';
import { silentLogger } from '../../core/logger';
import { sealRecord } from '../../vault/recordCrypto';
import { SessionKeyError } from '../../vault/sessionKeyError';
import { S1, S2, T0, keyStoreFolder, owner } from '../../vault/testing/sessionKeyStoreSetup';
import type { UnlockedOwner } from '../../vault/unlockedOwner';
import { sealTombstoneProof } from '../envelope/tombstoneProof';
import { applyPulledPage, WaitingRecords, type PulledPageTargets } from './applyPulledPage';
import type { PulledChange } from './pullChanges';

const OWNER = '5e0c2a1b-3d4f-4a6b-8c7d-9e0f1a2b3c4d';
const DAY = '2026-11-25';

/** Workstation A (where sessions are made) and B (where they arrive), one clinician, one data key. */
async function twoWorkstations(retentionCutoffMs: number | null = null) {
  const clinician: UnlockedOwner = await owner(OWNER);
  const a = (await (await keyStoreFolder()).open()).store;
  const b = (await (await keyStoreFolder()).open()).store;
  const shredded: string[] = [];
  const targets: PulledPageTargets = {
    keys: b,
    shred: async (ids) => {
      shredded.push(...ids);
      await b.destroy(ids, T0);
    },
    logger: silentLogger,
    retentionCutoffMs: () => retentionCutoffMs,
    trustedNowMs: () => T0.getTime(),
  };
  const record = async (sessionId: string, ct?: string): Promise<SealedRecordV2> => {
    if (!a.has(sessionId)) await a.create(sessionId, clinician, T0);
    const sealed = await sealRecord(await a.keyFor(sessionId, clinician), {
      id: globalThis.crypto.randomUUID(),
      kind: 'turn',
      sessionId,
      ownerId: OWNER,
      seq: 1,
      parentTurnId: null,
      status: 'complete',
      createdAt: T0.toISOString(),
      updatedAt: T0.toISOString(),
      v: PAYLOAD_FORMAT_VERSION,
      rv: 1,
    }, { text: 'sealed' });
    return ct === undefined ? sealed : { ...sealed, ct };
  };
  let changeNo = 0;
  const key = (sessionId: string): PulledChange => ({ changeNo: ++changeNo, kind: 'key', entry: a.entry(sessionId)!, version: 1 });
  const rec = (sealed: SealedRecordV2): PulledChange => ({ changeNo: ++changeNo, kind: 'record', record: sealed });
  /** A tombstone as A sends it for a delete: with its proof (`proof: null` for one without, as the server's retention). */
  const tombstone = async (sessionId: string, proof: string | null = null): Promise<PulledChange> => ({
    changeNo: ++changeNo,
    kind: 'tombstone',
    sessionId,
    reason: 'deleted',
    day: DAY,
    proof: proof ?? (await sealTombstoneProof(clinician, { sessionId, reason: 'deleted', day: DAY })),
  });
  const forged = (sessionId: string): PulledChange => ({ changeNo: ++changeNo, kind: 'tombstone', sessionId, reason: 'retention', day: DAY });
  const apply = (changes: PulledChange[], waiting: WaitingRecords) => applyPulledPage({ changes, resync: false }, clinician, waiting, targets);
  return { a, b, clinician, shredded, record, key, rec, tombstone, forged, apply };
}

describe('applying a pulled page', () => {
  it("caps a pulled key entry's last turn at main's trusted now: a future day does not keep the session past retention", async () => {
    const w = await twoWorkstations();
    await w.record(S1);
    const future = new Date(T0.getTime() + 400 * 86_400_000).toISOString();
    const key: PulledChange = { changeNo: 1, kind: 'key', entry: { ...w.a.entry(S1)!, lastTurnAt: future }, version: 1 };
    await w.apply([key], new WaitingRecords());
    expect(w.b.entry(S1)?.lastTurnAt).toBe(T0.toISOString());
    // Known here already (the "touched" path): the same cap.
    await w.apply([{ ...key, changeNo: 2, version: 2 }], new WaitingRecords());
    expect(w.b.entry(S1)?.lastTurnAt).toBe(T0.toISOString());
    expect(w.b.expiredBefore(new Date(T0.getTime() + 1))).toEqual([S1]);
  });

  it('keeps a record whose key has not arrived, and delivers it once the key item comes in a later page', async () => {
    const w = await twoWorkstations();
    const waiting = new WaitingRecords();
    const sealed = await w.record(S1);
    expect((await w.apply([w.rec(sealed)], waiting)).records).toEqual([]);
    expect(waiting.size).toBe(1);
    const later = await w.apply([w.key(S1)], waiting);
    expect(later).toMatchObject({ records: [sealed], keysAdded: 1 });
    expect(waiting.size).toBe(0);
    expect(await w.b.keyFor(S1, w.clinician)).toBeDefined();
  });

  it('stops the page when the profile locks while a record opens, so its cursor is not written and the record comes again', async () => {
    const w = await twoWorkstations();
    const sealed = await w.record(S1);
    vi.spyOn(w.b, 'keyFor').mockRejectedValue(new SessionKeyError('locked', S1));
    await expect(w.apply([w.key(S1), w.rec(sealed)], new WaitingRecords())).rejects.toBeInstanceOf(SessionKeyError);
  });

  it('never delivers a record that does not open with the session key', async () => {
    const w = await twoWorkstations();
    const tampered = await w.record(S1, 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA');
    expect((await w.apply([w.key(S1), w.rec(tampered)], new WaitingRecords())).records).toEqual([]);
  });

  it("adopts a page's keys up to each tombstone with one key store write, and delivers records that came before their key", async () => {
    const w = await twoWorkstations();
    const adoptAll = vi.spyOn(w.b, 'adoptAll');
    const first = await w.record(S1);
    const second = await w.record(S2);
    // S1's record before its key; S2's key after S1's tombstone, as another page's changes would interleave.
    const page = await w.apply([w.rec(first), w.key(S1), await w.tombstone(S1), w.key(S1), w.key(S2), w.rec(second)], new WaitingRecords());
    expect(page).toMatchObject({ records: [second], keysAdded: 2, deletedSessions: [S1] });
    expect(adoptAll.mock.calls.map(([entries]) => entries.map((entry) => entry.sessionId))).toEqual([[S1], [S1, S2]]);
    expect(w.b.isShredded(S1)).toBe(true);
    expect(w.b.has(S1)).toBe(false);
  });

  it('shreds a session deleted elsewhere before any later record of it, and a later key item does not bring it back', async () => {
    const w = await twoWorkstations();
    const waiting = new WaitingRecords();
    const kept = await w.record(S2);
    const gone = await w.record(S1);
    await w.apply([w.key(S1), w.key(S2)], waiting);
    const page = await w.apply([w.rec(gone), await w.tombstone(S1), w.rec(await w.record(S1)), w.rec(kept)], waiting);
    expect(page).toMatchObject({ records: [kept], deletedSessions: [S1] });
    expect(w.shredded).toEqual([S1]);
    expect(w.b.isShredded(S1)).toBe(true);
    expect((await w.apply([w.key(S1)], waiting)).keysAdded).toBe(0);
    expect(w.b.has(S1)).toBe(false);
  });

  it("keeps a session when a tombstone without a proof comes (forged, or the server's retention) and it is not past retention here", async () => {
    const w = await twoWorkstations(T0.getTime() - 1);
    const waiting = new WaitingRecords();
    const later = await w.record(S1);
    await w.apply([w.key(S1)], waiting);
    const page = await w.apply([w.forged(S1), w.rec(later)], waiting);
    expect(page).toMatchObject({ records: [later], deletedSessions: [], refusedTombstones: [S1] });
    expect(w.shredded).toEqual([]);
    expect(w.b.has(S1)).toBe(true);
    expect(await w.b.keyFor(S1, w.clinician)).toBeDefined();
  });

  it('keeps a session on a tombstone without a proof when it cannot tell the retention here', async () => {
    const w = await twoWorkstations(null);
    await w.record(S1);
    await w.apply([w.key(S1)], new WaitingRecords());
    expect((await w.apply([w.forged(S1)], new WaitingRecords())).refusedTombstones).toEqual([S1]);
    expect(w.b.has(S1)).toBe(true);
  });

  it('shreds on a tombstone without a proof when its copy here is itself past retention', async () => {
    const w = await twoWorkstations(T0.getTime());
    await w.record(S1);
    await w.apply([w.key(S1)], new WaitingRecords());
    expect(await w.apply([w.forged(S1)], new WaitingRecords())).toMatchObject({ deletedSessions: [S1], refusedTombstones: [] });
    expect(w.b.isShredded(S1)).toBe(true);
  });

  it.each<[string, (w: Awaited<ReturnType<typeof twoWorkstations>>) => Promise<string>]>([
    ['sealed for another session', async (w) => sealTombstoneProof(w.clinician, { sessionId: S2, reason: 'deleted', day: DAY })],
    ['sealed for another reason', async (w) => sealTombstoneProof(w.clinician, { sessionId: S1, reason: 'retention', day: DAY })],
    ['sealed for another day', async (w) => sealTombstoneProof(w.clinician, { sessionId: S1, reason: 'deleted', day: '2026-11-24' })],
    ['sealed by another profile', async () => sealTombstoneProof(await owner('9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d'), { sessionId: S1, reason: 'deleted', day: DAY })],
    ['not a proof at all', async () => 'AAAA'],
  ])('refuses a tombstone whose proof was %s, and the session keeps syncing', async (_case, proofOf) => {
    const w = await twoWorkstations();
    const waiting = new WaitingRecords();
    const later = await w.record(S1);
    await w.apply([w.key(S1)], waiting);
    const page = await w.apply([await w.tombstone(S1, await proofOf(w)), w.rec(later)], waiting);
    expect(page).toMatchObject({ records: [later], deletedSessions: [], refusedTombstones: [S1] });
    expect(w.b.has(S1)).toBe(true);
  });

  it("never shreds another profile's session kept on this workstation, whatever the tombstone carries", async () => {
    const w = await twoWorkstations(T0.getTime());
    const colleague = await owner('9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d');
    await w.b.create(S2, colleague, T0);
    const page = await w.apply([await w.tombstone(S2), w.forged(S2)], new WaitingRecords());
    expect(page).toMatchObject({ deletedSessions: [], refusedTombstones: [S2, S2] });
    expect(w.b.has(S2)).toBe(true);
  });
});
