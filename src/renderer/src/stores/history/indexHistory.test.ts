// @vitest-environment node
import 'fake-indexeddb/auto';
import Dexie from 'dexie';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fail, ok, type Result } from '../../../../shared/errors';
import { MAX_OPEN_BATCH, type IndexInput, type IndexOutput, type OpenFailureReason, type SealedRecord } from '../../../../shared/vault';
import type { ClinicHistoryDb } from '../../db/database';
import { createRecordStore, type RecordStore } from '../../db/recordStore';
import { at, freshDb, sessionRecord, turnRecord } from '../../db/testing/records';
import { indexHistory, type HistoryIndexing, type IndexHistoryOptions } from './indexHistory';
import type { OpenFailureVerdict } from './openFailures';

const OWNER = 'clinician-a';

let db: ClinicHistoryDb;
let store: RecordStore;

beforeEach(() => {
  db = freshDb();
  store = createRecordStore(db);
});

afterEach(async () => {
  db.close();
  await Dexie.delete(db.name);
});

/** Stores `count` sessions of `turns` turns for `ownerId`, newest last; answers their records in store order. */
async function storeSessions(count: number, turns: number, ownerId = OWNER): Promise<SealedRecord[][]> {
  const sessions = Array.from({ length: count }, (_, i) => {
    const session = sessionRecord({ ownerId, updatedAt: at(i) });
    return [session, ...Array.from({ length: turns }, (_, t) => turnRecord(session.id, { ownerId, seq: t + 1 }))];
  });
  expect((await store.putRecords(sessions.flat())).ok).toBe(true);
  return sessions;
}

/** A main that indexes every record except those in `refuse` (by record id, with their reason). */
function fakeMain(refuse: Map<string, OpenFailureReason> = new Map()) {
  const calls: IndexInput[] = [];
  const answer = (input: IndexInput): Result<IndexOutput> => {
    const failures = input.records.flatMap((record) => {
      const reason = refuse.get(record.id);
      return reason === undefined ? [] : [{ id: record.id, ok: false as const, reason }];
    });
    return ok({ indexed: input.records.length - failures.length, failures });
  };
  return { calls, answer, index: (input: IndexInput) => (calls.push(input), Promise.resolve(answer(input))) };
}

/** Runs the pass with what a test does not set answered plainly, recording progress and failures. */
function run(overrides: Partial<IndexHistoryOptions> & Pick<IndexHistoryOptions, 'index'>) {
  const progress: HistoryIndexing[] = [];
  const verdicts: OpenFailureVerdict[] = [];
  const refused: string[] = [];
  const outcome = indexHistory({
    store,
    ownerId: OWNER,
    live: () => true,
    onProgress: (step) => progress.push(step),
    onFailures: (verdict) => (verdicts.push(verdict), Promise.resolve()),
    onRefused: (error) => refused.push(error.code),
    yieldToPage: () => Promise.resolve(),
    ...overrides,
  });
  return { outcome, progress, verdicts, refused };
}

describe('indexHistory', () => {
  it('hands every record of the clinician to main, session record first, in batches of at most 500, counting first', async () => {
    const mine = await storeSessions(130, 5); // 780 records
    await storeSessions(3, 2, 'clinician-b');
    const main = fakeMain();

    const pass = run({ index: main.index, pageSize: 50 });

    expect(await pass.outcome).toBe('finished');
    expect(main.calls.map((call) => call.records.length)).toEqual([MAX_OPEN_BATCH, 780 - MAX_OPEN_BATCH]);
    const sent = main.calls.flatMap((call) => call.records);
    expect(sent.map((record) => record.id).sort()).toEqual(mine.flat().map((record) => record.id).sort());
    expect(sent.every((record) => record.ownerId === OWNER)).toBe(true);
    // Newest session first, its session record before its turns.
    expect(sent.slice(0, 6)).toEqual(mine.at(-1));
    expect(pass.progress[0]).toEqual({ done: 0, total: null });
    expect(pass.progress[1]).toEqual({ done: 0, total: 130 });
    expect(pass.progress.at(-1)).toEqual({ done: 130, total: 130 });
    expect(pass.verdicts).toEqual([]);
  });

  it('keeps one batch at main at a time, reading the next meanwhile', async () => {
    await storeSessions(130, 5);
    const main = fakeMain();
    const held: (() => void)[] = [];
    const index = (input: IndexInput) => {
      main.calls.push(input);
      return new Promise<Result<IndexOutput>>((resolve) => held.push(() => resolve(main.answer(input))));
    };

    const reads = vi.spyOn(store, 'turnsOf');
    const pass = run({ index });
    await expect.poll(() => main.calls.length).toBe(1);
    // Everything else is read and waiting; nothing more goes to main until it answers.
    await expect.poll(() => reads.mock.calls.length).toBe(130);
    expect(main.calls).toHaveLength(1);
    held.shift()!();
    await expect.poll(() => main.calls.length).toBe(2);
    held.shift()!();
    expect(await pass.outcome).toBe('finished');
  });

  it('reports what main did not open, sorted by what the page does about each reason', async () => {
    const [shredded, keyless, rolledBack, tampered, foreign] = await storeSessions(5, 1);
    const refuse = new Map<string, OpenFailureReason>([
      [shredded![0]!.id, 'shredded'],
      [shredded![1]!.id, 'shredded'],
      [keyless![0]!.id, 'unknown-key'],
      [rolledBack![1]!.id, 'rolled-back'],
      [tampered![1]!.id, 'tampered'],
      [foreign![1]!.id, 'forbidden'],
    ]);

    const pass = run({ index: fakeMain(refuse).index });

    expect(await pass.outcome).toBe('finished');
    expect(pass.verdicts).toHaveLength(1);
    const [verdict] = pass.verdicts;
    expect([...verdict!.shredded]).toEqual([shredded![0]!.id]);
    expect([...verdict!.keyMissing]).toEqual([keyless![0]!.id]);
    expect([...verdict!.rolledBack]).toEqual([rolledBack![0]!.id]);
    expect(verdict!.toQuarantine.map((failure) => failure.record.id)).toEqual([tampered![1]!.id]);
    // The pass itself deletes and sets aside nothing: that is the caller's to do.
    expect(await db.turns.count()).toBe(5);
    expect(await db.quarantine.count()).toBe(0);
  });

  it('waits for the failures to be dealt with before it goes on', async () => {
    await storeSessions(130, 5);
    const refuse = new Map<string, OpenFailureReason>();
    const main = fakeMain(refuse);
    let release!: () => void;
    const index = (input: IndexInput) => {
      refuse.set(input.records[0]!.id, 'shredded');
      return main.index(input);
    };
    const reads = vi.spyOn(store, 'turnsOf');
    const pass = run({ index, onFailures: () => new Promise<void>((resolve) => (release = resolve)) });
    await expect.poll(() => main.calls.length).toBe(1);
    await expect.poll(() => reads.mock.calls.length).toBe(130);
    expect(main.calls).toHaveLength(1);
    release();
    await expect.poll(() => main.calls.length).toBe(2);
    release();
    expect(await pass.outcome).toBe('finished');
  });

  it('stops as soon as the signed-in period ends: nothing more is sent, nothing more reported', async () => {
    await storeSessions(130, 5);
    const main = fakeMain();
    let signedIn = true;
    const index = (input: IndexInput) => {
      signedIn = false; // The app locks while main indexes the first batch.
      return main.index(input);
    };

    const pass = run({ index, live: () => signedIn });

    expect(await pass.outcome).toBe('stopped');
    expect(main.calls).toHaveLength(1);
    expect(pass.progress.at(-1)).toEqual({ done: 0, total: 130 });
  });

  it('stops when main refuses a batch, and says why', async () => {
    await storeSessions(130, 5);
    const calls: IndexInput[] = [];
    const index = (input: IndexInput) => (calls.push(input), Promise.resolve(fail('AUDIT_UNAVAILABLE', 'The audit log cannot be written.')));

    const pass = run({ index });

    expect(await pass.outcome).toBe('stopped');
    expect(calls).toHaveLength(1);
    expect(pass.refused).toEqual(['AUDIT_UNAVAILABLE']);
  });

  it('does not start outside a signed-in period', async () => {
    await storeSessions(2, 1);
    const main = fakeMain();
    const pass = run({ index: main.index, live: () => false });
    expect(await pass.outcome).toBe('stopped');
    expect(main.calls).toEqual([]);
    expect(pass.progress).toEqual([]);
  });
});
