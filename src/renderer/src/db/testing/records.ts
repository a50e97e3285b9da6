/** Sealed-record builders for the store's tests. The ciphertext is opaque filler: the page never opens it anyway. */
import type { SealedRecord } from '../../../../shared/vault';
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

/** A session record: its id is its session id. */
export function sessionRecord(overrides: Partial<SealedRecord> = {}): SealedRecord {
  const id = overrides.id ?? overrides.sessionId ?? crypto.randomUUID();
  return {
    id,
    kind: 'session',
    sessionId: id,
    ownerId: 'clinician-a',
    seq: 0,
    parentTurnId: null,
    status: 'complete',
    createdAt: at(0),
    updatedAt: at(0),
    v: 1,
    iv: filler(12),
    ct: filler(48),
    ...overrides,
  };
}

/** A turn record of `sessionId`. */
export function turnRecord(sessionId: string, overrides: Partial<SealedRecord> = {}): SealedRecord {
  return {
    id: crypto.randomUUID(),
    kind: 'turn',
    sessionId,
    ownerId: 'clinician-a',
    seq: 1,
    parentTurnId: null,
    status: 'complete',
    createdAt: at(0),
    updatedAt: at(0),
    v: 1,
    iv: filler(12),
    ct: filler(64),
    ...overrides,
  };
}

/** A `QuotaExceededError` as a browser raises it. */
export function quotaError(): DOMException {
  return new DOMException('The quota has been exceeded.', 'QuotaExceededError');
}
