import type { SealedRecord } from '../../shared/vault';
import type { Logger } from '../core/logger';
import { openRecord } from './recordCrypto';
import { RecordOpenError, type RecordOpenFailure } from './recordOpenError';
import { SessionKeyError } from './sessionKeyError';
import type { SessionKeyStore } from './sessionKeyStore';
import type { UnlockedOwner } from './unlockedOwner';
import type { CryptoKey } from './webCryptoTypes';

/** The outcome for one record of a batch: its payload, or why it stays sealed. */
export type OpenOutcome =
  | { readonly id: string; readonly ok: true; readonly record: SealedRecord; readonly payload: unknown }
  | { readonly id: string; readonly ok: false; readonly reason: RecordOpenFailure };

/** What a key-store refusal means for a record of that session. */
function reasonForKeyError(error: SessionKeyError): RecordOpenFailure | null {
  switch (error.reason) {
    case 'shredded':
      return 'shredded';
    case 'unknown-session':
      return 'unknown-key';
    case 'other-owner':
      return 'wrong-owner';
    case 'unwrap-failed':
      return 'unknown-key';
    default:
      return null;
  }
}

/**
 * Opens `records` for `owner`, each on its own: a record that fails (damaged, tampered, shredded, someone else's)
 * is quarantined — reported with its reason — and the rest of the history still opens. Outcomes are in input order.
 *
 * A record claiming another owner is refused before any key is looked up. A lock during the batch is not a
 * per-record failure: it rejects the whole call with `LOCKED`.
 */
export async function openBatch(
  keys: SessionKeyStore,
  owner: UnlockedOwner,
  records: readonly SealedRecord[],
  logger: Logger,
): Promise<OpenOutcome[]> {
  // One key lookup per session, shared by its records.
  const keyLookups = new Map<string, Promise<CryptoKey>>();
  const keyOf = (sessionId: string): Promise<CryptoKey> => {
    let lookup = keyLookups.get(sessionId);
    if (!lookup) {
      lookup = keys.keyFor(sessionId, owner);
      // Failures are handled per record below; this only keeps an unawaited rejection from being reported.
      lookup.catch(() => undefined);
      keyLookups.set(sessionId, lookup);
    }
    return lookup;
  };

  const outcomes = await Promise.all(
    records.map(async (record): Promise<OpenOutcome> => {
      const id = typeof record.id === 'string' ? record.id : '';
      if (record.ownerId !== owner.ownerId) return { id, ok: false, reason: 'wrong-owner' };
      try {
        const payload = await openRecord(await keyOf(record.sessionId), record);
        return { id, ok: true, record, payload };
      } catch (error) {
        if (error instanceof RecordOpenError) return { id, ok: false, reason: error.reason };
        if (error instanceof SessionKeyError) {
          const reason = reasonForKeyError(error);
          if (reason) return { id, ok: false, reason };
        }
        throw error;
      }
    }),
  );
  const failed = outcomes.filter((outcome) => !outcome.ok).length;
  if (failed > 0) logger.warn('vault.records_quarantined', { count: failed, of: records.length });
  return outcomes;
}
