import { PAYLOAD_FORMAT_VERSION, type SealedRecord, type SealedRecordV2 } from '../../shared/vault';
import { GCM_IV_BYTES, GCM_TAG_BYTES, GcmAuthenticationError, gcmOpen, gcmSeal } from './aesGcm';
import { additionalData, fromBase64Strict, toBase64, utf8 } from './encoding';
import { RecordOpenError } from './recordOpenError';
import type { CryptoKey } from './webCryptoTypes';

/** The plaintext fields of a record main seals now (format v2): ids, owner, position, status, times, version. */
export type SealedRecordHeader = Omit<SealedRecordV2, 'iv' | 'ct'>;

/**
 * The additional data of a record, canonically encoded.
 *
 * - v1 (read only): its id, session id, owner, kind and format version — a payload copied into another record,
 *   session or profile fails, but seq, status, parent and times were trusted as stored.
 * - v2: every header field — id, kind, session, owner, seq, parentTurnId, status, createdAt, updatedAt, format and
 *   the version counter `rv`. Editing any plaintext copy (swapping two turns' seq, relabelling a failed answer as
 *   complete, putting back an older version under a newer counter) makes the record fail to open, so the header a
 *   reader sees after a successful open is the one main sealed.
 */
export function recordAdditionalData(record: SealedRecord | SealedRecordHeader): Uint8Array<ArrayBuffer> {
  if (record.v === 1) return additionalData('cpa.record', record.id, record.sessionId, record.ownerId, record.kind, record.v);
  return additionalData(
    'cpa.record.v2',
    record.id,
    record.kind,
    record.sessionId,
    record.ownerId,
    record.seq,
    record.parentTurnId,
    record.status,
    record.createdAt,
    record.updatedAt,
    record.v,
    record.rv,
  );
}

/**
 * Seals `payload` (JSON) under the session key into a format-v2 record with `header`'s plaintext fields, all of
 * them authenticated.
 *
 * Warning: only main seals. Never seal a payload the renderer composed on its own, or resume could no longer
 * trust that every record it is handed was written by main.
 */
export async function sealRecord(key: CryptoKey, header: SealedRecordHeader, payload: unknown): Promise<SealedRecordV2> {
  if (header.v !== PAYLOAD_FORMAT_VERSION) throw new TypeError('sealRecord writes only the current payload format version');
  if (!Number.isSafeInteger(header.rv) || header.rv < 1) throw new TypeError('sealRecord needs a record version counter of 1 or more');
  const json = JSON.stringify(payload);
  if (json === undefined) throw new TypeError('sealRecord needs a JSON-serializable payload');
  const sealed = await gcmSeal(key, utf8(json), recordAdditionalData(header));
  return { ...header, iv: toBase64(sealed.iv), ct: toBase64(sealed.ciphertext) };
}

/** True when the header fields the additional data encodes have the types main writes. */
function headerIsWellFormed(record: SealedRecord): boolean {
  const common =
    typeof record.id === 'string' &&
    typeof record.sessionId === 'string' &&
    typeof record.ownerId === 'string' &&
    typeof record.kind === 'string';
  if (!common) return false;
  if (record.v === 1) return true;
  return (
    record.v === 2 &&
    Number.isSafeInteger(record.seq) &&
    (record.parentTurnId === null || typeof record.parentTurnId === 'string') &&
    typeof record.status === 'string' &&
    typeof record.createdAt === 'string' &&
    typeof record.updatedAt === 'string' &&
    Number.isSafeInteger(record.rv)
  );
}

/**
 * Opens a record sealed by {@link sealRecord} (or a v1 record) and returns its payload. Throws
 * {@link RecordOpenError}: `malformed` when the record's shape is wrong or its format unknown, `tampered` when
 * authentication fails (any altered bit, or header fields that are not the ones it was sealed with).
 */
export async function openRecord(key: CryptoKey, record: SealedRecord): Promise<unknown> {
  const id = typeof record.id === 'string' ? record.id : null;
  const iv = fromBase64Strict(record.iv, GCM_IV_BYTES);
  const ct = fromBase64Strict(record.ct);
  if (!headerIsWellFormed(record) || !iv || !ct || ct.byteLength < GCM_TAG_BYTES) throw new RecordOpenError('malformed', id);

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
