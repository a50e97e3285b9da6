// @vitest-environment node
import 'fake-indexeddb/auto';
import Dexie from 'dexie';
import { afterEach, describe, expect, it } from 'vitest';
import { ClinicHistoryDb, CURRENT_SCHEMA_VERSION, HISTORY_DB_NAME, SCHEMA_VERSIONS } from './database';
import { freshDb } from './testing/records';

/** Fields that hold, or are derived from, what the clinician typed or the model answered. */
const PAYLOAD_FIELDS = ['iv', 'ct', 'record', 'reason', 'title', 'message', 'answer', 'patient'];

let db: ClinicHistoryDb;
afterEach(async () => {
  db?.close();
  if (db) await Dexie.delete(db.name);
});

describe('the history database', () => {
  it('is one database named ClinicHistory at the newest released version', async () => {
    expect(new ClinicHistoryDb().name).toBe(HISTORY_DB_NAME);
    expect(HISTORY_DB_NAME).toBe('ClinicHistory');
    db = freshDb();
    await db.open();
    expect(db.verno).toBe(CURRENT_SCHEMA_VERSION);
    const versions = SCHEMA_VERSIONS.map((v) => v.version);
    expect(versions).toEqual([...versions].sort((a, b) => a - b));
    expect(new Set(versions).size).toBe(versions.length);
    expect(versions[0]).toBe(1);
  });

  it('has exactly the planned keys and indexes, none on payload fields', async () => {
    db = freshDb();
    await db.open();
    const declared = Object.fromEntries(
      db.tables.map((table) => [table.name, { key: table.schema.primKey.keyPath, indexes: table.schema.indexes.map((i) => i.name).sort() }]),
    );
    expect(declared).toEqual({
      sessions: { key: 'id', indexes: ['[ownerId+updatedAt]', 'ownerId', 'updatedAt', 'v'] },
      turns: { key: 'id', indexes: ['[sessionId+seq]', 'parentTurnId', 'v'] },
      quarantine: { key: 'id', indexes: ['sessionId'] },
    });

    // What IndexedDB itself holds, not only what Dexie declares.
    const idb = db.backendDB();
    const stored = Object.fromEntries(
      [...idb.objectStoreNames].map((name) => {
        const store = idb.transaction(name, 'readonly').objectStore(name);
        const indexes = [...store.indexNames].map((index) => store.index(index).keyPath).flat();
        return [name, { key: store.keyPath, indexedFields: [...new Set(indexes)].sort() }];
      }),
    );
    expect(stored).toEqual({
      sessions: { key: 'id', indexedFields: ['ownerId', 'updatedAt', 'v'] },
      turns: { key: 'id', indexedFields: ['parentTurnId', 'seq', 'sessionId', 'v'] },
      quarantine: { key: 'id', indexedFields: ['sessionId'] },
    });
    for (const { key, indexedFields } of Object.values(stored)) {
      for (const field of [key, ...indexedFields].flat()) expect(PAYLOAD_FIELDS).not.toContain(field);
    }
  });

  it('asks for strict durability on every read-write transaction', async () => {
    db = freshDb();
    const durability = await db.transaction('rw', db.sessions, (tx) => tx.idbtrans.durability);
    expect(durability).toBe('strict');
  });
});
