/**
 * One pull pass: the pages of changes after the profile's cursor, each item's envelope opened with the profile's
 * keys before anyone sees it, handed to `apply` page by page, the cursor written only after `apply` finished — so a
 * crash re-pulls a page (items carry versions: applying one twice changes nothing) and never skips one.
 */
import type { Change } from '../../../shared/sync/changes';
import type { UnlockedOwner } from '../../vault/unlockedOwner';
import { SyncEnvelopeError, type SyncEnvelopeFailure } from '../envelope/syncEnvelopeError';
import { openSyncedItem, type OpenedSyncItem, type SyncedItem } from '../envelope/syncItems';
import type { SyncSession } from '../http/syncClient';
import { SyncProtocolError } from '../http/syncClientErrors';
import { durableSyncStateFiles, type SyncStateFiles } from '../outbox/outboxFiles';
import { readSyncCursor, writeSyncCursor } from '../outbox/syncCursor';

/** A tombstone as pulled: the session is gone everywhere. */
export type PulledTombstone = Extract<Change, { kind: 'tombstone' }>;

/** One pulled change, opened: an item with its contents, a tombstone, or an item refused (and why). */
export type PulledChange =
  | ({ readonly changeNo: number; readonly sealed?: SyncedItem } & OpenedSyncItem)
  | PulledTombstone
  | { readonly kind: 'refused'; readonly changeNo: number; readonly sessionId: string; readonly reason: SyncEnvelopeFailure };

/** What `apply` gets: the page's changes in change-number order, and whether the server asked for a full resync. */
export interface PulledPage {
  readonly changes: readonly PulledChange[];
  /**
   * True on the first page of a resync (the cursor was older than the server's tombstone horizon): the pages that
   * follow are everything from 0. Warning: a resync must not delete local items the server does not list — they
   * may not have been pushed yet (they are in the outbox).
   */
  readonly resync: boolean;
}

/** Options of a pass. */
export interface PullOptions {
  readonly cursorPath: string;
  /** Changes per page (the server's default when absent). */
  readonly limit?: number;
  readonly files?: SyncStateFiles;
  readonly signal?: AbortSignal;
}

/**
 * Pulls until the server has nothing more. Refused items (see `SyncEnvelopeError`) are handed on as `refused`, so
 * the caller can report them, and do not stop the pass: one bad item must not keep every later change away. Throws
 * what the client throws, and {@link SyncProtocolError} for pages out of order or a resync asked from cursor 0 or
 * a second time in the pass. Returns the cursor reached.
 */
export async function pullChanges(session: SyncSession, owner: UnlockedOwner, apply: (page: PulledPage) => Promise<void>, options: PullOptions): Promise<number> {
  const files = options.files ?? durableSyncStateFiles;
  let after = await readSyncCursor(options.cursorPath, files);
  let resynced = false;
  for (;;) {
    const page = await session.pull(options.limit === undefined ? { after } : { after, limit: options.limit }, options.signal);
    if (page.resync) {
      if (page.changes.length > 0) throw new SyncProtocolError(200, 'a resync answer with changes');
      // From 0 there is nothing older to miss, and one restart per pass is all a server can need: anything else
      // would have this pass ask forever.
      if (after === 0 || resynced) throw new SyncProtocolError(200, 'a resync asked from the start or twice in one pass');
      resynced = true;
      await apply({ changes: [], resync: true });
      after = 0;
      await writeSyncCursor(options.cursorPath, after, files);
      continue;
    }
    checkOrder(after, page.changes, page.next);
    const changes: PulledChange[] = [];
    for (const change of page.changes) changes.push(await openChange(owner, change));
    if (changes.length > 0) await apply({ changes, resync: false });
    if (page.next !== after) {
      after = page.next;
      await writeSyncCursor(options.cursorPath, after, files);
    }
    if (!page.more) return after;
    // A page that says "more" but moved nothing would loop forever.
    if (page.changes.length === 0) throw new SyncProtocolError(200, 'more changes announced, none sent');
  }
}

/** Changes come after the cursor, in strictly growing order, and `next` is the last of them (or the cursor). */
function checkOrder(after: number, changes: readonly Change[], next: number): void {
  let previous = after;
  for (const change of changes) {
    if (change.changeNo <= previous) throw new SyncProtocolError(200, 'changes out of order or before the cursor');
    previous = change.changeNo;
  }
  if (next !== previous) throw new SyncProtocolError(200, 'a cursor that is not the last change');
}

async function openChange(owner: UnlockedOwner, change: Change): Promise<PulledChange> {
  if (change.kind === 'tombstone') return change;
  try {
    const opened = await openSyncedItem(owner, change);
    // A record keeps its envelope: one that must wait for its key is stored as it came (see waitingRecordsFile.ts).
    if (opened.kind === 'record') {
      const { kind, id, sessionId, version, day, blob } = change;
      return { changeNo: change.changeNo, ...opened, sealed: { kind, id, sessionId, version, day, blob } };
    }
    return { changeNo: change.changeNo, ...opened };
  } catch (error) {
    if (error instanceof SyncEnvelopeError) return { kind: 'refused', changeNo: change.changeNo, sessionId: change.sessionId, reason: error.reason };
    throw error;
  }
}
