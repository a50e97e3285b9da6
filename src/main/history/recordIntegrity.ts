import { recordVersionOf, type SealedRecord } from '../../shared/vault';
import type { KnownManifest } from './historyMemory';

/**
 * True when an authentic session record is older than the newest version this workstation confirmed storing (the
 * key store's anchor), or than a newer version main has already seen since sign-in: an older copy was put back.
 */
export function sessionRecordRolledBack(record: SealedRecord, anchor: number, known: KnownManifest | null): boolean {
  const rv = recordVersionOf(record);
  return rv < anchor || (known !== null && rv < known.sessionRv);
}

/** True when an authentic turn record is older than the version its session's newest known manifest lists. */
export function turnRecordRolledBack(record: SealedRecord, known: KnownManifest | null): boolean {
  const listed = known?.turns.get(record.id);
  return listed !== undefined && recordVersionOf(record) < listed.rv;
}
