// @vitest-environment node
import 'fake-indexeddb/auto';
import Dexie from 'dexie';
import { afterEach, describe, expect, it } from 'vitest';
import { CURRENT_SCHEMA_VERSION, SCHEMA_VERSIONS, type ClinicHistoryDb } from './database';
import { createRecordStore } from './recordStore';
import { changesBetween, VERSION_FIXTURES } from './testing/fixtures';
import { FIXTURE_KEY, FIXTURE_PLAINTEXTS, historyV1Fixture } from './testing/historyV1.fixture';
import { FIXTURE_V2_PLAINTEXTS, historyV2Fixture } from './testing/historyV2.fixture';
import { expectNothingLost, upgradeFixture } from './testing/migrationHarness';

const opened: ClinicHistoryDb[] = [];
afterEach(async () => {
  for (const db of opened.splice(0)) {
    db.close();
    await Dexie.delete(db.name);
  }
});

const dbName = () => `ClinicHistory-migration-${crypto.randomUUID()}`;

async function upgrade(fixture = historyV1Fixture) {
  const upgraded = await upgradeFixture(dbName(), fixture);
  opened.push(upgraded.db);
  return upgraded;
}

/** Opens a fixture payload the way the fixture sealed it (test-only binding; main's vault owns the real one). */
async function openFixturePayload(row: Record<string, unknown>): Promise<string> {
  const bytes = (b64: string) => Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
  const key = await crypto.subtle.importKey('raw', FIXTURE_KEY, 'AES-GCM', false, ['decrypt']);
  const additionalData = new TextEncoder().encode(JSON.stringify([row.id, row.sessionId, row.ownerId, row.kind, row.v]));
  const plain = await crypto.subtle.decrypt({ name: 'AES-GCM', iv: bytes(row.iv as string), additionalData }, key, bytes(row.ct as string));
  return new TextDecoder().decode(plain);
}

describe('schema migrations (check 24)', () => {
  it('has a frozen fixture for every released version', () => {
    expect(VERSION_FIXTURES.map((f) => f.version)).toEqual(SCHEMA_VERSIONS.map((v) => v.version));
  });

  it.each(VERSION_FIXTURES.map((fixture) => [fixture.version, fixture] as const))(
    'upgrades a version %i database to the current version with nothing lost',
    async (version, fixture) => {
      const { db, before, after } = await upgrade(fixture);
      expect(db.verno).toBe(CURRENT_SCHEMA_VERSION);
      // The fixture really was written as is, then kept through the upgrade.
      for (const [table, rows] of Object.entries(fixture.tables)) expect(before[table]).toHaveLength(rows.length);
      expectNothingLost(before, after, changesBetween(version, CURRENT_SCHEMA_VERSION));
    },
  );

  it.each([
    [1, historyV1Fixture, FIXTURE_PLAINTEXTS],
    [2, historyV2Fixture, FIXTURE_V2_PLAINTEXTS],
  ] as const)('keeps every sealed payload of the version %i fixture openable after the upgrade', async (_version, fixture, plaintexts) => {
    const { db } = await upgrade(fixture);
    const sealed = [...(await db.sessions.toArray()), ...(await db.turns.toArray())].filter((row) => 'ct' in row);
    expect(sealed.map((row) => row.id).sort()).toEqual(Object.keys(plaintexts).sort());
    for (const row of sealed) expect(await openFixturePayload(row)).toBe(plaintexts[row.id]);
  });

  it('upgrades the version 1 fixture to version 2 row for row — iv and ct byte-identical — and the `v` index finds every v1 record', async () => {
    const { db, after } = await upgrade(historyV1Fixture);
    expect(db.verno).toBeGreaterThanOrEqual(2);
    // Exactly the frozen rows, not only what the old connection read back.
    const byId = (rows: readonly Record<string, unknown>[]) => [...rows].sort((a, b) => String(a.id).localeCompare(String(b.id)));
    for (const [table, rows] of Object.entries(historyV1Fixture.tables)) expect(after[table]).toEqual(byId(rows));
    for (const row of [...after.sessions!, ...after.turns!].filter((stored) => 'ct' in stored)) {
      const frozen = [...historyV1Fixture.tables.sessions!, ...historyV1Fixture.tables.turns!].find((candidate) => candidate.id === row.id)!;
      expect([row.iv, row.ct]).toEqual([frozen.iv, frozen.ct]);
    }

    // The new index answers: every record is still in format v1 (tombstones carry no format and are not indexed).
    expect((await db.sessions.where('v').equals(1).primaryKeys()).sort()).toEqual([
      '11111111-1111-4111-8111-111111111111',
      '22222222-2222-4222-8222-222222222222',
      '33333333-3333-4333-8333-333333333333',
    ]);
    expect(await db.turns.where('v').equals(1).count()).toBe(5);
    expect(await db.sessions.where('v').equals(2).count()).toBe(0);
    const store = createRecordStore(db);
    expect(await store.countOlderFormat('clinician-a')).toBe(2 + 4);
    expect(await store.countOlderFormat('clinician-b')).toBe(1 + 1);
  });

  it('counts only the records still in format v1 once some are re-sealed (the version 2 fixture)', async () => {
    const { db } = await upgrade(historyV2Fixture);
    const store = createRecordStore(db);
    expect(await store.countOlderFormat('clinician-a')).toBe(2);
    expect(await store.countOlderFormat('clinician-b')).toBe(0);
    expect(await db.turns.where('v').equals(2).count()).toBe(4);
  });

  it('serves the version 1 fixture through the store after the upgrade', async () => {
    const { db } = await upgrade();
    const store = createRecordStore(db);
    const page = await store.sessionsPage('clinician-a', { limit: 10 });
    expect(page.sessions.map((s) => s.id)).toEqual(['22222222-2222-4222-8222-222222222222', '11111111-1111-4111-8111-111111111111']);
    const turns = await store.turnsOf('11111111-1111-4111-8111-111111111111');
    expect(turns.map((t) => [t.seq, t.parentTurnId])).toEqual([
      [1, null],
      [2, null],
      [2, 'a1222222-2222-4222-8222-222222222222'],
    ]);
    expect(await store.countTurns()).toBe(5);
    expect(await db.quarantine.count()).toBe(1);
  });

  it('creates an empty database at the current version', async () => {
    const { db, after } = await upgrade({ version: 1, tables: {} });
    expect(db.verno).toBe(CURRENT_SCHEMA_VERSION);
    expect(after).toEqual({ sessions: [], turns: [], quarantine: [] });
  });
});
