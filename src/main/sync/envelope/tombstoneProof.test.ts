import { describe, expect, it } from 'vitest';
import { MAX_TOMBSTONE_PROOF_CHARS } from '../../../shared/sync/changes';
import { additionalData, utf8 } from '../../vault/encoding';
import { WRAPPING_KEY_USAGES, newWrappableAesKey, unwrapAesKey, wrapAesKey } from '../../vault/keyWrap';
import type { UnlockedOwner } from '../../vault/unlockedOwner';
import { sealBound } from './envelopeCipher';
import { SyncEnvelopeError, type SyncEnvelopeFailure } from './syncEnvelopeError';
import { sealKeyEntryForSync } from './syncItems';
import { syncKeyOf } from './syncKey';
import { openTombstoneProof, sealTombstoneProof, type TombstoneClaim } from './tombstoneProof';

const PROFILE_ID = '5b0c8a7e-2f4d-4c1a-9e3b-7d6f5a4b3c21';
const OTHER_PROFILE_ID = '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d';
const SESSION_ID = '0d9a1c3e-5b7f-4a2c-8e6d-1f3b5a7c9e0d';
const OTHER_SESSION_ID = '2b3c4d5e-6f7a-4b8c-9d0e-1f2a3b4c5d6e';
const CLAIM: TombstoneClaim = { sessionId: SESSION_ID, reason: 'deleted', day: '2026-12-01' };

/** Two independent non-extractable copies of one data key, as two workstations of one profile hold it. */
async function oneDataKeyTwice(profileId = PROFILE_ID): Promise<[UnlockedOwner, UnlockedOwner]> {
  const fresh = await newWrappableAesKey(WRAPPING_KEY_USAGES);
  const kek = await newWrappableAesKey(WRAPPING_KEY_USAGES);
  const wrapped = await wrapAesKey(fresh, kek, utf8('test'));
  const copy = () => unwrapAesKey(wrapped, kek, utf8('test'), WRAPPING_KEY_USAGES);
  return [
    { ownerId: profileId, dataKey: await copy() },
    { ownerId: profileId, dataKey: await copy() },
  ];
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

describe("a tombstone's proof", () => {
  it('is made on one workstation and accepted on another of the same profile, within the protocol limit', async () => {
    const [here, there] = await oneDataKeyTwice();
    const proof = await sealTombstoneProof(here, CLAIM);
    expect(proof.length).toBeLessThanOrEqual(MAX_TOMBSTONE_PROOF_CHARS);
    expect(await refusal(openTombstoneProof(there, CLAIM, proof))).toBe('opened');
  });

  it.each<[string, TombstoneClaim]>([
    ['another session', { ...CLAIM, sessionId: OTHER_SESSION_ID }],
    ['another reason', { ...CLAIM, reason: 'retention' }],
    ['another day', { ...CLAIM, day: '2026-12-02' }],
  ])('is refused when moved to %s', async (_case, moved) => {
    const [here] = await oneDataKeyTwice();
    expect(await refusal(openTombstoneProof(here, moved, await sealTombstoneProof(here, CLAIM)))).toBe('tampered');
  });

  it('is refused from another profile, whether its key or only its id differs', async () => {
    const [here] = await oneDataKeyTwice();
    const [stranger] = await oneDataKeyTwice(OTHER_PROFILE_ID);
    expect(await refusal(openTombstoneProof(here, CLAIM, await sealTombstoneProof(stranger, CLAIM)))).toBe('tampered');
    expect(await refusal(openTombstoneProof({ ...here, ownerId: OTHER_PROFILE_ID }, CLAIM, await sealTombstoneProof(here, CLAIM)))).toBe('tampered');
  });

  it("is not an item's blob, and not garbage", async () => {
    const [here] = await oneDataKeyTwice();
    const item = await sealKeyEntryForSync(here, {
      entry: { sessionId: SESSION_ID, ownerId: PROFILE_ID, wrappedKey: 'd3JhcHBlZA==', lastTurnAt: '2026-12-01T10:00:00.000Z', rv: 0 },
      version: 1,
    });
    expect(await refusal(openTombstoneProof(here, CLAIM, item.blob))).toBe('tampered');
    expect(await refusal(openTombstoneProof(here, CLAIM, 'AAAA'))).toBe('malformed');
  });

  it('is refused when authentic but naming something else than it is bound to', async () => {
    const [here] = await oneDataKeyTwice();
    const aad = additionalData('cpa/v1/sync-tombstone-proof', PROFILE_ID, 'tombstone', SESSION_ID, 'deleted', '2026-12-01');
    const sealAs = async (inner: unknown) => sealBound(await syncKeyOf(here.dataKey), aad, utf8(JSON.stringify(inner)), MAX_TOMBSTONE_PROOF_CHARS);
    expect(await refusal(openTombstoneProof(here, CLAIM, await sealAs({ ...CLAIM, sessionId: OTHER_SESSION_ID })))).toBe('mismatch');
    expect(await refusal(openTombstoneProof(here, CLAIM, await sealAs({ ...CLAIM, note: 'x' })))).toBe('malformed');
  });
});
