/** Sealed-record builders for the store's tests. The ciphertext is opaque filler: the page never opens it anyway. */
import type { SealedRecord, SealedRecordV2 } from '../../../../shared/vault';
import { ClinicHistoryDb } from '../database';

/** A database of its own for one test. */
export function freshDb(): ClinicHistoryDb {
  return new ClinicHistoryDb(`ClinicHistory-test-${crypto.randomUUID()}`);
}

/** A fixed time plus `minutes`, in canonical ISO form. */
export function at(minutes: number): string {
  return new Date(Date.UTC(2026, 0, 1, 8, 0, 0) + minutes * 60_000).toISOString();
}

/** Base64 filler standing in for ciphertext. */
function filler(bytes: number): string {
  return btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(bytes))));
}

/**
 * Fields a test sets on a built record. Records are built in the current format (v2, `rv` 1 unless given); `v: 1`
 * builds a record of the older format instead, without `rv`.
 */
export type RecordOverrides = Partial<Omit<SealedRecordV2, 'v'>> & { v?: 1 | 2 };

/** `base` with `overrides`, in the format `overrides.v` asks for. */
function build(base: Omit<SealedRecordV2, 'v' | 'rv'>, overrides: RecordOverrides): SealedRecord {
  const { v = 2, rv = 1, ...fields } = overrides;
  // A v1 record has no version counter, even when `base` came from a v2 one.
  const { rv: _counter, ...merged } = { ...base, ...fields } as Omit<SealedRecordV2, 'v'>;
  return v === 1 ? { ...merged, v: 1 } : { ...merged, v: 2, rv };
}

/** A session record: its id is its session id. */
export function sessionRecord(overrides: RecordOverrides = {}): SealedRecord {
  const id = overrides.id ?? overrides.sessionId ?? crypto.randomUUID();
  return build(
    {
      id,
      kind: 'session',
      sessionId: id,
      ownerId: 'clinician-a',
      seq: 0,
      parentTurnId: null,
      status: 'complete',
      createdAt: at(0),
      updatedAt: at(0),
      iv: filler(12),
      ct: filler(48),
    },
    overrides,
  );
}

/** A turn record of `sessionId`. */
export function turnRecord(sessionId: string, overrides: RecordOverrides = {}): SealedRecord {
  return build(
    {
      id: crypto.randomUUID(),
      kind: 'turn',
      sessionId,
      ownerId: 'clinician-a',
      seq: 1,
      parentTurnId: null,
      status: 'complete',
      createdAt: at(0),
      updatedAt: at(0),
      iv: filler(12),
      ct: filler(64),
    },
    overrides,
  );
}

/** `record` re-sealed by main: the next version (`rv` + 1; a v1 record becomes v2 at `rv` 1), with new ciphertext. */
export function resealed(record: SealedRecord, overrides: RecordOverrides = {}): SealedRecord {
  const { v: _format, ...fields } = record;
  const rv = record.v === 2 ? record.rv + 1 : 1;
  return build({ ...fields, ct: filler(64) } as Omit<SealedRecordV2, 'v' | 'rv'>, { rv, ...overrides });
}

/** A `QuotaExceededError` as a browser raises it. */
export function quotaError(): DOMException {
  return new DOMException('The quota has been exceeded.', 'QuotaExceededError');
}
