import { PAYLOAD_FORMAT_VERSION, type SealedRecord } from '../../shared/vault';
import { GCM_IV_BYTES, GCM_TAG_BYTES, GcmAuthenticationError, gcmOpen, gcmSeal } from './aesGcm';
import { additionalData, fromBase64Strict, toBase64, utf8 } from './encoding';
import { RecordOpenError } from './recordOpenError';
import type { CryptoKey } from './webCryptoTypes';

/** The plaintext fields of a sealed record: ids, owner, times, counts and status — never patient data. */
export type SealedRecordHeader = Omit<SealedRecord, 'iv' | 'ct'>;

/**
 * The additional data of a record: its id, session id, owner, kind and payload-format version, canonically
 * encoded. Binding these means a payload copied into another record, session or profile — or replayed under
 * another format version — fails authentication instead of opening as something it is not.
 */
export function recordAdditionalData(header: Pick<SealedRecord, 'id' | 'sessionId' | 'ownerId' | 'kind' | 'v'>): Uint8Array<ArrayBuffer> {
  return additionalData('cpa.record', header.id, header.sessionId, header.ownerId, header.kind, header.v);
}

/**
 * Seals `payload` (JSON) under the session key into a record with `header`'s plaintext fields.
 *
 * Warning: only main seals. Never seal a payload the renderer composed on its own, or resume could no longer
 * trust that every record it is handed was written by main.
 */
export async function sealRecord(key: CryptoKey, header: SealedRecordHeader, payload: unknown): Promise<SealedRecord> {
  if (header.v !== PAYLOAD_FORMAT_VERSION) throw new TypeError('sealRecord writes only the current payload format version');
  const json = JSON.stringify(payload);
  if (json === undefined) throw new TypeError('sealRecord needs a JSON-serializable payload');
  const sealed = await gcmSeal(key, utf8(json), recordAdditionalData(header));
  return { ...header, iv: toBase64(sealed.iv), ct: toBase64(sealed.ciphertext) };
}

/**
 * Opens a record sealed by {@link sealRecord} and returns its payload. Throws {@link RecordOpenError}: `malformed`
 * when the record's shape is wrong, `tampered` when authentication fails (any altered bit, or header fields that
 * are not the ones it was sealed with).
 */
export async function openRecord(key: CryptoKey, record: SealedRecord): Promise<unknown> {
  const id = typeof record.id === 'string' ? record.id : null;
  const iv = fromBase64Strict(record.iv, GCM_IV_BYTES);
  const ct = fromBase64Strict(record.ct);
  const headerOk =
    id !== null &&
    typeof record.sessionId === 'string' &&
    typeof record.ownerId === 'string' &&
    typeof record.kind === 'string' &&
    Number.isSafeInteger(record.v);
  if (!headerOk || !iv || !ct || ct.byteLength < GCM_TAG_BYTES) throw new RecordOpenError('malformed', id);

  let plaintext: Uint8Array<ArrayBuffer>;
  try {
    plaintext = await gcmOpen(key, { iv, ciphertext: ct }, recordAdditionalData(record));
  } catch (error) {
    if (error instanceof GcmAuthenticationError) throw new RecordOpenError('tampered', id);
    throw error;
  }
  try {
    return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(plaintext)) as unknown;
  } catch {
    // Authentic but not JSON: main never writes that, so the record is treated as damaged rather than trusted.
    throw new RecordOpenError('malformed', id);
  }
}
