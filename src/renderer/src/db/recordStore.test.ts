// @vitest-environment node
import 'fake-indexeddb/auto';
import Dexie from 'dexie';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { SealedRecord } from '../../../shared/vault';
import type { ClinicHistoryDb } from './database';
import { createRecordStore, type RecordStore } from './recordStore';
import { STORAGE_FAILED_MESSAGE, STORAGE_FULL_MESSAGE } from './storageErrors';
import { at, freshDb, quotaError, resealed, sessionRecord, turnRecord, type RecordOverrides } from './testing/records';

const NOW = new Date('2026-03-01T12:00:00.000Z');

let db: ClinicHistoryDb;
let store: RecordStore;

beforeEach(() => {
  db = freshDb();
  store = createRecordStore(db, { now: () => NOW });
});

afterEach(async () => {
  vi.restoreAllMocks();
  db.close();
  await Dexie.delete(db.name);
});

const allRows = async () => ({
  sessions: await db.sessions.toArray(),
  turns: await db.turns.toArray(),
  quarantine: await db.quarantine.toArray(),
});

/** A session with `turns` turns (seq 1..n), as main would deliver them. */
function conversation(turns: number, overrides: RecordOverrides = {}): { session: SealedRecord; turns: SealedRecord[] } {
  const session = sessionRecord(overrides);
  return {
    session,
    turns: Array.from({ length: turns }, (_, i) => turnRecord(session.id, { ownerId: session.ownerId, seq: i + 1, createdAt: at(i), updatedAt: at(i) })),
  };
}

describe('putRecords', () => {
  it('stores every record exactly as delivered, sessions and turns in their tables', async () => {
    const { session, turns } = conversation(2);
    expect(await store.putRecords([session, ...turns])).toEqual({ ok: true, written: 3, skipped: 0 });
    expect(await db.sessions.toArray()).toEqual([session]);
    expect((await db.turns.toArray()).sort((a, b) => a.seq - b.seq)).toEqual(turns);
  });

  it('writes in one strict-durability transaction', async () => {
    // Dexie binds IDBDatabase#transaction when it opens: spy on the prototype before that.
    const transaction = vi.spyOn(IDBDatabase.prototype, 'transaction');
    const { session, turns } = conversation(3);
    await store.putRecords([session, ...turns]);
    const writes = transaction.mock.calls.filter(([, mode]) => mode === 'readwrite');
    expect(writes).toHaveLength(1);
    expect(writes[0]![2]).toEqual({ durability: 'strict' });
  });

  it('is all or nothing: a record failing mid-batch leaves none of the batch written', async () => {
    const earlier = sessionRecord({ updatedAt: at(0) });
    await store.putRecords([earlier]);
    const { session, turns } = conversation(4);
    const failing = turns[2]!;
    db.turns.hook('creating', (_key, row) => {
      if (row.id === failing.id) throw new DOMException('Key already exists in the object store.', 'ConstraintError');
    });

    const result = await store.putRecords([session, { ...earlier, updatedAt: at(5) }, ...turns]);

    expect(result).toEqual({ ok: false, code: 'STORAGE_FAILED', message: STORAGE_FAILED_MESSAGE });
    // Not the session written first, not the turns before or after the failing one, not the update.
    expect(await allRows()).toEqual({ sessions: [earlier], turns: [], quarantine: [] });
  });

  it('refuses a malformed record before writing anything, naming the field but not its value', async () => {
    const { session, turns } = conversation(3);
    const bad = { ...turns[1]!, ownerId: '' };
    const result = await store.putRecords([session, turns[0]!, bad, turns[2]!]);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.code).toBe('STORAGE_FAILED');
    expect(result.message).toContain('record 3 of 4');
    expect(result.message).toContain('ownerId');
    expect(result.message).not.toContain(bad.ct);
    expect(await allRows()).toEqual({ sessions: [], turns: [], quarantine: [] });
  });

  it.each([
    ['an unknown field', { patientName: 'x' }],
    ['a non-canonical time', { updatedAt: '2026-01-01T08:00:00Z' }],
    ['an upper-case session id', { sessionId: 'AAAAAAAA-AAAA-4AAA-8AAA-AAAAAAAAAAAA', id: 'AAAAAAAA-AAAA-4AAA-8AAA-AAAAAAAAAAAA' }],
  ])('refuses a record with %s', async (_case, change) => {
    const result = await store.putRecords([{ ...sessionRecord(), ...change } as SealedRecord]);
    expect(result).toMatchObject({ ok: false, code: 'STORAGE_FAILED' });
    expect(await db.sessions.count()).toBe(0);
  });

  it("refuses a session record whose id is not its session id (the sessions table's key)", async () => {
    const record = sessionRecord({ id: crypto.randomUUID(), sessionId: crypto.randomUUID() });
    expect(record.id).not.toBe(record.sessionId);
    expect(await store.putRecords([record])).toMatchObject({ ok: false, code: 'STORAGE_FAILED' });
  });

  it('replaces a record by id with a newer one, never with an older one', async () => {
    const session = sessionRecord({ status: 'pending', updatedAt: at(1) });
    const pending = turnRecord(session.id, { status: 'pending', updatedAt: at(1) });
    await store.putRecords([session, pending]);

    const complete = { ...pending, status: 'complete' as const, updatedAt: at(3), ct: 'bmV3ZXI=' };
    expect(await store.putRecords([complete])).toEqual({ ok: true, written: 1, skipped: 0 });
    // A late copy of the pending version (e.g. a retry) is skipped, and reported as stored: a newer one is.
    expect(await store.putRecords([pending, { ...session, updatedAt: at(0) }])).toEqual({ ok: true, written: 0, skipped: 2 });
    expect(await db.turns.get(pending.id)).toEqual(complete);
    expect(await db.sessions.get(session.id)).toEqual(session);

    // Within one batch the newest copy wins, whatever the order.
    const newest = { ...complete, updatedAt: at(9), ct: 'bmV3ZXN0' };
    await store.putRecords([newest, { ...complete, updatedAt: at(4) }]);
    expect(await db.turns.get(pending.id)).toEqual(newest);
  });

  it('keeps the higher version (rv) of a record, whatever the times say: an older copy never undoes a re-seal', async () => {
    const session = sessionRecord({ rv: 1, updatedAt: at(1) });
    const turn = turnRecord(session.id, { rv: 1, updatedAt: at(1) });
    const answered = resealed(turn, { status: 'complete', updatedAt: at(2) });
    await store.putRecords([session, turn]);
    expect(await store.putRecords([answered])).toEqual({ ok: true, written: 1, skipped: 0 });

    // The first version again, with a later time (a replayed copy, or a clock set forward): skipped.
    expect(await store.putRecords([{ ...turn, updatedAt: at(50) }])).toEqual({ ok: true, written: 0, skipped: 1 });
    expect(await db.turns.get(turn.id)).toEqual(answered);
    // The next version with an earlier time (a clock set back) still replaces it.
    const chosenAgain = resealed(answered, { updatedAt: at(0) });
    expect(await store.putRecords([chosenAgain])).toEqual({ ok: true, written: 1, skipped: 0 });
    expect(await db.turns.get(turn.id)).toEqual(chosenAgain);

    // Within one batch the higher version wins, whatever the order and the times.
    const sessionV3 = resealed(resealed(session), { updatedAt: at(3) });
    await store.putRecords([sessionV3, { ...resealed(session), updatedAt: at(90) }]);
    expect(await db.sessions.get(session.id)).toEqual(sessionV3);
  });

  it('a delivery from main replaces a stored row claiming a higher version (an edited row): the session repairs itself', async () => {
    const session = sessionRecord({ rv: 1, updatedAt: at(1) });
    await store.putRecords([session]);
    // Someone edited the stored row's counter; without `fromMain` it would refuse every later version.
    await db.sessions.put({ ...session, rv: 999 } as never);
    const next = resealed(session, { updatedAt: at(2) });
    expect(await store.putRecords([next])).toEqual({ ok: true, written: 0, skipped: 1 });
    expect(await store.putRecords([next], { fromMain: true })).toEqual({ ok: true, written: 1, skipped: 0 });
    expect(await db.sessions.get(session.id)).toEqual(next);
  });

  it('replaces a record of the older format (v1) with its v2 re-seal, even one with an earlier updatedAt', async () => {
    const oldSession = sessionRecord({ v: 1, updatedAt: at(5) });
    const oldTurn = turnRecord(oldSession.id, { v: 1, updatedAt: at(5) });
    await store.putRecords([oldSession, oldTurn]);
    expect(await db.turns.get(oldTurn.id)).not.toHaveProperty('rv');

    const reSealed = [resealed(oldSession, { updatedAt: at(4) }), resealed(oldTurn, { updatedAt: at(4) })];
    expect(await store.putRecords(reSealed)).toEqual({ ok: true, written: 2, skipped: 0 });
    expect(await db.sessions.get(oldSession.id)).toEqual(reSealed[0]);
    expect(await db.turns.get(oldTurn.id)).toMatchObject({ v: 2, rv: 1, ct: reSealed[1]!.ct });
    // The v1 copy delivered again (a late retry) never replaces the re-seal.
    expect(await store.putRecords([{ ...oldTurn, updatedAt: at(60) }])).toEqual({ ok: true, written: 0, skipped: 1 });
    expect(await db.turns.get(oldTurn.id)).toMatchObject({ v: 2, rv: 1 });
  });

  it('keeps a deleted session deleted: records arriving later for it are skipped', async () => {
    const { session, turns } = conversation(1);
    await store.putRecords([session, ...turns]);
    await store.deleteSessions([session.id]);
    const late = turnRecord(session.id, { seq: 2, updatedAt: at(100) });
    expect(await store.putRecords([{ ...session, updatedAt: at(100) }, late])).toEqual({ ok: true, written: 0, skipped: 2 });
    expect(await db.turns.count()).toBe(0);
    expect(await db.sessions.get(session.id)).toMatchObject({ deleted: true });
  });

  it('answers an empty batch without opening a transaction', async () => {
    expect(await store.putRecords([])).toEqual({ ok: true, written: 0, skipped: 0 });
  });
});

describe('storage failures', () => {
  it('reports a QuotaExceededError as STORAGE_FULL, with a clear message, and writes nothing', async () => {
    vi.spyOn(db.turns, 'bulkPut').mockRejectedValue(quotaError());
    const { session, turns } = conversation(2);
    const result = await store.putRecords([session, ...turns]);
    expect(result).toEqual({ ok: false, code: 'STORAGE_FULL', message: STORAGE_FULL_MESSAGE });
    expect(STORAGE_FULL_MESSAGE).toMatch(/run out of storage space/);
    expect(STORAGE_FULL_MESSAGE).toMatch(/not be saved/);
    // The session was put before the turns failed: the transaction rolled it back.
    expect(await db.sessions.count()).toBe(0);
  });

  it('recognises a quota error however Dexie wraps it (bulk failure, transaction abort)', async () => {
    db.turns.hook('creating', () => {
      throw quotaError();
    });
    const { session, turns } = conversation(2);
    expect(await store.putRecords([session, ...turns])).toMatchObject({ ok: false, code: 'STORAGE_FULL' });
    expect(await db.sessions.count()).toBe(0);
  });

  it('reports any other IndexedDB failure as STORAGE_FAILED, never throwing', async () => {
    db.close();
    const { session } = conversation(0);
    await expect(store.putRecords([session])).resolves.toEqual({ ok: false, code: 'STORAGE_FAILED', message: STORAGE_FAILED_MESSAGE });
    await expect(store.deleteSessions([session.id])).resolves.toMatchObject({ ok: false, code: 'STORAGE_FAILED' });
    await expect(store.quarantine(session, 'OPEN_FAILED')).resolves.toMatchObject({ ok: false, code: 'STORAGE_FAILED' });
    await expect(store.countTurns()).rejects.toMatchObject({ name: 'HistoryReadError', code: 'STORAGE_FAILED' });
  });

  it('reports a full disk during deleteSessions as STORAGE_FULL', async () => {
    const { session, turns } = conversation(1);
    await store.putRecords([session, ...turns]);
    vi.spyOn(db.sessions, 'bulkPut').mockRejectedValue(quotaError());
    expect(await store.deleteSessions([session.id])).toMatchObject({ ok: false, code: 'STORAGE_FULL' });
    expect(await db.turns.count()).toBe(1);
  });
});

describe('sessionsPage', () => {
  it("lists one clinician's sessions newest first, page by page, without tombstones", async () => {
    const mine = Array.from({ length: 7 }, (_, i) => sessionRecord({ updatedAt: at(i * 10) }));
    const theirs = sessionRecord({ ownerId: 'clinician-b', updatedAt: at(1000) });
    await store.putRecords([...mine, theirs]);
    await store.deleteSessions([mine[5]!.id]);

    const first = await store.sessionsPage('clinician-a', { limit: 3 });
    expect(first.sessions.map((s) => s.id)).toEqual([mine[6]!, mine[4]!, mine[3]!].map((s) => s.id));
    const second = await store.sessionsPage('clinician-a', { limit: 3, before: first.nextBefore! });
    expect(second.sessions.map((s) => s.id)).toEqual([mine[2]!, mine[1]!, mine[0]!].map((s) => s.id));
    const third = await store.sessionsPage('clinician-a', { limit: 3, before: second.nextBefore! });
    expect(third).toEqual({ sessions: [], nextBefore: null });

    const b = await store.sessionsPage('clinician-b', { limit: 3 });
    expect(b).toEqual({ sessions: [theirs], nextBefore: null });
  });

  it('loses and repeats nothing when sessions share an updatedAt across a page boundary', async () => {
    const same = Array.from({ length: 5 }, () => sessionRecord({ updatedAt: at(5) }));
    const older = sessionRecord({ updatedAt: at(1) });
    await store.putRecords([...same, older]);
    const seen: string[] = [];
    let before: string | undefined;
    for (;;) {
      const page = await store.sessionsPage('clinician-a', { limit: 2, ...(before ? { before } : {}) });
      seen.push(...page.sessions.map((s) => s.id));
      if (!page.nextBefore) break;
      before = page.nextBefore;
    }
    expect(seen).toHaveLength(6);
    expect(new Set(seen)).toEqual(new Set([...same, older].map((s) => s.id)));
    expect(seen.at(-1)).toBe(older.id);
  });

  it('accepts a plain ISO time as `before`', async () => {
    const sessions = [1, 2, 3].map((m) => sessionRecord({ updatedAt: at(m) }));
    await store.putRecords(sessions);
    const page = await store.sessionsPage('clinician-a', { limit: 10, before: at(3) });
    expect(page.sessions.map((s) => s.id)).toEqual([sessions[1]!.id, sessions[0]!.id]);
  });

  it('refuses a limit out of range or a malformed cursor', async () => {
    await expect(store.sessionsPage('clinician-a', { limit: 0 })).rejects.toThrow(RangeError);
    await expect(store.sessionsPage('clinician-a', { limit: 10, before: 'yesterday' })).rejects.toThrow(RangeError);
    await expect(store.sessionsPage('clinician-a', { limit: 10, since: 'today' })).rejects.toThrow(RangeError);
  });

  it('lists only sessions last active in a date range (since inclusive, until exclusive), page by page', async () => {
    const sessions = Array.from({ length: 10 }, (_, i) => sessionRecord({ updatedAt: at(i * 10) }));
    const theirs = sessionRecord({ ownerId: 'clinician-b', updatedAt: at(30) });
    await store.putRecords([...sessions, theirs]);
    const seen: string[] = [];
    let before: string | undefined;
    for (;;) {
      const page = await store.sessionsPage('clinician-a', { limit: 2, since: at(30), until: at(80), ...(before ? { before } : {}) });
      seen.push(...page.sessions.map((s) => s.id));
      if (!page.nextBefore) break;
      before = page.nextBefore;
    }
    // 30, 40, 50, 60, 70 — newest first; 80 is excluded, 30 included, the other clinician's never.
    expect(seen).toEqual([7, 6, 5, 4, 3].map((i) => sessions[i]!.id));
    expect((await store.sessionsPage('clinician-a', { limit: 50, since: at(85) })).sessions.map((s) => s.id)).toEqual([sessions[9]!.id]);
  });

  it('reads only the rows in range from the index, so a narrow filter stays fast in a long history', async () => {
    await store.putRecords(Array.from({ length: 2000 }, (_, i) => sessionRecord({ updatedAt: at(i) })));
    const started = performance.now();
    const page = await store.sessionsPage('clinician-a', { limit: 50, since: at(10), until: at(13) });
    expect(page.sessions.map((s) => s.updatedAt)).toEqual([at(12), at(11), at(10)]);
    expect(page.nextBefore).toBeNull();
    // Generous: the point is not scanning 2,000 rows to find 3 (fake-indexeddb is slow per row).
    expect(performance.now() - started).toBeLessThan(500);
  });
});

describe('countOlderFormat', () => {
  it("counts one clinician's records still in format v1, sessions and turns, and no longer once re-sealed", async () => {
    const old = { session: sessionRecord({ v: 1 }) };
    const v1Turns = [1, 2].map((seq) => turnRecord(old.session.id, { v: 1, seq }));
    const current = conversation(1);
    const theirs = sessionRecord({ v: 1, ownerId: 'clinician-b' });
    await store.putRecords([old.session, ...v1Turns, current.session, ...current.turns, theirs]);
    expect(await store.countOlderFormat('clinician-a')).toBe(3);
    expect(await store.countOlderFormat('clinician-b')).toBe(1);

    await store.putRecords([resealed(old.session), resealed(v1Turns[0]!)]);
    expect(await store.countOlderFormat('clinician-a')).toBe(1);
    await store.deleteSessions([old.session.id]);
    expect(await store.countOlderFormat('clinician-a')).toBe(0);
  });
});

describe('turnsOf', () => {
  it("orders a session's turns by seq, then createdAt, regenerated siblings included", async () => {
    const session = sessionRecord();
    const first = turnRecord(session.id, { seq: 1, createdAt: at(0) });
    const second = turnRecord(session.id, { seq: 2, createdAt: at(2), status: 'incomplete' });
    const regenerated = turnRecord(session.id, { seq: 2, createdAt: at(3), parentTurnId: second.id });
    const third = turnRecord(session.id, { seq: 3, createdAt: at(4) });
    const elsewhere = turnRecord(crypto.randomUUID(), { seq: 1 });
    await store.putRecords([session, third, regenerated, elsewhere, second, first]);
    expect((await store.turnsOf(session.id)).map((t) => t.id)).toEqual([first, second, regenerated, third].map((t) => t.id));
    expect(await store.countTurns()).toBe(5);
  });
});

describe('deleteSessions', () => {
  it('deletes the turns and leaves payload-free tombstones, in batches, touching nothing else', async () => {
    const doomed = Array.from({ length: 5 }, () => conversation(2));
    const kept = conversation(3);
    await store.putRecords([...doomed, kept].flatMap((c) => [c.session, ...c.turns]));
    const quarantined = turnRecord(doomed[0]!.session.id, { seq: 3 });
    await store.quarantine(quarantined, 'OPEN_FAILED');
    const transaction = vi.spyOn(db, 'transaction');

    const result = await store.deleteSessions(
      doomed.map((c) => c.session.id),
      { batchSize: 2 },
    );

    expect(result).toEqual({ ok: true, sessions: 5, turns: 10 });
    expect(transaction).toHaveBeenCalledTimes(3);
    for (const { session } of doomed) {
      expect(await db.sessions.get(session.id)).toEqual({ id: session.id, ownerId: 'clinician-a', updatedAt: NOW.toISOString(), deleted: true });
    }
    expect(await db.turns.toArray()).toHaveLength(3);
    expect(await store.turnsOf(kept.session.id)).toEqual(kept.turns);
    expect(await db.quarantine.count()).toBe(0);
    expect((await store.sessionsPage('clinician-a', { limit: 50 })).sessions).toEqual([kept.session]);
  });

  it('is safe to repeat, and tombstones a session known only from its turns', async () => {
    const orphanSession = crypto.randomUUID();
    const orphanTurn = turnRecord(orphanSession, { ownerId: 'clinician-b' });
    const { session, turns } = conversation(1);
    await store.putRecords([session, ...turns, orphanTurn]);
    expect(await store.deleteSessions([session.id, orphanSession])).toEqual({ ok: true, sessions: 2, turns: 2 });
    const tombstones = await db.sessions.toArray();

    const later = createRecordStore(db, { now: () => new Date('2027-01-01T00:00:00.000Z') });
    expect(await later.deleteSessions([session.id, orphanSession, crypto.randomUUID()])).toEqual({ ok: true, sessions: 0, turns: 0 });
    expect(await db.sessions.toArray()).toEqual(tombstones);
    expect(await db.sessions.get(orphanSession)).toEqual({ id: orphanSession, ownerId: 'clinician-b', updatedAt: NOW.toISOString(), deleted: true });
  });

  it('never gives a tombstone an updatedAt older than the session it replaces', async () => {
    const session = sessionRecord({ updatedAt: '2026-06-01T00:00:00.000Z' });
    await store.putRecords([session]);
    await store.deleteSessions([session.id]);
    expect(await db.sessions.get(session.id)).toMatchObject({ updatedAt: '2026-06-01T00:00:00.000Z', deleted: true });
  });
});

describe('quarantine', () => {
  it('moves a record that failed to open out of the history, keeping it whole', async () => {
    const { session, turns } = conversation(2);
    await store.putRecords([session, ...turns]);
    const broken = turns[1]!;
    expect(await store.quarantine(broken, 'OPEN_FAILED')).toEqual({ ok: true });
    expect((await store.turnsOf(session.id)).map((t) => t.id)).toEqual([turns[0]!.id]);
    expect(await db.quarantine.toArray()).toEqual([
      {
        id: broken.id,
        kind: 'turn',
        sessionId: session.id,
        ownerId: 'clinician-a',
        reason: 'OPEN_FAILED',
        quarantinedAt: NOW.toISOString(),
        record: broken,
      },
    ]);
  });

  it('takes a session record out of the listing', async () => {
    const { session } = conversation(0);
    await store.putRecords([session]);
    await store.quarantine(session, 'OPEN_FAILED');
    expect((await store.sessionsPage('clinician-a', { limit: 5 })).sessions).toEqual([]);
  });

  it('leaves a record with a higher version (rv) in place, even one with an earlier updatedAt', async () => {
    const session = sessionRecord();
    const first = turnRecord(session.id, { rv: 1, updatedAt: at(5) });
    const second = resealed(first, { updatedAt: at(4) });
    await store.putRecords([session, second]);
    await store.quarantine(first, 'vault.open: tampered');
    expect(await db.turns.get(first.id)).toEqual(second);
    expect(await db.quarantine.count()).toBe(1);
    // The version stored is the one that failed: it leaves the history.
    await store.quarantine(second, 'vault.open: tampered');
    expect(await db.turns.get(first.id)).toBeUndefined();
  });

  it('leaves a newer version of the record in place', async () => {
    const session = sessionRecord();
    const old = turnRecord(session.id, { updatedAt: at(1) });
    const newer = { ...old, updatedAt: at(2) };
    await store.putRecords([session, newer]);
    await store.quarantine(old, 'OPEN_FAILED');
    expect(await db.turns.get(old.id)).toEqual(newer);
    expect(await db.quarantine.count()).toBe(1);
  });
});
