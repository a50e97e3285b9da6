import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  MAX_PUSH_ITEMS,
  MAX_SYNC_BLOB_CHARS,
  type PushInput,
  type PushItem,
  type PushItemStatus,
  type PushOutput,
  type TombstoneInput,
  type TombstoneOutput,
} from '../../../shared/sync/changes';
import type { SyncSession } from '../http/syncClient';
import { SyncOfflineError } from '../http/syncClientErrors';
import { syncPathsOf } from './outboxFiles';
import { MAX_PUSH_BATCH_CHARS, pushBatches, pushOutbox } from './pushOutbox';
import { SyncOutbox } from './syncOutbox';

const PROFILE_ID = '5b0c8a7e-2f4d-4c1a-9e3b-7d6f5a4b3c21';
const sessionId = (n: number) => `0d9a1c3e-5b7f-4a2c-8e6d-${String(n).padStart(12, '0')}`;
const recordId = (n: number) => `7e6d5c4b-3a29-4817-a6b5-${String(n).padStart(12, '0')}`;
const item = (n: number, session = 1, blobChars = 8): PushItem => ({
  kind: 'record',
  id: recordId(n),
  sessionId: sessionId(session),
  version: 1,
  day: null,
  blob: 'A'.repeat(blobChars),
});

/** A server that answers each item with `statusOf(item)` and fails the push number `failAt` (1-based) as offline. */
function fakeSession(statusOf: (item: PushItem) => PushItemStatus = () => 'stored', failAt = 0) {
  const pushes: PushInput[] = [];
  const calls: string[] = [];
  const tombstoneInputs: TombstoneInput[] = [];
  const session = {
    async tombstones(input: TombstoneInput): Promise<TombstoneOutput> {
      tombstoneInputs.push(input);
      calls.push(`tombstones:${input.sessions.length}`);
      return { changeNos: input.sessions.map((_, index) => index + 1) };
    },
    async push(input: PushInput): Promise<PushOutput> {
      pushes.push(input);
      calls.push(`push:${input.items.length}`);
      if (pushes.length === failAt) throw new SyncOfflineError('unreachable');
      return {
        results: input.items.map((pushed) => {
          const status = statusOf(pushed);
          return { kind: pushed.kind, id: pushed.id, status, changeNo: 1, serverVersion: 1, holderLabel: status === 'fenced' ? 'Exam 1' : null };
        }),
      };
    },
  } as Partial<SyncSession> as SyncSession;
  return { session, pushes, calls, tombstoneInputs };
}

let dataDir = '';
let outbox: SyncOutbox;
beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'cpa-sync-push-'));
  outbox = await SyncOutbox.open(syncPathsOf(dataDir, PROFILE_ID).outbox);
});
afterEach(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

describe('pushing the outbox', () => {
  it('batches by count and by size, and sends even a largest-possible blob alone', () => {
    const many = Array.from({ length: MAX_PUSH_ITEMS * 2 + 1 }, (_, n) => item(n));
    expect(pushBatches(many).map((batch) => batch.length)).toEqual([MAX_PUSH_ITEMS, MAX_PUSH_ITEMS, 1]);
    const big = [item(1, 1, MAX_SYNC_BLOB_CHARS), item(2, 1, MAX_SYNC_BLOB_CHARS), item(3), item(4, 1, MAX_PUSH_BATCH_CHARS)];
    expect(pushBatches(big).map((batch) => batch.map((entry) => entry.id))).toEqual([[recordId(1), recordId(2), recordId(3)], [recordId(4)]]);
  });

  it('empties the outbox of what the server took, and reports what it did not take without dropping it', async () => {
    for (const n of [1, 2, 3, 4]) await outbox.add(item(n, n));
    const statuses: Record<string, PushItemStatus> = { [recordId(1)]: 'stored', [recordId(2)]: 'duplicate', [recordId(3)]: 'stale', [recordId(4)]: 'fenced' };
    const { session } = fakeSession((pushed) => statuses[pushed.id] ?? 'stored');
    const pass = await pushOutbox(session, outbox, () => null);
    expect(pass.settled).toBe(2);
    expect(pass.tombstones).toBe(0);
    expect(pass.stale).toEqual([item(3, 3)]);
    expect(pass.fenced).toEqual([{ item: item(4, 4), holderLabel: 'Exam 1' }]);
    expect(outbox.waiting()).toEqual([item(3, 3), item(4, 4)]);
  });

  it('sends tombstones before items, and nothing of a deleted session', async () => {
    await outbox.add(item(1, 1));
    await outbox.add(item(2, 2));
    await outbox.addTombstone({ sessionId: sessionId(1), reason: 'deleted', day: '2026-12-02' });
    const { session, calls, pushes } = fakeSession();
    expect(await pushOutbox(session, outbox, () => null)).toMatchObject({ tombstones: 1, settled: 1 });
    expect(calls).toEqual(['tombstones:1', 'push:1']);
    expect(pushes[0]?.items.map((pushed) => pushed.sessionId)).toEqual([sessionId(2)]);
    expect(outbox.size).toBe(0);
  });

  it("sends each tombstone's proof, sealing one for a tombstone queued without (before tombstones carried proofs)", async () => {
    await outbox.addTombstone({ sessionId: sessionId(1), reason: 'deleted', day: '2026-12-02', proof: 'cHJvb2Y=' });
    await outbox.addTombstone({ sessionId: sessionId(2), reason: 'retention', day: '2026-12-02' });
    const { session, tombstoneInputs } = fakeSession();
    const sealed: string[] = [];
    const sealProof = async (tombstone: { sessionId: string }) => {
      sealed.push(tombstone.sessionId);
      return 'c2VhbGVk';
    };
    expect(await pushOutbox(session, outbox, () => null, undefined, sealProof)).toMatchObject({ tombstones: 2 });
    expect(sealed).toEqual([sessionId(2)]);
    expect(tombstoneInputs[0]?.sessions.map((sent) => sent.proof)).toEqual(['cHJvb2Y=', 'c2VhbGVk']);
    expect(outbox.size).toBe(0);
  });

  it('sends the fencing token of each leased session once per batch', async () => {
    await outbox.add(item(1, 1));
    await outbox.add(item(2, 1));
    await outbox.add(item(3, 2));
    const { session, pushes } = fakeSession();
    await pushOutbox(session, outbox, (id) => (id === sessionId(1) ? 7 : null));
    expect(pushes[0]?.fencing).toEqual([{ sessionId: sessionId(1), fencing: 7 }]);
  });

  it('keeps what was not answered when the connection drops mid-way; the next pass sends only that', async () => {
    const many = Array.from({ length: MAX_PUSH_ITEMS + 5 }, (_, n) => item(n));
    for (const entry of many) await outbox.add(entry);
    const dropping = fakeSession(() => 'stored', 2);
    await expect(pushOutbox(dropping.session, outbox, () => null)).rejects.toBeInstanceOf(SyncOfflineError);
    expect(outbox.size).toBe(5);
    const next = fakeSession();
    expect((await pushOutbox(next.session, outbox, () => null)).settled).toBe(5);
    expect(next.pushes.map((push) => push.items.length)).toEqual([5]);
    expect(outbox.size).toBe(0);
  });
});
