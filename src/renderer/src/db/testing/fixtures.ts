/**
 * One frozen fixture per released schema version, and what each version's `upgrade()` is expected to do to rows.
 * migrations.test.ts refuses a released version without a fixture here.
 */
import { historyV1Fixture } from './historyV1.fixture';
import { historyV2Fixture } from './historyV2.fixture';
import type { RowChange, VersionFixture } from './migrationHarness';

/** Fixtures, oldest first. */
export const VERSION_FIXTURES: readonly VersionFixture[] = [historyV1Fixture, historyV2Fixture];

/**
 * Per version, the row-level effect of its `upgrade()` on a row of the version before (absent: rows unchanged).
 * Version 2 only adds indexes on `v`: rows are unchanged, so it has no entry.
 * Example for a version 3 that renamed a field: `3: (table, row) => ({ table, row: rename(row, 'a', 'b') })`.
 */
export const EXPECTED_ROW_CHANGES: Readonly<Record<number, RowChange>> = {};

/** The composed effect of every version after `from` up to `to`. */
export function changesBetween(from: number, to: number): RowChange {
  return (table, row) => {
    let moved = { table, row };
    for (let version = from + 1; version <= to; version += 1) {
      const change = EXPECTED_ROW_CHANGES[version];
      if (change) moved = change(moved.table, moved.row);
    }
    return moved;
  };
}
