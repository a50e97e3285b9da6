/**
 * The sync service on an in-memory server: what a clinician would notice when sync work and locks, sign-ins and
 * failures overlap — another clinician's status, stacked feeds, leases left held, records lost.
 */
import { readFile } from 'node:fs/promises';
import { describe, expect, it, vi } from 'vitest';
import { S1 } from '../vault/testing/sessionKeyStoreSetup';
import { sealKeyEntryForSync, sealRecordForSync } from './envelope/syncItems';
import { syncPathsOf } from './outbox/outboxFiles';
import { SyncOutbox } from './outbox/syncOutbox';
import { ADA, BEN, Gate, PASSPHRASE, markPublished, syncServiceSetup } from './testing/syncServiceSetup';

describe('the sync status after a lock', () => {
  it("a record of Ada's whose outbox write ends after Ada locked and Ben signed in does not count in Ben's status", async () => {
    const w = await syncServiceSetup();
    const ada = await w.profiles.unlock(ADA);
    await w.service.adopted('token-ada');
    const record = await w.record(ada, S1);
    const gate = new Gate();
    w.files.appendGate = gate;
    const sealed = w.service.recordSealed(record);
    await vi.waitFor(() => expect(w.files.held).toBe(true));

    w.profiles.lock();
    await w.profiles.unlock(BEN);
    await w.service.adopted('token-ben');
    expect(w.service.status()).toMatchObject({ state: 'syncing', pending: 0 });
    gate.release();
    await sealed;

    expect(w.service.status()).toMatchObject({ state: 'syncing', pending: 0, message: null });
  });

  it("a delete of Ada's queued while Ben signs in does not count in Ben's status", async () => {
    const w = await syncServiceSetup();
    await w.profiles.unlock(ADA);
    await w.service.adopted('token-ada');
    const gate = new Gate();
    w.files.appendGate = gate;
    const gone = w.service.sessionGone(S1, 'deleted', ADA);
    await vi.waitFor(() => expect(w.files.held).toBe(true));

    w.profiles.lock();
    await w.profiles.unlock(BEN);
    await w.service.adopted('token-ben');
    gate.release();
    await gone;

    expect(w.service.status()).toMatchObject({ pending: 0 });
  });
});

describe('one live feed per unlock', () => {
  it('two unlock calls at once open one connection: one sign-in, one feed, one poll loop', async () => {
    const w = await syncServiceSetup();
    await markPublished(w.dataDir, ADA);
    await w.profiles.unlock(ADA);
    await Promise.all([w.service.unlocked(PASSPHRASE), w.service.unlocked(PASSPHRASE)]);
    await vi.waitFor(() => expect(w.server.feeds.open).toBe(1), { timeout: 10_000 });

    expect(w.server.prelogins).toBe(1);
    expect(w.server.feeds.opened).toBe(1);
  });

  it('an unlock call again for the same unlock signs in no second time and opens no second feed', async () => {
    const w = await syncServiceSetup();
    await markPublished(w.dataDir, ADA);
    await w.profiles.unlock(ADA);
    await w.service.unlocked(PASSPHRASE);
    await vi.waitFor(() => expect(w.server.feeds.open).toBe(1), { timeout: 10_000 });

    await w.service.unlocked(PASSPHRASE);
    // A sign-in starts by reading the published marker, at once: none started for the second call.
    expect(w.files.reads.filter((path) => path.endsWith('published'))).toHaveLength(1);
    await w.service.syncNow();

    expect(w.server.prelogins).toBe(1);
    expect(w.server.feeds).toEqual({ opened: 1, open: 1 });
  });

  it('unlock, lock, unlock: exactly one feed is open, the first one stopped', async () => {
    const w = await syncServiceSetup();
    await markPublished(w.dataDir, ADA);
    await w.profiles.unlock(ADA);
    await w.service.unlocked(PASSPHRASE);
    await vi.waitFor(() => expect(w.server.feeds.open).toBe(1), { timeout: 10_000 });

    w.profiles.lock();
    await w.profiles.unlock(ADA);
    await w.service.unlocked(PASSPHRASE);
    await vi.waitFor(() => expect(w.server.feeds.opened).toBe(2), { timeout: 10_000 });

    expect(w.server.feeds.open).toBe(1);
  });
});

describe('leases', () => {
  it('a lock during the turn still releases the lease, so the clinician\'s other workstations are not told "busy"', async () => {
    const w = await syncServiceSetup();
    const ada = await w.profiles.unlock(ADA);
    await w.service.adopted('token-ada');
    await w.record(ada, S1);

    const answer = await w.service.withLease(S1, async () => {
      w.profiles.lock();
      return 'answered';
    });

    expect(answer).toBe('answered');
    expect(w.server.leases.released).toEqual([{ sessionId: S1, fencing: 1 }]);
  });

  it('a release the server never answers ends the turn after a bounded wait', async () => {
    const w = await syncServiceSetup();
    const ada = await w.profiles.unlock(ADA);
    await w.service.adopted('token-ada');
    await w.record(ada, S1);
    w.server.releaseHangs = true;

    let ended = false;
    const turn = w.service.withLease(S1, async () => 'answered').then((answer) => {
      ended = true;
      return answer;
    });
    await vi.waitFor(() => expect(w.server.leases.releaseCalls).toBe(1));
    expect(ended).toBe(false);
    w.clock.advance(3_000);

    await expect(turn).resolves.toBe('answered');
  });
});

describe('records waiting for their key', () => {
  it('a record pulled before its key, then a lock and an unlock, is delivered once the key arrives', async () => {
    const w = await syncServiceSetup();
    const ada = await w.profiles.unlock(ADA);
    await w.service.adopted('token-ada');
    // Made on another workstation: the record reaches the server before its session key.
    const record = await w.record(ada, S1, {}, w.elsewhere);
    w.server.addChange({ changeNo: 0, ...(await sealRecordForSync(ada, record)) } as never);
    await w.service.syncNow();
    expect(w.delivered).toEqual([]);

    w.profiles.lock();
    const again = await w.profiles.unlock(ADA);
    await w.service.adopted('token-ada');
    w.server.addChange({ changeNo: 0, ...(await sealKeyEntryForSync(again, { entry: w.elsewhere.entry(S1)!, version: 1 })) } as never);
    await w.service.syncNow();

    expect(w.delivered.map((delivered) => delivered.id)).toEqual([record.id]);
  });

  it('survives a restart of main too: the waiting record is kept on disk, still sealed', async () => {
    const w = await syncServiceSetup();
    const ada = await w.profiles.unlock(ADA);
    await w.service.adopted('token-ada');
    const record = await w.record(ada, S1, {}, w.elsewhere);
    w.server.addChange({ changeNo: 0, ...(await sealRecordForSync(ada, record)) } as never);
    await w.service.syncNow();
    w.service.dispose();
    // As the server gave it: in its envelope, sealed by the profile's data key — not even the record's own ciphertext.
    const kept = await readFile(syncPathsOf(w.dataDir, ADA).waiting, 'utf8');
    expect(kept).toContain(record.id);
    expect(kept).not.toContain(record.ct);

    const restarted = w.restart();
    w.profiles.lock();
    const again = await w.profiles.unlock(ADA);
    await restarted.adopted('token-ada');
    w.server.addChange({ changeNo: 0, ...(await sealKeyEntryForSync(again, { entry: w.elsewhere.entry(S1)!, version: 1 })) } as never);
    await restarted.syncNow();

    expect(w.delivered.map((delivered) => delivered.id)).toEqual([record.id]);
  });
});

describe("a new session's key item", () => {
  it("is written to the outbox in the same write as the session's first record: killed right after, both wait", async () => {
    const w = await syncServiceSetup();
    const ada = await w.profiles.unlock(ADA);
    await w.service.adopted('token-ada');
    const first = await w.record(ada, S1);

    await w.service.recordSealed(first);
    w.files.failing = true; // killed here: nothing more reaches the disk

    const afterCrash = await SyncOutbox.open(syncPathsOf(w.dataDir, ADA).outbox);
    expect(afterCrash.waiting().map((item) => `${item.kind}:${item.id}:${item.version}`)).toEqual([`key:${S1}:1`, `record:${first.id}:1`]);
  });

  it('a write torn by a crash leaves neither the record nor its key', async () => {
    const w = await syncServiceSetup();
    const ada = await w.profiles.unlock(ADA);
    await w.service.adopted('token-ada');
    w.files.tearNext = true;

    await w.service.recordSealed(await w.record(ada, S1));

    expect((await SyncOutbox.open(syncPathsOf(w.dataDir, ADA).outbox)).waiting()).toEqual([]);
  });

  it('reaches the server before the record, and the key item after the turn is newer than it', async () => {
    const w = await syncServiceSetup();
    const ada = await w.profiles.unlock(ADA);
    await w.service.adopted('token-ada');
    await w.service.recordSealed(await w.record(ada, S1));
    await w.service.recordSealed(await w.record(ada, S1, { id: S1, kind: 'session', seq: 0 }));
    await w.service.syncNow();
    expect(w.server.pushes[0]?.map((item) => `${item.kind}:${item.version}`)).toEqual(['key:1', 'record:1', 'record:1']);

    await w.service.keyTouched(S1);
    await w.service.syncNow();
    expect(w.server.items.get(`key:${S1}`)?.version).toBe(2);
  });
});

describe('an outbox that cannot be written', () => {
  it('keeps the turn to sync, says so in the status, and pushes it once the disk has room', async () => {
    const w = await syncServiceSetup();
    const ada = await w.profiles.unlock(ADA);
    await w.service.adopted('token-ada');
    w.files.failing = true;
    const record = await w.record(ada, S1, { seq: 2 });

    await w.service.recordSealed(record);
    expect(w.service.status()).toMatchObject({ state: 'error', pending: 1, message: 'Could not save changes for sync (disk full?) — they will be retried.' });
    expect((await w.service.syncNow()).state).toBe('error');
    expect(w.server.items.size).toBe(0);

    w.files.failing = false;
    expect(await w.service.syncNow()).toMatchObject({ state: 'synced', pending: 0, message: null });
    expect(w.server.items.get(`record:${record.id}`)?.version).toBe(1);
  });
});
