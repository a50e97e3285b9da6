import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Change, PullOutput } from '../../../shared/sync/changes';
import type { SealedRecordV2 } from '../../../shared/vault';
import { WRAPPING_KEY_USAGES, newWrappableAesKey, unwrapAesKey, wrapAesKey } from '../../vault/keyWrap';
import { utf8 } from '../../vault/encoding';
import type { UnlockedOwner } from '../../vault/unlockedOwner';
import { sealRecordForSync } from '../envelope/syncItems';
import type { SyncSession } from '../http/syncClient';
import { SyncProtocolError } from '../http/syncClientErrors';
import { syncPathsOf } from '../outbox/outboxFiles';
import { readSyncCursor, writeSyncCursor } from '../outbox/syncCursor';
import { pullChanges, type PulledPage } from './pullChanges';

const PROFILE_ID = '5b0c8a7e-2f4d-4c1a-9e3b-7d6f5a4b3c21';
const SESSION_ID = '0d9a1c3e-5b7f-4a2c-8e6d-1f3b5a7c9e0d';
const recordId = (n: number) => `7e6d5c4b-3a29-4817-a6b5-${String(n).padStart(12, '0')}`;

async function ownerOf(): Promise<UnlockedOwner> {
  const kek = await newWrappableAesKey(WRAPPING_KEY_USAGES);
  const wrapped = await wrapAesKey(await newWrappableAesKey(WRAPPING_KEY_USAGES), kek, utf8('t'));
  return { ownerId: PROFILE_ID, dataKey: await unwrapAesKey(wrapped, kek, utf8('t'), WRAPPING_KEY_USAGES) };
}

function record(n: number): SealedRecordV2 {
  return {
    id: recordId(n),
    kind: 'turn',
    sessionId: SESSION_ID,
    ownerId: PROFILE_ID,
    seq: n,
    parentTurnId: null,
    status: 'complete',
    createdAt: '2026-11-30T08:14:07.123Z',
    updatedAt: '2026-11-30T08:15:41.456Z',
    v: 2,
    rv: 1,
    iv: 'AAAAAAAAAAAAAAAA',
    ct: 'c2VhbGVk',
  };
}

/** Change `changeNo` carrying record `n`, sealed by `owner`. */
async function recordChange(owner: UnlockedOwner, changeNo: number, n = changeNo): Promise<Change> {
  const item = await sealRecordForSync(owner, record(n));
  return { ...item, kind: 'record', day: null, changeNo };
}

/** A server whose log is `log` (in order), answering pages of `limit`; `resyncBelow` answers resync for older cursors. */
function fakeSession(log: Change[], limit: number, resyncBelow = 0) {
  const asked: number[] = [];
  const session = {
    async pull({ after }: { after: number }): Promise<PullOutput> {
      asked.push(after);
      if (after > 0 && after < resyncBelow) return { changes: [], next: 0, more: true, resync: true };
      const changes = log.filter((change) => change.changeNo > after).slice(0, limit);
      const more = log.some((change) => change.changeNo > (changes.at(-1)?.changeNo ?? after));
      return { changes, next: changes.at(-1)?.changeNo ?? after, more, resync: false };
    },
  } as Partial<SyncSession> as SyncSession;
  return { session, asked };
}

let dataDir = '';
let cursorPath = '';
beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'cpa-sync-pull-'));
  cursorPath = syncPathsOf(dataDir, PROFILE_ID).cursor;
});
afterEach(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

describe('a pull pass', () => {
  it('opens every item, hands pages on in order, and starts the next pass where this one ended', async () => {
    const owner = await ownerOf();
    const tombstone: Change = { kind: 'tombstone', changeNo: 3, sessionId: SESSION_ID, reason: 'deleted', day: '2026-12-01' };
    const log = [await recordChange(owner, 1), await recordChange(owner, 2), tombstone, await recordChange(owner, 4)];
    const pages: PulledPage[] = [];
    const { session } = fakeSession(log, 2);
    expect(await pullChanges(session, owner, async (page) => void pages.push(page), { cursorPath })).toBe(4);
    expect(pages.map((page) => page.changes.map((change) => change.kind))).toEqual([['record', 'record'], ['tombstone', 'record']]);
    expect(pages[0]?.changes[0]).toEqual({ changeNo: 1, kind: 'record', record: record(1), sealed: expect.objectContaining({ kind: 'record', id: record(1).id, version: record(1).rv }) });
    expect(await readSyncCursor(cursorPath)).toBe(4);

    const again = fakeSession(log, 2);
    const more: PulledPage[] = [];
    await pullChanges(again.session, owner, async (page) => void more.push(page), { cursorPath });
    expect(again.asked).toEqual([4]);
    expect(more).toEqual([]);
  });

  it('pulls a page again when applying it failed (a crash before the page was kept): nothing is skipped', async () => {
    const owner = await ownerOf();
    const log = [await recordChange(owner, 1), await recordChange(owner, 2), await recordChange(owner, 3)];
    let calls = 0;
    const failing = async () => {
      calls += 1;
      if (calls === 2) throw new Error('the page could not store it');
    };
    await expect(pullChanges(fakeSession(log, 2).session, owner, failing, { cursorPath })).rejects.toThrow('could not store');
    expect(await readSyncCursor(cursorPath)).toBe(2);
    const seen: number[] = [];
    await pullChanges(fakeSession(log, 2).session, owner, async (page) => void seen.push(...page.changes.map((change) => change.changeNo)), { cursorPath });
    expect(seen).toEqual([3]);
  });

  it('hands a refused item on as refused and goes on with the rest', async () => {
    const owner = await ownerOf();
    const first = await recordChange(owner, 1);
    const second = await recordChange(owner, 2);
    const swapped = { ...second, blob: (first as { blob: string }).blob } as Change;
    const pages: PulledPage[] = [];
    await pullChanges(fakeSession([first, swapped, await recordChange(owner, 3)], 10).session, owner, async (page) => void pages.push(page), { cursorPath });
    expect(pages[0]?.changes.map((change) => change.kind)).toEqual(['record', 'refused', 'record']);
    expect(pages[0]?.changes[1]).toMatchObject({ kind: 'refused', changeNo: 2, reason: 'tampered' });
  });

  it('on a resync, says so first and then pulls everything from 0', async () => {
    const owner = await ownerOf();
    const log = [await recordChange(owner, 1), await recordChange(owner, 2)];
    await pullChanges(fakeSession(log, 10).session, owner, async () => undefined, { cursorPath });
    const pages: PulledPage[] = [];
    const later = fakeSession(log, 10, 100);
    await writeSyncCursor(cursorPath, 50);
    await pullChanges(later.session, owner, async (page) => void pages.push(page), { cursorPath });
    expect(later.asked).toEqual([50, 0]);
    expect(pages.map((page) => [page.resync, page.changes.length])).toEqual([
      [true, 0],
      [false, 2],
    ]);
  });

  it.each<[string, PullOutput]>([
    ['changes out of order', { changes: [], next: 0, more: false, resync: false }],
    ['"more" with nothing sent', { changes: [], next: 0, more: true, resync: false }],
    ['a cursor beyond the last change', { changes: [], next: 9, more: false, resync: false }],
  ])('refuses %s', async (name, answer) => {
    const owner = await ownerOf();
    const page = name === 'changes out of order' ? { ...answer, changes: [await recordChange(owner, 2), await recordChange(owner, 1)], next: 1 } : answer;
    const session = { pull: async () => page } as Partial<SyncSession> as SyncSession;
    await expect(pullChanges(session, owner, async () => undefined, { cursorPath })).rejects.toBeInstanceOf(SyncProtocolError);
  });
});

describe('a server that keeps asking for a resync', () => {
  it('is refused as a protocol error when it asks from cursor 0 or a second time in one pass, instead of looping', async () => {
    const applied: PulledPage[] = [];
    const alwaysResync = { async pull(): Promise<PullOutput> { return { changes: [], next: 0, more: true, resync: true }; } } as Partial<SyncSession> as SyncSession;
    const owner = await ownerOf();
    await expect(pullChanges(alwaysResync, owner, async (page) => void applied.push(page), { cursorPath })).rejects.toThrow(SyncProtocolError);
    expect(applied).toEqual([]);

    await writeSyncCursor(cursorPath, 7);
    await expect(pullChanges(alwaysResync, owner, async (page) => void applied.push(page), { cursorPath })).rejects.toThrow(SyncProtocolError);
    expect(applied).toEqual([{ changes: [], resync: true }]); // the one restart it was allowed
  });
});
