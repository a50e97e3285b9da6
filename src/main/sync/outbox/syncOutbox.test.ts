import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { PushItem, PushItemStatus, PushOutput } from '../../../shared/sync/changes';
import { appendDurably } from '../../core/durableFiles';
import { SyncStateFileError, durableSyncStateFiles, syncPathsOf, type SyncStateFiles } from './outboxFiles';
import { readSyncCursor, writeSyncCursor } from './syncCursor';
import { SyncOutbox } from './syncOutbox';

const PROFILE_ID = '5b0c8a7e-2f4d-4c1a-9e3b-7d6f5a4b3c21';
const SESSION_ID = '0d9a1c3e-5b7f-4a2c-8e6d-1f3b5a7c9e0d';
const recordId = (n: number) => `7e6d5c4b-3a29-4817-a6b5-${String(n).padStart(12, '0')}`;

function item(n: number, version = 1): PushItem {
  return { kind: 'record', id: recordId(n), sessionId: SESSION_ID, version, day: null, blob: Buffer.from(`sealed ${n} v${version}`).toString('base64') };
}

/** The server's answer to a push of `items`, one status each. */
function answer(items: readonly PushItem[], ...statuses: PushItemStatus[]): PushOutput {
  return {
    results: items.map((pushed, index) => ({
      kind: pushed.kind,
      id: pushed.id,
      status: statuses[index] ?? 'stored',
      changeNo: index + 1,
      serverVersion: pushed.version,
      holderLabel: null,
    })),
  };
}

let dataDir = '';
let path = '';
beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'cpa-sync-outbox-'));
  path = syncPathsOf(dataDir, PROFILE_ID).outbox;
});
afterEach(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

describe('the sync outbox', () => {
  it('keeps what was added across a restart, oldest first', async () => {
    const outbox = await SyncOutbox.open(path);
    await outbox.add(item(1));
    await outbox.add(item(2));
    expect((await SyncOutbox.open(path)).waiting()).toEqual([item(1), item(2)]);
  });

  it('lets go of an item only once the server stored it, had it, or its session was deleted', async () => {
    const outbox = await SyncOutbox.open(path);
    const pushed = [item(1), item(2), item(3), item(4), item(5)];
    for (const entry of pushed) await outbox.add(entry);
    expect(await outbox.settle(pushed, answer(pushed, 'stored', 'duplicate', 'deleted', 'stale', 'fenced'))).toBe(3);
    expect(outbox.waiting()).toEqual([item(4), item(5)]);
    expect((await SyncOutbox.open(path)).waiting()).toEqual([item(4), item(5)]);
  });

  it('pushes again what the server committed just before a crash, and clears it on the duplicate answer', async () => {
    const before = await SyncOutbox.open(path);
    await before.add(item(1));
    // The push reached the server (stored), then the workstation died before recording the answer.
    const after = await SyncOutbox.open(path);
    expect(after.waiting()).toEqual([item(1)]);
    await after.settle(after.waiting(), answer(after.waiting(), 'duplicate'));
    expect((await SyncOutbox.open(path)).size).toBe(0);
  });

  it('keeps a newer version added while an older one was being pushed, and never goes back to an older one', async () => {
    const outbox = await SyncOutbox.open(path);
    await outbox.add(item(1, 1));
    const inFlight = outbox.waiting();
    await outbox.add(item(1, 2));
    await outbox.settle(inFlight, answer(inFlight, 'stored'));
    expect(outbox.waiting()).toEqual([item(1, 2)]);
    await outbox.add(item(1, 1));
    expect((await SyncOutbox.open(path)).waiting()).toEqual([item(1, 2)]);
  });

  it('drops a torn last line (an add that never returned) and goes on writing cleanly', async () => {
    const outbox = await SyncOutbox.open(path);
    await outbox.add(item(1));
    await writeFile(path, `${await readFile(path, 'utf8')}{"f":1,"op":"add","item":{"kind":"rec`);
    const reopened = await SyncOutbox.open(path);
    expect(reopened.waiting()).toEqual([item(1)]);
    await reopened.add(item(2));
    expect((await SyncOutbox.open(path)).waiting()).toEqual([item(1), item(2)]);
  });

  it('refuses a damaged complete line instead of reading the outbox as empty', async () => {
    const outbox = await SyncOutbox.open(path);
    await outbox.add(item(1));
    await writeFile(path, `{"f":1,"op":"add","item":{"kind":"record"}}\n${await readFile(path, 'utf8')}`);
    await expect(SyncOutbox.open(path)).rejects.toBeInstanceOf(SyncStateFileError);
  });

  it('adds nothing when the disk fails half-way through a line, and cuts the torn half off at the next write', async () => {
    let failNext = false;
    const files: SyncStateFiles = {
      ...durableSyncStateFiles,
      async append(target, text, cutBackTo) {
        if (!failNext) return durableSyncStateFiles.append(target, text, cutBackTo);
        failNext = false;
        await appendDurably(target, text.slice(0, text.length / 2), cutBackTo);
        throw Object.assign(new Error('no space left on device'), { code: 'ENOSPC' });
      },
    };
    const outbox = await SyncOutbox.open(path, files);
    await outbox.add(item(1));
    failNext = true;
    await expect(outbox.add(item(2))).rejects.toThrow('no space');
    expect(outbox.waiting()).toEqual([item(1)]);
    await outbox.add(item(3));
    expect((await SyncOutbox.open(path)).waiting()).toEqual([item(1), item(3)]);
  });

  it('keeps an item waiting when recording its answer fails, so it is pushed again', async () => {
    let fail = false;
    const files: SyncStateFiles = {
      ...durableSyncStateFiles,
      append: (target, text, cutBackTo) => (fail ? Promise.reject(new Error('EIO')) : durableSyncStateFiles.append(target, text, cutBackTo)),
    };
    const outbox = await SyncOutbox.open(path, files);
    await outbox.add(item(1));
    fail = true;
    await expect(outbox.settle([item(1)], answer([item(1)]))).rejects.toThrow('EIO');
    expect(outbox.waiting()).toEqual([item(1)]);
    expect((await SyncOutbox.open(path)).waiting()).toEqual([item(1)]);
  });

  it('keeps a tombstone until the server has it, and never sends what its session still had waiting', async () => {
    const outbox = await SyncOutbox.open(path);
    const other = { ...item(3), sessionId: '2b3c4d5e-6f7a-4b8c-9d0e-1f2a3b4c5d6e' };
    await outbox.add(item(1));
    await outbox.add(other);
    const tombstone = { sessionId: SESSION_ID, reason: 'deleted', day: '2026-12-02' } as const;
    await outbox.addTombstone(tombstone);
    await outbox.add(item(2));
    expect(outbox.waiting()).toEqual([other]);
    expect(outbox.size).toBe(2);
    const reopened = await SyncOutbox.open(path);
    expect(reopened.waitingTombstones()).toEqual([tombstone]);
    expect(reopened.waiting()).toEqual([other]);
    await reopened.settleTombstones([tombstone]);
    expect((await SyncOutbox.open(path)).waitingTombstones()).toEqual([]);
  });

  it('compacts the file once answered items pile up, keeping only what waits', async () => {
    const outbox = await SyncOutbox.open(path);
    for (let n = 1; n <= 100; n += 1) {
      await outbox.add(item(n));
      if (n < 100) await outbox.settle([item(n)], answer([item(n)]));
    }
    const lines = (await readFile(path, 'utf8')).split('\n').filter(Boolean);
    expect(lines.length).toBeLessThan(80);
    expect((await SyncOutbox.open(path)).waiting()).toEqual([item(100)]);
    expect((await readFile(path, 'utf8')).split('\n').filter(Boolean)).toHaveLength(1);
  });
});

describe('the sync cursor', () => {
  it('starts at 0, then remembers the last change number written', async () => {
    const cursor = syncPathsOf(dataDir, PROFILE_ID).cursor;
    expect(await readSyncCursor(cursor)).toBe(0);
    await writeSyncCursor(cursor, 1234);
    expect(await readSyncCursor(cursor)).toBe(1234);
  });

  it('refuses a damaged cursor file', async () => {
    const cursor = syncPathsOf(dataDir, PROFILE_ID).cursor;
    await writeSyncCursor(cursor, 5);
    await writeFile(cursor, '{"f":1,"after":-3}');
    await expect(readSyncCursor(cursor)).rejects.toBeInstanceOf(SyncStateFileError);
  });

  it('refuses a profile id that is not a UUID (it becomes part of a path)', () => {
    expect(() => syncPathsOf(dataDir, '../../etc')).toThrow(TypeError);
  });
});
