/**
 * `heads.json` beside a profile's outbox: the session records last pulled for sessions whose own session record waits
 * in the outbox, kept as the server gave them — still in their sync envelopes, sealed by the profile's data key — so
 * a restart between pulling the other workstation's record and merging does not lose the pulled side: the pull
 * cursor has moved past it, it would never be pulled again, and the stale copy would wait as an error until the
 * session changed again. Written before the cursor moves past the page; read and opened again at the next unlock.
 */
import { z } from 'zod';
import { formatIssues } from '../../../shared/formatIssues';
import { PushItem } from '../../../shared/sync/changes';
import type { SealedRecordV2 } from '../../../shared/vault';
import type { Logger } from '../../core/logger';
import type { UnlockedOwner } from '../../vault/unlockedOwner';
import { SyncEnvelopeError } from '../envelope/syncEnvelopeError';
import { openSyncedItem, type SyncedItem } from '../envelope/syncItems';
import { OUTBOX_FORMAT } from '../outbox/outboxFormat';
import type { SyncStateFiles } from '../outbox/outboxFiles';
import type { SyncOutbox } from '../outbox/syncOutbox';
import type { PulledPage } from '../pull/pullChanges';
import { SessionHeads } from './sessionHeads';

/** The file's contents: envelopes only (ids, versions and sealed blobs — what the server itself holds). */
const HeadsFile = z.strictObject({ f: z.literal(OUTBOX_FORMAT), items: z.array(PushItem) });

/**
 * The pulled heads of `owner` kept at `path`, in a fresh {@link SessionHeads} (empty when there is no file). Each
 * envelope is opened and checked again with main's keys, so nothing the file was changed to can take part in a merge;
 * one that no longer opens, or a damaged file, is logged and left out — it held nothing the server does not hold.
 */
export async function readPulledHeads(path: string, owner: UnlockedOwner, files: SyncStateFiles, logger: Logger): Promise<SessionHeads> {
  const heads = new SessionHeads();
  const text = await files.read(path);
  if (text === null) return heads;
  let parsed: z.infer<typeof HeadsFile>;
  try {
    const result = HeadsFile.safeParse(JSON.parse(text));
    if (!result.success) throw new Error(formatIssues(result.error));
    parsed = result.data;
  } catch {
    logger.error('sync.heads_file_unreadable', {});
    return heads;
  }
  for (const item of parsed.items) {
    try {
      const opened = await openSyncedItem(owner, item);
      if (opened.kind === 'record' && opened.record.kind === 'session' && opened.record.id === opened.record.sessionId) heads.notePulled(opened.record, item);
    } catch (error) {
      if (!(error instanceof SyncEnvelopeError)) throw error;
      logger.warn('sync.heads_item_refused', { reason: error.reason });
    }
  }
  heads.saved();
  return heads;
}

/**
 * Stores, atomically, the pulled heads of the sessions `keep` names (those whose session record waits in the outbox:
 * only they can still be refused as stale), when a pulled head changed since the last write (or read).
 */
export async function writePulledHeads(path: string, heads: SessionHeads, keep: (sessionId: string) => boolean, files: SyncStateFiles): Promise<void> {
  if (!heads.changed) return;
  const items = heads.pulledEnvelopes(keep);
  await files.replace(path, `${JSON.stringify(HeadsFile.parse({ f: OUTBOX_FORMAT, items }))}\n`);
  heads.saved();
}

/** The envelope `record` came in on `page`, or null (a record that waited for its key came without one). */
export function envelopeOf(page: PulledPage, record: SealedRecordV2): SyncedItem | null {
  for (const change of page.changes) if (change.kind === 'record' && change.record === record) return change.sealed ?? null;
  return null;
}

/** True when `sessionId`'s own session record waits in `outbox`: the only case its pulled head is kept on disk for. */
export function hasWaitingSessionRecord(outbox: Pick<SyncOutbox, 'waiting'>, sessionId: string): boolean {
  return outbox.waiting().some((item) => item.kind === 'record' && item.id === sessionId && item.sessionId === sessionId);
}
