/**
 * The envelope's cipher: AES-256-GCM under the profile's sync key, of any plaintext, with every field the server sees
 * of the item — profile, kind, id, session, version, day — bound as additional data. A blob moved to another item,
 * another version or another profile then fails authentication. Blob = base64 of IV ‖ ciphertext ‖ tag.
 */
import { MAX_SYNC_BLOB_CHARS, type SyncItemKind } from '../../../shared/sync/changes';
import { GCM_IV_BYTES, GCM_TAG_BYTES, GcmAuthenticationError, gcmOpen, gcmSeal } from '../../vault/aesGcm';
import { additionalData, fromBase64Strict, toBase64 } from '../../vault/encoding';
import type { CryptoKey } from '../../vault/webCryptoTypes';
import { SyncEnvelopeError } from './syncEnvelopeError';

/** What the server sees of an item, besides the blob: all of it is bound to the blob. */
export interface EnvelopeOuter {
  readonly kind: SyncItemKind;
  readonly id: string;
  readonly sessionId: string;
  readonly version: number;
  readonly day: string | null;
}

function envelopeAdditionalData(profileId: string, outer: EnvelopeOuter): Uint8Array<ArrayBuffer> {
  return additionalData('cpa/v1/sync-envelope', profileId, outer.kind, outer.id, outer.sessionId, outer.version, outer.day);
}

/** Seals `plaintext` for `outer` of `profileId`. Throws a RangeError when the blob would exceed the protocol's limit. */
export function sealEnvelope(syncKey: CryptoKey, profileId: string, outer: EnvelopeOuter, plaintext: Uint8Array<ArrayBuffer>): Promise<string> {
  return sealBound(syncKey, envelopeAdditionalData(profileId, outer), plaintext, MAX_SYNC_BLOB_CHARS);
}

/** Opens what {@link sealEnvelope} sealed for exactly `outer` of `profileId`; throws {@link SyncEnvelopeError}. */
export function openEnvelope(syncKey: CryptoKey, profileId: string, outer: EnvelopeOuter, blob: string): Promise<Uint8Array<ArrayBuffer>> {
  return openBound(syncKey, envelopeAdditionalData(profileId, outer), blob);
}

/**
 * The cipher under both: AES-256-GCM of `plaintext` with `aad` bound; blob = base64 of IV ‖ ciphertext ‖ tag. Other
 * sealed things of the profile (a tombstone's proof) use it with their own AAD purpose, so no blob opens as another.
 * Throws a RangeError past `maxChars`.
 */
export async function sealBound(syncKey: CryptoKey, aad: Uint8Array<ArrayBuffer>, plaintext: Uint8Array<ArrayBuffer>, maxChars: number): Promise<string> {
  const sealed = await gcmSeal(syncKey, plaintext, aad);
  const bytes = new Uint8Array(sealed.iv.byteLength + sealed.ciphertext.byteLength);
  bytes.set(sealed.iv, 0);
  bytes.set(sealed.ciphertext, sealed.iv.byteLength);
  const blob = toBase64(bytes);
  if (blob.length > maxChars) throw new RangeError('sealed item exceeds the sync blob limit');
  return blob;
}

/** Opens what {@link sealBound} sealed with exactly `aad`; throws {@link SyncEnvelopeError} (`malformed`, `tampered`). */
export async function openBound(syncKey: CryptoKey, aad: Uint8Array<ArrayBuffer>, blob: string): Promise<Uint8Array<ArrayBuffer>> {
  const bytes = fromBase64Strict(blob);
  if (!bytes || bytes.byteLength < GCM_IV_BYTES + GCM_TAG_BYTES) throw new SyncEnvelopeError('malformed');
  try {
    return await gcmOpen(syncKey, { iv: bytes.slice(0, GCM_IV_BYTES), ciphertext: bytes.slice(GCM_IV_BYTES) }, aad);
  } catch (error) {
    if (error instanceof GcmAuthenticationError) throw new SyncEnvelopeError('tampered');
    throw error;
  }
}
