// @vitest-environment node
import 'fake-indexeddb/auto';
import Dexie from 'dexie';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AckInput, type RecordDelivery, type SealedRecord } from '../../../shared/vault';
import type { ClinicHistoryDb } from './database';
import { createRecordStore, type PutRecordsResult, type RecordStore } from './recordStore';
import { ackInputOf, startRecordSync, type RecordAck, type RecordSync, type RecordSyncBridge } from './recordSync';
import { STORAGE_FAILED_MESSAGE, STORAGE_FULL_MESSAGE } from './storageErrors';
import { at, freshDb, quotaError, sessionRecord, turnRecord } from './testing/records';

/** A stand-in for `api.vault.onRecord` + the acknowledgement call, recording what the page sends back. */
function fakeBridge() {
  const listeners = new Set<(delivery: RecordDelivery) => void>();
  const acks: { recordId: string; result: RecordAck }[] = [];
  const bridge: RecordSyncBridge = {
    onRecord(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    ack: vi.fn(async (recordId: string, result: RecordAck) => {
      acks.push({ recordId, result });
    }),
  };
  /** Main delivers `records` together (one delivery). */
  const emit = (...records: SealedRecord[]) => {
    for (const listener of listeners) listener({ records });
  };
  return { bridge, acks, emit, listenerCount: () => listeners.size };
}

let db: ClinicHistoryDb;
let store: RecordStore;
let sync: RecordSync | undefined;

beforeEach(() => {
  db = freshDb();
  store = createRecordStore(db);
});

afterEach(async () => {
  sync?.stop();
  sync = undefined;
  vi.restoreAllMocks();
  db.close();
  await Dexie.delete(db.name);
});

/** A session and its first turns, as main delivers them during a generate call. */
function deliveries(turns: number): SealedRecord[] {
  const session = sessionRecord({ status: 'pending' });
  return [session, ...Array.from({ length: turns }, (_, i) => turnRecord(session.id, { seq: i + 1, updatedAt: at(i) }))];
}

describe('startRecordSync', () => {
  it('writes each delivery in one transaction, deliveries one at a time in arrival order, and acknowledges each record after its write', async () => {
    const fake = fakeBridge();
    const log: string[] = [];
    let inFlight = 0;
    const logged: Pick<RecordStore, 'putRecords'> = {
      async putRecords(records) {
        inFlight += 1;
        expect(inFlight).toBe(1);
        const result = await store.putRecords(records);
        inFlight -= 1;
        log.push(`stored ${records.map((record) => record.id).join('+')}`);
        return result;
      },
    };
    vi.mocked(fake.bridge.ack).mockImplementation(async (recordId) => {
      log.push(`ack ${recordId}`);
    });
    sync = startRecordSync(fake.bridge, logged);

    const [session, ...turns] = deliveries(3) as [SealedRecord, ...SealedRecord[]];
    // As main delivers a turn: the session record with each turn record; all at once, later ones arrive mid-write.
    for (const turn of turns) fake.emit(session, turn);
    await sync.idle();

    expect(log).toEqual(turns.flatMap((turn) => [`stored ${session.id}+${turn.id}`, `ack ${session.id}`, `ack ${turn.id}`]));
    expect(fake.bridge.ack).toHaveBeenCalledTimes(6);
    expect(await db.sessions.count()).toBe(1);
    expect(await store.countTurns()).toBe(3);
  });

  it('queues deliveries that arrive during a write and drops none', async () => {
    const fake = fakeBridge();
    const pending: { records: readonly SealedRecord[]; settle: (result: PutRecordsResult) => void }[] = [];
    const slow: Pick<RecordStore, 'putRecords'> = {
      putRecords: (records) => new Promise((settle) => pending.push({ records, settle })),
    };
    sync = startRecordSync(fake.bridge, slow);
    const [a, b, c] = deliveries(2) as [SealedRecord, SealedRecord, SealedRecord];

    fake.emit(a);
    fake.emit(b);
    await Promise.resolve();
    expect(pending.map((p) => p.records[0]!.id)).toEqual([a.id]);
    pending[0]!.settle({ ok: true, written: 1, skipped: 0 });
    await vi.waitFor(() => expect(pending).toHaveLength(2));
    fake.emit(c);
    expect(pending).toHaveLength(2);
    pending[1]!.settle({ ok: true, written: 1, skipped: 0 });
    await vi.waitFor(() => expect(pending).toHaveLength(3));
    pending[2]!.settle({ ok: true, written: 1, skipped: 0 });
    await sync.idle();

    expect(pending.map((p) => p.records[0]!.id)).toEqual([a.id, b.id, c.id]);
    expect(fake.acks.map((ack) => ack.recordId)).toEqual([a.id, b.id, c.id]);
  });

  it('a failed write stores nothing of its delivery, acknowledges each of its records with STORAGE_FULL, and keeps going', async () => {
    const fake = fakeBridge();
    sync = startRecordSync(fake.bridge, store);
    const [session, first, second] = deliveries(2) as [SealedRecord, SealedRecord, SealedRecord];
    const bulkPut = db.turns.bulkPut.bind(db.turns);
    vi.spyOn(db.turns, 'bulkPut').mockImplementation(((rows: readonly { id: string }[], ...rest: []) =>
      rows.some((row) => row.id === first.id) ? Promise.reject(quotaError()) : bulkPut(rows as never, ...rest)) as typeof bulkPut);

    fake.emit(session, first);
    fake.emit({ ...session, status: 'complete', updatedAt: at(9) }, second);
    await sync.idle();

    const full = { ok: false, code: 'STORAGE_FULL', message: STORAGE_FULL_MESSAGE };
    expect(fake.acks).toEqual([
      { recordId: session.id, result: full },
      { recordId: first.id, result: full },
      { recordId: session.id, result: { ok: true } },
      { recordId: second.id, result: { ok: true } },
    ]);
    expect((await store.turnsOf(session.id)).map((t) => t.id)).toEqual([second.id]);
  });

  it('acknowledges a malformed record as a failure instead of dropping it', async () => {
    const fake = fakeBridge();
    sync = startRecordSync(fake.bridge, store);
    // A format version the page does not know.
    const broken = { ...sessionRecord(), v: 3 } as unknown as SealedRecord;
    fake.emit(broken);
    await sync.idle();
    expect(fake.acks).toEqual([{ recordId: broken.id, result: { ok: false, code: 'STORAGE_FAILED', message: expect.stringContaining('malformed') } }]);
  });

  it('acknowledges STORAGE_FAILED even if the store throws', async () => {
    const fake = fakeBridge();
    sync = startRecordSync(fake.bridge, { putRecords: () => Promise.reject(new Error('bug')) });
    const [record] = deliveries(0) as [SealedRecord];
    fake.emit(record);
    await sync.idle();
    expect(fake.acks).toEqual([{ recordId: record.id, result: { ok: false, code: 'STORAGE_FAILED', message: STORAGE_FAILED_MESSAGE } }]);
  });

  it('subscribes once; a second start on the same subscriber is refused', () => {
    const fake = fakeBridge();
    sync = startRecordSync(fake.bridge, store);
    expect(fake.listenerCount()).toBe(1);
    expect(() => startRecordSync(fake.bridge, store)).toThrow(/already running/);
    expect(fake.listenerCount()).toBe(1);
  });

  it('after stop, stops listening but still writes and acknowledges what it received', async () => {
    const fake = fakeBridge();
    sync = startRecordSync(fake.bridge, store);
    const records = deliveries(2);
    for (const record of records) fake.emit(record);
    sync.stop();
    expect(fake.listenerCount()).toBe(0);
    await sync.idle();
    expect(fake.acks.map((ack) => ack.recordId)).toEqual(records.map((r) => r.id));
    expect(await store.countTurns()).toBe(2);

    // Stopped: it may be started again (e.g. a page reload in tests).
    const again = startRecordSync(fake.bridge, store);
    again.stop();
  });

  it('reports an acknowledgement that fails, and keeps going', async () => {
    const fake = fakeBridge();
    const onAckError = vi.fn();
    vi.mocked(fake.bridge.ack).mockRejectedValueOnce(new Error('bridge closed'));
    sync = startRecordSync(fake.bridge, store, { onAckError });
    const [session, turn] = deliveries(1) as [SealedRecord, SealedRecord];
    fake.emit(session, turn);
    await sync.idle();
    expect(onAckError).toHaveBeenCalledExactlyOnceWith(session.id, expect.any(Error));
    expect(fake.bridge.ack).toHaveBeenLastCalledWith(turn.id, { ok: true });
    expect(await store.countTurns()).toBe(1);
  });
});

describe('ackInputOf', () => {
  it("builds the contract's acknowledgement input", () => {
    const id = crypto.randomUUID();
    expect(AckInput.parse(ackInputOf(id, { ok: true }))).toEqual({ recordId: id, stored: true });
    const failed = ackInputOf(id, { ok: false, code: 'STORAGE_FULL', message: STORAGE_FULL_MESSAGE });
    expect(AckInput.parse(failed)).toEqual({ recordId: id, stored: false, code: 'STORAGE_FULL', message: STORAGE_FULL_MESSAGE });
    expect(AckInput.safeParse(ackInputOf(id, { ok: false, code: 'STORAGE_FAILED', message: 'x'.repeat(900) })).success).toBe(true);
  });
});
