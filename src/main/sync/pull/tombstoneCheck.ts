/**
 * Whether a pulled tombstone may shred the session here. The server is not trusted: a tombstone shreds only when
 * a holder of the profile's data key wrote it (its proof opens for this profile and names exactly that session,
 * reason and day), or — for the server's own retention tombstones, which carry no proof — when this workstation's
 * own copy is itself past retention at trusted time. Anything else ("cannot prove") keeps the session: a wrong
 * refusal costs a session kept until local retention; a wrong shred costs clinical history, everywhere.
 */
import type { SessionKeyStore } from '../../vault/sessionKeyStore';
import type { UnlockedOwner } from '../../vault/unlockedOwner';
import { SyncEnvelopeError, type SyncEnvelopeFailure } from '../envelope/syncEnvelopeError';
import { openTombstoneProof } from '../envelope/tombstoneProof';
import type { PulledTombstone } from './pullChanges';

/**
 * Why a tombstone was refused: its proof did not open (see {@link SyncEnvelopeFailure}), it has none and the session
 * is not past retention here (`unproven`), or it names a session of another profile (`foreign`).
 */
export type TombstoneRefusal = SyncEnvelopeFailure | 'unproven' | 'foreign';

/** The verdict on one tombstone: shred, or why not. */
export type TombstoneVerdict = { readonly shred: true } | { readonly shred: false; readonly reason: TombstoneRefusal };

/**
 * Checks `tombstone` for `owner`. `retentionCutoffMs` is the trusted time minus the retention period (a session whose
 * last turn is at or before it is past retention here); null when unknown — then a tombstone without a proof never
 * shreds. Throws only what opening throws besides {@link SyncEnvelopeError}.
 */
export async function checkTombstone(tombstone: PulledTombstone, owner: UnlockedOwner, keys: SessionKeyStore, retentionCutoffMs: number | null): Promise<TombstoneVerdict> {
  const entry = keys.entry(tombstone.sessionId);
  // One profile's feed never shreds another profile's session kept on this workstation.
  if (entry && entry.ownerId !== owner.ownerId) return { shred: false, reason: 'foreign' };
  if (tombstone.proof !== undefined) {
    try {
      await openTombstoneProof(owner, { sessionId: tombstone.sessionId, reason: tombstone.reason, day: tombstone.day }, tombstone.proof);
      return { shred: true };
    } catch (error) {
      if (error instanceof SyncEnvelopeError) return { shred: false, reason: error.reason };
      throw error;
    }
  }
  const pastRetention = entry !== null && retentionCutoffMs !== null && Date.parse(entry.lastTurnAt) <= retentionCutoffMs;
  return pastRetention ? { shred: true } : { shred: false, reason: 'unproven' };
}
