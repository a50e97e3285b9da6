/**
 * The fork step of a sync cycle, after the pull: for every session whose session record was pulled fresh, or whose
 * own session record the server just refused as `stale`, compares the newest pulled record with the one this
 * workstation holds as its own (see {@link SessionHeads}) and
 * - seals the merged record when they diverged (it replaces the stale copy in the outbox: a higher version);
 * - drops the stale copies (session record, key entry) when the pulled record already lists everything they list —
 *   the other workstation merged first, or sealed the same — so nothing sits in the outbox as an error forever.
 */
import type { PushItem } from '../../../shared/sync/changes';
import type { SealedRecordV2 } from '../../../shared/vault';
import type { UnlockedOwner } from '../../vault/unlockedOwner';
import { openSyncedItem } from '../envelope/syncItems';
import type { SyncOutbox } from '../outbox/syncOutbox';
import { reconcilePulledSession, type ForkReconcilerDeps } from './forkReconciler';
import type { SessionHeads } from './sessionHeads';

/** One cycle's inputs. */
export interface ForkCycleInput {
  readonly owner: UnlockedOwner;
  readonly outbox: Pick<SyncOutbox, 'waiting' | 'settle'>;
  readonly heads: SessionHeads;
  /** Items the last push got `stale` for. */
  readonly stale: readonly PushItem[];
  /** Sessions whose session record was pulled fresh in this cycle. */
  readonly pulledSessions: ReadonlySet<string>;
  /**
   * Sessions not to merge now: a turn runs on them here (its session record, sealed next from the live counters,
   * would collide with a merged one). Their stale copy is refused again at the next push and merged then.
   */
  readonly busy?: (sessionId: string) => boolean;
}

/** What the step did. */
export interface ForkCycleResult {
  /** Merged session records sealed (each already in the outbox): to deliver to the page. */
  readonly merged: SealedRecordV2[];
  /** Stale outbox items dropped because the pulled record covers them. */
  readonly dropped: number;
}

/** The session record of `sessionId` waiting in the outbox, opened from its envelope; null when none (or unreadable). */
async function waitingSessionRecord(input: ForkCycleInput, sessionId: string): Promise<SealedRecordV2 | null> {
  const item = input.outbox.waiting().find((candidate) => candidate.kind === 'record' && candidate.id === sessionId);
  if (!item) return null;
  try {
    const opened = await openSyncedItem(input.owner, item);
    return opened.kind === 'record' ? opened.record : null;
  } catch {
    return null;
  }
}

/** Runs the step; see the file's comment. A session that cannot be compared now (locked, shredded) is left as it is. */
export async function reconcileForks(deps: ForkReconcilerDeps, input: ForkCycleInput): Promise<ForkCycleResult> {
  const sessions = new Set(input.pulledSessions);
  for (const item of input.stale) if (item.kind === 'record' && item.id === item.sessionId) sessions.add(item.sessionId);
  const merged: SealedRecordV2[] = [];
  let dropped = 0;
  for (const sessionId of sessions) {
    const pulled = input.heads.pulled(sessionId);
    if (!pulled || input.busy?.(sessionId)) continue;
    const candidates = [input.heads.sealed(sessionId), await waitingSessionRecord(input, sessionId)].filter((record): record is SealedRecordV2 => record !== null);
    const local = candidates.sort((a, b) => b.rv - a.rv)[0];
    if (!local || (local.rv === pulled.rv && local.ct === pulled.ct)) continue;
    const reconciled = await reconcilePulledSession(deps, input.owner, local, pulled).catch(() => null);
    if (reconciled === null) continue;
    if (reconciled.relation === 'diverged') {
      merged.push(reconciled.merged);
    } else if (reconciled.relation === 'remote-covers') {
      // The server holds a record listing all of ours: our refused copies of this session add nothing.
      const covered = input.stale.filter((item) => item.sessionId === sessionId && item.version <= pulled.rv);
      if (covered.length > 0) {
        dropped += await input.outbox.settle(covered, {
          results: covered.map((item) => ({ kind: item.kind, id: item.id, status: 'duplicate', changeNo: null, serverVersion: pulled.rv, holderLabel: null })),
        });
      }
    }
  }
  return { merged, dropped };
}
