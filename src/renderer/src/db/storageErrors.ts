/**
 * How a failed IndexedDB operation is told: as data (`{ ok: false, code, message }`), with a message a clinician can
 * act on. Raw IndexedDB/Dexie errors never leave this folder: their text is for developers and varies by browser.
 */

/** Why a write did not happen. `STORAGE_FULL`: the disk or the origin's quota is full; anything else is `STORAGE_FAILED`. */
export type StorageFailureCode = 'STORAGE_FULL' | 'STORAGE_FAILED';

/** A failed store operation, as data. The message is for the clinician and never holds patient data. */
export interface StorageFailure {
  ok: false;
  code: StorageFailureCode;
  message: string;
}

/** Shown when the quota or the disk is full. */
export const STORAGE_FULL_MESSAGE =
  'This workstation has run out of storage space for conversation history, so the latest entry could not be saved. ' +
  'Free up disk space or ask IT for help, then try again.';

/** Shown for any other storage error. */
export const STORAGE_FAILED_MESSAGE =
  'Conversation history could not be saved on this workstation because of a storage error. ' +
  'Try again; if it keeps happening, restart the app or contact IT.';

/** Shown when a read of the history fails. */
export const STORAGE_READ_FAILED_MESSAGE =
  'Conversation history could not be read on this workstation because of a storage error. ' +
  'Try again; if it keeps happening, restart the app or contact IT.';

/** Builds a failure. */
export function storageFailure(code: StorageFailureCode, message: string): StorageFailure {
  return { ok: false, code, message };
}

/** Error names browsers use when a write exceeds the quota (Firefox's legacy name included). */
const QUOTA_ERROR_NAMES = new Set(['QuotaExceededError', 'NS_ERROR_DOM_QUOTA_REACHED']);
/** `DOMException.QUOTA_EXCEEDED_ERR`. */
const QUOTA_EXCEEDED_ERR = 22;
/** How deep to look through wrapped errors (Dexie wraps the IndexedDB error, a bulk error lists its failures). */
const MAX_DEPTH = 4;

/**
 * True when `error` is, or wraps, a quota error. Dexie reports a full quota as its own `QuotaExceededError`, as an
 * `AbortError` whose `inner` is the DOMException (the transaction aborted), or as a `BulkError` listing failures.
 */
export function isQuotaError(error: unknown, depth = 0): boolean {
  if (depth > MAX_DEPTH || typeof error !== 'object' || error === null) return false;
  const candidate = error as { name?: unknown; code?: unknown; inner?: unknown; cause?: unknown; failures?: unknown };
  if (typeof candidate.name === 'string' && QUOTA_ERROR_NAMES.has(candidate.name)) return true;
  if (typeof DOMException !== 'undefined' && error instanceof DOMException && candidate.code === QUOTA_EXCEEDED_ERR) return true;
  const nested: unknown[] = [candidate.inner, candidate.cause];
  if (Array.isArray(candidate.failures)) nested.push(...(candidate.failures as unknown[]));
  return nested.some((inner) => inner !== undefined && inner !== error && isQuotaError(inner, depth + 1));
}

/** The failure to report for a write that threw `error`. */
export function writeFailure(error: unknown): StorageFailure {
  return isQuotaError(error)
    ? storageFailure('STORAGE_FULL', STORAGE_FULL_MESSAGE)
    : storageFailure('STORAGE_FAILED', STORAGE_FAILED_MESSAGE);
}

/**
 * A read of the history failed. Reads feed views (and `useLiveQuery`), which expect a thrown error, so they throw
 * this — with the clinician's message and a code — instead of the raw IndexedDB error (kept as `cause` for logs).
 */
export class HistoryReadError extends Error {
  override readonly name = 'HistoryReadError';
  readonly code: StorageFailureCode = 'STORAGE_FAILED';
  constructor(cause: unknown) {
    super(STORAGE_READ_FAILED_MESSAGE, { cause });
  }
}
