/**
 * One pass of pushing a profile's outbox: its tombstones first (a session deleted here is wiped on the server before
 * anything else is sent), then the items waiting when it starts, in batches the server takes in one transaction,
 * each batch's answer recorded before the next is sent. Items the server did not take (`stale`: pull
 * first; `fenced`: another workstation holds the session's lease) stay in the outbox and are reported, not retried in
 * a loop here.
 */
import { MAX_PUSH_ITEMS, type FencingProof, type PushItem } from '../../../shared/sync/changes';
import type { SyncSession } from '../http/syncClient';
import type { OutboxTombstone } from './outboxFormat';
import type { SyncOutbox } from './syncOutbox';

/**
 * Blob characters per request: keeps one push to a few megabytes (the protocol would take 200 items of 1.5 MB in one
 * body), so a slow link finishes a batch within the request timeout and a failure re-sends little.
 */
export const MAX_PUSH_BATCH_CHARS = 8_000_000;

/** What a pass did. */
export interface PushPass {
  /** Tombstones the server took: gone from the outbox. */
  readonly tombstones: number;
  /** Items the server has now (stored, or already had) or dropped for a deleted session: gone from the outbox. */
  readonly settled: number;
  /** Items the server holds a newer or different same version of: the caller pulls, then decides. */
  readonly stale: readonly PushItem[];
  /** Items of sessions whose lease another workstation holds, with its label. */
  readonly fenced: readonly { readonly item: PushItem; readonly holderLabel: string | null }[];
}

/** Splits `items` into batches of at most {@link MAX_PUSH_ITEMS} items and {@link MAX_PUSH_BATCH_CHARS} characters. */
export function pushBatches(items: readonly PushItem[]): PushItem[][] {
  const batches: PushItem[][] = [];
  let batch: PushItem[] = [];
  let chars = 0;
  for (const item of items) {
    // A batch always takes its first item, so even a largest-possible blob goes out (alone).
    if (batch.length > 0 && (batch.length === MAX_PUSH_ITEMS || chars + item.blob.length > MAX_PUSH_BATCH_CHARS)) {
      batches.push(batch);
      batch = [];
      chars = 0;
    }
    batch.push(item);
    chars += item.blob.length;
  }
  if (batch.length > 0) batches.push(batch);
  return batches;
}

/**
 * Pushes what waits in `outbox` once. `fencingOf` gives the fencing token of a session whose lease this workstation
 * holds (null otherwise); the proofs go with every batch holding that session's items. Throws what the client throws
 * (offline, a server error): the batches answered before stay settled, the rest wait for the next pass.
 * `sealProof` seals the proof of a tombstone that waits without one (queued before tombstones carried proofs):
 * without it, other workstations would refuse that delete.
 */
export async function pushOutbox(
  session: SyncSession,
  outbox: SyncOutbox,
  fencingOf: (sessionId: string) => number | null,
  signal?: AbortSignal,
  sealProof?: (tombstone: OutboxTombstone) => Promise<string>,
): Promise<PushPass> {
  const waitingTombstones = outbox.waitingTombstones();
  for (let start = 0; start < waitingTombstones.length; start += MAX_PUSH_ITEMS) {
    const sessions = waitingTombstones.slice(start, start + MAX_PUSH_ITEMS);
    const proven = await Promise.all(
      sessions.map(async (tombstone) => (tombstone.proof !== undefined || !sealProof ? tombstone : { ...tombstone, proof: await sealProof(tombstone) })),
    );
    await session.tombstones({ sessions: proven }, signal);
    await outbox.settleTombstones(sessions);
  }
  let settled = 0;
  const stale: PushItem[] = [];
  const fenced: { item: PushItem; holderLabel: string | null }[] = [];
  for (const items of pushBatches(outbox.waiting())) {
    const proofs = new Map<string, FencingProof>();
    for (const item of items) {
      const fencing = fencingOf(item.sessionId);
      if (fencing !== null) proofs.set(item.sessionId, { sessionId: item.sessionId, fencing });
    }
    const answer = await session.push({ items, fencing: [...proofs.values()] }, signal);
    settled += await outbox.settle(items, answer);
    answer.results.forEach((result, index) => {
      const item = items[index];
      if (!item) return;
      if (result.status === 'stale') stale.push(item);
      if (result.status === 'fenced') fenced.push({ item, holderLabel: result.holderLabel });
    });
  }
  return { tombstones: waitingTombstones.length, settled, stale, fenced };
}
