/**
 * Test helpers for schema versions (check 24): write a frozen fixture the way the build at its version would have,
 * open it with the current schema, and check that nothing was lost.
 *
 * Adding version n + 1 to database.ts: add `historyV{n}.fixture.ts` (if not there yet) to `VERSION_FIXTURES`, and,
 * if its `upgrade()` changes rows, the row-level change to `EXPECTED_ROW_CHANGES[n + 1]` (fixtures.ts);
 * migrations.test.ts then upgrades every fixture through every later version.
 */
import Dexie from 'dexie';
import { expect } from 'vitest';
import { ClinicHistoryDb, declareSchema, HISTORY_DB_OPTIONS } from '../database';

/** A stored row, structurally: fixtures do not use today's row types, which may change. */
export type FixtureRow = Readonly<Record<string, unknown>>;

/** The rows of a database at one released schema version, per table. Every table is keyed by `id`. */
export interface VersionFixture {
  version: number;
  tables: Readonly<Record<string, readonly FixtureRow[]>>;
}

/** Every table's rows, ordered by `id`. */
export type TableSnapshot = Record<string, FixtureRow[]>;

/** What one version's `upgrade()` does to a row of the previous version: where it goes and what it becomes. */
export type RowChange = (table: string, row: FixtureRow) => { table: string; row: FixtureRow };

/** A Dexie connection declaring only the versions released up to `version`: what the build at that version opened. */
export function openHistoryAtVersion(name: string, version: number): Dexie {
  const db = new Dexie(name, HISTORY_DB_OPTIONS);
  declareSchema(db, version);
  return db;
}

/** Writes `fixture` into a new database `name` at the fixture's version, then closes it. */
export async function seedFixture(name: string, fixture: VersionFixture): Promise<void> {
  const db = openHistoryAtVersion(name, fixture.version);
  try {
    await db.open();
    expect(db.verno, `fixture for version ${fixture.version}`).toBe(fixture.version);
    const tables = Object.keys(fixture.tables);
    if (tables.length === 0) return;
    await db.transaction('rw', tables, async () => {
      for (const [table, rows] of Object.entries(fixture.tables)) await db.table(table).bulkAdd(rows.map((row) => structuredClone(row)));
    });
  } finally {
    db.close();
  }
}

function byId(a: FixtureRow, b: FixtureRow): number {
  const [x, y] = [String(a.id), String(b.id)];
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Every table of `db` with all its rows. */
export async function snapshot(db: Dexie): Promise<TableSnapshot> {
  const tables: TableSnapshot = {};
  for (const table of db.tables) tables[table.name] = ((await table.toArray()) as FixtureRow[]).sort(byId);
  return tables;
}

/** Seeds `fixture` into `name` and opens it with the current schema (running every later `upgrade()`). */
export async function upgradeFixture(
  name: string,
  fixture: VersionFixture,
): Promise<{ db: ClinicHistoryDb; before: TableSnapshot; after: TableSnapshot }> {
  await seedFixture(name, fixture);
  const old = openHistoryAtVersion(name, fixture.version);
  const before = await snapshot(old);
  old.close();
  const db = new ClinicHistoryDb(name);
  await db.open();
  return { db, before, after: await snapshot(db) };
}

/**
 * Asserts the upgraded database holds every row it held before — same id, same table, every field (ciphertext
 * included) equal, nothing extra — once `change` (the composed `upgrade()` effects; none by default) is applied.
 */
export function expectNothingLost(before: TableSnapshot, after: TableSnapshot, change?: RowChange): void {
  const expected: TableSnapshot = Object.fromEntries(Object.keys(after).map((table) => [table, [] as FixtureRow[]]));
  for (const [table, rows] of Object.entries(before)) {
    for (const row of rows) {
      const moved = change ? change(table, row) : { table, row };
      (expected[moved.table] ??= []).push(moved.row);
    }
  }
  for (const rows of Object.values(expected)) rows.sort(byId);
  const count = (snap: TableSnapshot) => Object.fromEntries(Object.entries(snap).map(([table, rows]) => [table, rows.length]));
  expect(count(after), 'rows per table').toEqual(count(expected));
  expect(after).toEqual(expected);
}
