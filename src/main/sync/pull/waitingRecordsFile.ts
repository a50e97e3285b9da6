/**
 * `waiting.json` beside a profile's outbox: the pulled records whose session key has not arrived yet, kept as the
 * server gave them — still in their sync envelopes, sealed by the profile's data key — so a lock or a restart does not
 * lose them (the pull cursor has moved past them: they would never be pulled again). Written atomically before the
 * cursor moves past their page; read and opened again at the next unlock.
 */
import { z } from 'zod';
import { formatIssues } from '../../../shared/formatIssues';
import { PushItem } from '../../../shared/sync/changes';
import type { Logger } from '../../core/logger';
import type { UnlockedOwner } from '../../vault/unlockedOwner';
import { SyncEnvelopeError } from '../envelope/syncEnvelopeError';
import { openSyncedItem, type SyncedItem } from '../envelope/syncItems';
import { OUTBOX_FORMAT } from '../outbox/outboxFormat';
import type { SyncStateFiles } from '../outbox/outboxFiles';
import { WaitingRecords } from './applyPulledPage';

/** The file's contents: envelopes only (ids, versions and sealed blobs — what the server itself holds). */
const WaitingFile = z.strictObject({ f: z.literal(OUTBOX_FORMAT), items: z.array(PushItem) });

/**
 * The waiting records of `owner` kept at `path` (none when there is no file). An envelope that no longer opens, or a
 * damaged file, is logged and left out: it can hold nothing that was not also on the server.
 */
export async function readWaitingRecords(path: string, owner: UnlockedOwner, files: SyncStateFiles, logger: Logger): Promise<WaitingRecords> {
  const waiting = new WaitingRecords();
  const text = await files.read(path);
  if (text === null) return waiting;
  let parsed: z.infer<typeof WaitingFile>;
  try {
    const result = WaitingFile.safeParse(JSON.parse(text));
    if (!result.success) throw new Error(formatIssues(result.error));
    parsed = result.data;
  } catch {
    logger.error('sync.waiting_file_unreadable', {});
    return waiting;
  }
  for (const item of parsed.items) {
    try {
      const opened = await openSyncedItem(owner, item);
      if (opened.kind === 'record') waiting.add(opened.record, item);
    } catch (error) {
      if (!(error instanceof SyncEnvelopeError)) throw error;
      logger.warn('sync.waiting_item_refused', { reason: error.reason });
    }
  }
  waiting.saved();
  return waiting;
}

/** Stores what waits now, atomically, when it changed since the last write (or read). */
export async function writeWaitingRecords(path: string, waiting: WaitingRecords, files: SyncStateFiles): Promise<void> {
  if (!waiting.changed) return;
  const items: SyncedItem[] = waiting.sealedItems();
  await files.replace(path, `${JSON.stringify(WaitingFile.parse({ f: OUTBOX_FORMAT, items }))}\n`);
  waiting.saved();
}
