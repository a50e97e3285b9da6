/**
 * What a pulled page does on this workstation, change by change in change-number order: a session key joins the key
 * store (wrapped by the profile's data key, as the keys made here), a record goes to the page only once it opens with
 * main's keys (one whose key has not arrived waits here and is tried again after key items), and a tombstone the
 * workstation can trust (see tombstoneCheck.ts) shreds the session before any later record of it is looked at; one
 * it cannot trust is refused and the session keeps syncing.
 */
import type { SealedRecordV2 } from '../../../shared/vault';
import { errorKind, type Logger } from '../../core/logger';
import { openRecord } from '../../vault/recordCrypto';
import { SessionKeyError } from '../../vault/sessionKeyError';
import type { SessionKeyStore } from '../../vault/sessionKeyStore';
import type { SessionKeyEntry } from '../../vault/sessionKeyFileFormat';
import type { UnlockedOwner } from '../../vault/unlockedOwner';
import type { SyncedItem } from '../envelope/syncItems';
import type { PulledPage } from './pullChanges';
import { checkTombstone } from './tombstoneCheck';

/** What applying needs from main. */
export interface PulledPageTargets {
  readonly keys: SessionKeyStore;
  /** Shreds sessions deleted elsewhere: key destroyed, live session closed, search index entries dropped. */
  readonly shred: (sessionIds: readonly string[]) => Promise<void>;
  readonly logger: Logger;
  /**
   * The trusted time minus the retention period (ms since the epoch): a session whose last turn is at or before it
   * is past retention here, so a tombstone without a proof (the server's retention) may shred it. Absent or null:
   * such tombstones never shred (local retention does, in its time).
   */
  readonly retentionCutoffMs?: () => number | null;
  /**
   * Main's trusted time (ms since the epoch): a pulled key entry's last-turn time is capped at it. The entry is sealed
   * by the profile's data key, but by a workstation whose clock may be wrong; a last turn "in the future" would keep
   * the session past its retention here.
   */
  readonly trustedNowMs: () => number;
}

/** What one page did, for the status and the audit (counts and ids only). */
export interface AppliedPage {
  /** Records that opened, to deliver to the page as main delivers its own. */
  readonly records: SealedRecordV2[];
  readonly keysAdded: number;
  /** Sessions shredded here because they were deleted elsewhere. */
  readonly deletedSessions: string[];
  /** Sessions whose tombstone was refused (no valid proof, not past retention here): kept, still syncing. */
  readonly refusedTombstones: string[];
}

/**
 * Records whose session key has not arrived yet, by session id (newest version of each record kept), each with the
 * envelope it came in. The pull cursor moves past them, so they are kept on disk too (waitingRecordsFile.ts, written
 * before the cursor): a lock or a restart does not lose them, and the key arriving later still delivers them.
 */
export class WaitingRecords {
  readonly #bySession = new Map<string, Map<string, { readonly record: SealedRecordV2; readonly sealed: SyncedItem | null }>>();
  #changed = false;

  /** Keeps `record`; `sealed` is its envelope as pulled (what is stored on disk), null when there is none. */
  add(record: SealedRecordV2, sealed: SyncedItem | null = null): void {
    const records = this.#bySession.get(record.sessionId) ?? new Map<string, { record: SealedRecordV2; sealed: SyncedItem | null }>();
    const current = records.get(record.id);
    if (!current || current.record.rv < record.rv) {
      records.set(record.id, { record, sealed });
      this.#changed = true;
    }
    this.#bySession.set(record.sessionId, records);
  }

  take(sessionId: string): SealedRecordV2[] {
    const records = [...(this.#bySession.get(sessionId)?.values() ?? [])].map((waiting) => waiting.record);
    if (this.#bySession.delete(sessionId)) this.#changed = true;
    return records;
  }

  drop(sessionId: string): void {
    if (this.#bySession.delete(sessionId)) this.#changed = true;
  }

  /** True when records were added or taken since {@link saved}. */
  get changed(): boolean {
    return this.#changed;
  }

  /** What is waiting was stored. */
  saved(): void {
    this.#changed = false;
  }

  /** The envelopes of the records waiting (those that came with one). */
  sealedItems(): SyncedItem[] {
    return [...this.#bySession.values()].flatMap((records) => [...records.values()].flatMap((waiting) => (waiting.sealed ? [waiting.sealed] : [])));
  }

  get size(): number {
    let count = 0;
    for (const records of this.#bySession.values()) count += records.size;
    return count;
  }
}

/** `entry` with its last-turn time no later than `nowMs`. */
function cappedAt(entry: SessionKeyEntry, nowMs: number): SessionKeyEntry {
  const lastTurnAtMs = Date.parse(entry.lastTurnAt);
  return Number.isFinite(nowMs) && lastTurnAtMs > nowMs ? { ...entry, lastTurnAt: new Date(nowMs).toISOString() } : entry;
}

/** Applies `page` for `owner`; see the file's comment. Throws only when the key store cannot be written. */
export async function applyPulledPage(page: PulledPage, owner: UnlockedOwner, waiting: WaitingRecords, targets: PulledPageTargets): Promise<AppliedPage> {
  const records: SealedRecordV2[] = [];
  const deletedSessions: string[] = [];
  const refusedTombstones: string[] = [];
  let keysAdded = 0;
  const deliverIfOpens = async (record: SealedRecordV2, sealed: SyncedItem | null): Promise<void> => {
    if (targets.keys.isShredded(record.sessionId)) return;
    if (!targets.keys.has(record.sessionId)) {
      waiting.add(record, sealed);
      return;
    }
    try {
      await openRecord(await targets.keys.keyFor(record.sessionId, owner), record);
      records.push(record);
    } catch (error) {
      // The profile locked meanwhile: the page stops here and its cursor is not written, so the record comes again.
      if (error instanceof SessionKeyError && error.reason === 'locked') throw error;
      // Authentic envelope, but the record does not open with the session's key: never shown, never stored.
      targets.logger.warn('sync.record_refused', { sessionId: record.sessionId, error: errorKind(error) });
    }
  };
  /** Adopts `entries` with one key store write and delivers what waited for them; refusals as a single adopt's. */
  const adoptKeys = async (entries: readonly SessionKeyEntry[]): Promise<void> => {
    if (entries.length === 0) return;
    const nowMs = targets.trustedNowMs();
    const outcomes = await targets.keys.adoptAll(
      entries.map((entry) => cappedAt(entry, nowMs)),
      owner,
    );
    for (const [index, entry] of entries.entries()) {
      const outcome = outcomes[index];
      if (outcome instanceof SessionKeyError) {
        if (outcome.reason === 'locked') throw outcome;
        // A session deleted here stays deleted; its key does not come back.
        if (outcome.reason !== 'shredded') targets.logger.warn('sync.key_refused', { sessionId: entry.sessionId, reason: outcome.reason });
        continue;
      }
      if (outcome === 'added') keysAdded += 1;
      for (const record of waiting.take(entry.sessionId)) await deliverIfOpens(record, null);
    }
  };
  // The keys up to the next tombstone are adopted together, before the records among them: a record then opens as it
  // comes instead of waiting for its key further on (the result is the same). A key after a tombstone is adopted only
  // after that tombstone, so a session it shreds is refused as in change order.
  let keysAdoptedUpTo = 0;
  for (const [index, change] of page.changes.entries()) {
    if (index >= keysAdoptedUpTo) {
      const next = page.changes.findIndex((later, laterIndex) => laterIndex >= index && later.kind === 'tombstone');
      keysAdoptedUpTo = next === -1 ? page.changes.length : next + 1;
      const segment = page.changes.slice(index, keysAdoptedUpTo);
      await adoptKeys(segment.flatMap((item) => (item.kind === 'key' ? [item.entry] : [])));
    }
    if (change.kind === 'key') continue;
    if (change.kind === 'record') {
      await deliverIfOpens(change.record, change.sealed ?? null);
    } else if (change.kind === 'tombstone') {
      const verdict = await checkTombstone(change, owner, targets.keys, targets.retentionCutoffMs?.() ?? null);
      if (!verdict.shred) {
        targets.logger.warn('sync.tombstone_refused', { sessionId: change.sessionId, reason: verdict.reason });
        refusedTombstones.push(change.sessionId);
        continue;
      }
      waiting.drop(change.sessionId);
      for (let index = records.length - 1; index >= 0; index -= 1) if (records[index]?.sessionId === change.sessionId) records.splice(index, 1);
      if (targets.keys.has(change.sessionId)) {
        await targets.shred([change.sessionId]);
        deletedSessions.push(change.sessionId);
      }
    } else {
      targets.logger.warn('sync.item_refused', { sessionId: change.sessionId, reason: change.reason });
    }
  }
  return { records, keysAdded, deletedSessions, refusedTombstones };
}
