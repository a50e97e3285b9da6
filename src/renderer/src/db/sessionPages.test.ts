// @vitest-environment node
import 'fake-indexeddb/auto';
import Dexie from 'dexie';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ClinicHistoryDb } from './database';
import { createRecordStore, type RecordStore } from './recordStore';
import { sessionPages } from './sessionPages';
import { at, freshDb, sessionRecord } from './testing/records';

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

/** Every page the generator yields, as lists of ids. */
async function collect(pages: AsyncIterable<{ id: string }[]>): Promise<string[][]> {
  const seen: string[][] = [];
  for await (const rows of pages) seen.push(rows.map((row) => row.id));
  return seen;
}

describe('sessionPages', () => {
  it("yields one clinician's sessions newest first, page by page, each once, until the last page", async () => {
    const mine = Array.from({ length: 7 }, (_, i) => sessionRecord({ updatedAt: at(i) }));
    await store.putRecords([...mine, sessionRecord({ ownerId: 'clinician-b', updatedAt: at(3) })]);
    const ids = (indexes: number[]) => indexes.map((i) => mine[i]!.id);
    expect(await collect(sessionPages(store, 'clinician-a', { limit: 3 }))).toEqual([ids([6, 5, 4]), ids([3, 2, 1]), ids([0])]);
    // A last page that comes out exactly full is followed by an empty one (the store cannot know it was the last).
    expect(await collect(sessionPages(store, 'clinician-a', { limit: 7 }))).toEqual([ids([6, 5, 4, 3, 2, 1, 0]), []]);
    expect(await collect(sessionPages(store, 'nobody'))).toEqual([[]]);
  });

  it('keeps to a date range and to maxPages', async () => {
    const mine = Array.from({ length: 10 }, (_, i) => sessionRecord({ updatedAt: at(i * 10) }));
    await store.putRecords(mine);
    const inRange = await collect(sessionPages(store, 'clinician-a', { limit: 2, since: at(20), until: at(70) }));
    expect(inRange.flat()).toEqual([6, 5, 4, 3, 2].map((i) => mine[i]!.id));
    expect(await collect(sessionPages(store, 'clinician-a', { limit: 2, maxPages: 2 }))).toHaveLength(2);
  });

  it('reads a page only when the loop asks for it: a loop that stops reads nothing further', async () => {
    await store.putRecords(Array.from({ length: 9 }, (_, i) => sessionRecord({ updatedAt: at(i) })));
    const reads = vi.spyOn(store, 'sessionsPage');
    for await (const rows of sessionPages(store, 'clinician-a', { limit: 3 })) {
      if (rows.length > 0) break;
    }
    expect(reads).toHaveBeenCalledTimes(1);
  });

  it("throws the store's read error to the loop", async () => {
    db.close();
    await expect(collect(sessionPages(store, 'clinician-a'))).rejects.toMatchObject({ name: 'HistoryReadError' });
  });
});
