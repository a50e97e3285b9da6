/**
 * A tombstone's proof (see `TombstoneProof` in the shared protocol): the session, the reason and the day, sealed with
 * the profile's sync key under additional data that binds the profile id, the kind 'tombstone', the session, the
 * reason and the day. The server stores it and hands it back; only a holder of the data key can make one, so a
 * workstation pulling a tombstone can tell a clinician's delete from one written by whoever controls the server.
 */
import { z } from 'zod';
import { MAX_TOMBSTONE_PROOF_CHARS, TombstoneReason } from '../../../shared/sync/changes';
import { additionalData, utf8 } from '../../vault/encoding';
import type { UnlockedOwner } from '../../vault/unlockedOwner';
import { openBound, sealBound } from './envelopeCipher';
import { SyncEnvelopeError } from './syncEnvelopeError';
import { parseJson } from './syncItems';
import { syncKeyOf } from './syncKey';

/** What a proof names: exactly the tombstone it goes with. */
export const TombstoneClaim = z.strictObject({ sessionId: z.uuid({ version: 'v4' }), reason: TombstoneReason, day: z.iso.date() });
/** @see TombstoneClaim */
export type TombstoneClaim = z.infer<typeof TombstoneClaim>;

function proofAdditionalData(profileId: string, claim: TombstoneClaim): Uint8Array<ArrayBuffer> {
  // Its own purpose: an item's blob never opens as a proof, nor a proof as an item.
  return additionalData('cpa/v1/sync-tombstone-proof', profileId, 'tombstone', claim.sessionId, claim.reason, claim.day);
}

/** Seals the proof of `claim` for `owner`'s profile (base64, within the protocol's proof limit). */
export async function sealTombstoneProof(owner: UnlockedOwner, claim: TombstoneClaim): Promise<string> {
  const { sessionId, reason, day } = TombstoneClaim.parse(claim);
  const plaintext = utf8(JSON.stringify({ sessionId, reason, day }));
  return sealBound(await syncKeyOf(owner.dataKey), proofAdditionalData(owner.ownerId, { sessionId, reason, day }), plaintext, MAX_TOMBSTONE_PROOF_CHARS);
}

/**
 * Checks that `proof` was sealed for `owner`'s profile and names exactly `claim`. Throws {@link SyncEnvelopeError}:
 * `malformed`, `tampered` (another profile, or a proof moved to another session, reason or day), or `mismatch`
 * (authentic, but naming something else than it is bound to).
 */
export async function openTombstoneProof(owner: UnlockedOwner, claim: TombstoneClaim, proof: string): Promise<void> {
  const plaintext = await openBound(await syncKeyOf(owner.dataKey), proofAdditionalData(owner.ownerId, claim), proof);
  const parsed = TombstoneClaim.safeParse(parseJson(plaintext));
  if (!parsed.success) throw new SyncEnvelopeError('malformed');
  const named = parsed.data;
  if (named.sessionId !== claim.sessionId || named.reason !== claim.reason || named.day !== claim.day) throw new SyncEnvelopeError('mismatch');
}
