/**
 * `sync.initial_sync_ratio`: a new workstation receiving a clinician's history (sessions × 10 turns, and their
 * session-key items) against plain Dexie writing the same rows.
 *
 * - Ours: workstation A (main in Node, real sealer) seals the history and pushes it through its outbox (not timed).
 *   A new workstation B signs in with the clinic profile; from the sign-in's answer (KDF and key adoption done) until
 *   B's main delivered the last record to its page: every pull page, every envelope opened and checked with the
 *   profile's data key, every session key adopted and every record opened with it before delivery. Then the page's
 *   part: the delivered records written as the page writes a delivery (each checked against the schema, one
 *   read-write transaction per delivery as main cut them, src/main/sync/pull/pulledDeliveries.ts; stored rows read
 *   first so a newer version is never overwritten). Median of 3, alternating with the plain side.
 * - Plain: Dexie `bulkPut` of the same rows, one transaction per 100 sessions.
 *
 * The Dexie parts run in Node on fake-indexeddb, both sides the same way, not in Chromium as the store suite does:
 * B's main runs in Node here (as the tier-N sync tests run it), and the store suite's page API cannot time a plain
 * write of rows its own store already holds (`populate` writes both sides), so a Chromium variant needs a harness
 * signed in through the clinic and a page bundle of its own. The Dexie figures are fake-indexeddb's (in memory, no
 * durability), not Chromium's — the ratio is main's sync work plus per-delivery transactions over bulk writes, on the
 * same engine.
 */
import { Dexie } from 'dexie';
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import type { AuthState } from '../../src/shared/auth';
import { recordVersionOf, SealedRecord } from '../../src/shared/vault';
import { TEST_PASSPHRASE } from '../../test/support/mainForTests';
import { sealedSessionBatches } from '../browser/sealedPopulation';
import { percentile } from '../stats';
import { startWorkstation, syncedAndDrained, type BenchMain } from './workstations';

/** How much history the new workstation receives. */
export interface InitialSyncPlan {
  readonly sessions: number;
  readonly turnsPerSession: number;
}

/** What the initial sync measured. */
export interface InitialSyncFigures {
  readonly records: number;
  readonly populateMs: number;
  /** B's main: sign-in answered → last record delivered. */
  readonly mainMs: number;
  /** The page's writes of B's deliveries (fake-indexeddb). */
  readonly oursDexieMs: number;
  readonly plainDexieMs: number;
  readonly deliveries: number;
  readonly ratio: number;
}

const WAIT_MS = 600_000;
const BATCH_SESSIONS = 50;
const PLAIN_BATCH_SESSIONS = 100;
/** Repetitions of each Dexie side (odd: the median is one of them). */
const DEXIE_RUNS = 3;

/** The app's history tables (src/renderer/src/db/database.ts, version 2) on a fresh in-memory IndexedDB. */
function historyDb(name: string): Dexie {
  const db = new Dexie(name, { indexedDB: new IDBFactory(), IDBKeyRange });
  db.version(2).stores({
    sessions: 'id, ownerId, [ownerId+updatedAt], updatedAt, v',
    turns: 'id, [sessionId+seq], parentTurnId, v',
  });
  return db;
}

/**
 * Ours: what the page's store does with each delivery (src/renderer/src/db/recordStore.ts `putRecords`): every record
 * checked against the schema, then one read-write transaction that reads the stored rows of its sessions and turns
 * (tombstones, newer versions) and writes the rest.
 */
async function writeDeliveries(deliveries: readonly (readonly SealedRecord[])[]): Promise<number> {
  const db = historyDb('ours');
  await db.open();
  const sessionsTable = db.table('sessions');
  const turnsTable = db.table('turns');
  const startedAt = performance.now();
  for (const delivered of deliveries) {
    const records = delivered.map((record) => SealedRecord.parse(record));
    const sessions = records.filter((record) => record.kind === 'session');
    const turns = records.filter((record) => record.kind === 'turn');
    await db.transaction('rw', sessionsTable, turnsTable, async () => {
      const storedSessions = (await sessionsTable.bulkGet([...new Set(records.map((record) => record.sessionId))])) as (SealedRecord | undefined)[];
      const storedTurns = (await turnsTable.bulkGet(turns.map((turn) => turn.id))) as (SealedRecord | undefined)[];
      const stored = new Map([...storedSessions, ...storedTurns].filter((row) => row !== undefined).map((row) => [row.id, row]));
      const newer = (record: SealedRecord) => {
        const known = stored.get(record.id);
        return known === undefined || recordVersionOf(known) < recordVersionOf(record);
      };
      if (sessions.length > 0) await sessionsTable.bulkPut(sessions.filter(newer));
      if (turns.length > 0) await turnsTable.bulkPut(turns.filter(newer));
    });
  }
  const elapsed = performance.now() - startedAt;
  db.close();
  return elapsed;
}

/** Plain: `bulkPut` of the same rows, a transaction per {@link PLAIN_BATCH_SESSIONS} sessions. */
async function writePlain(records: readonly SealedRecord[], turnsPerSession: number): Promise<number> {
  const db = historyDb('plain');
  await db.open();
  const perBatch = PLAIN_BATCH_SESSIONS * (1 + turnsPerSession);
  const startedAt = performance.now();
  for (let first = 0; first < records.length; first += perBatch) {
    const batch = records.slice(first, first + perBatch);
    await db.transaction('rw', db.table('sessions'), db.table('turns'), async () => {
      await db.table('sessions').bulkPut(batch.filter((record) => record.kind === 'session'));
      await db.table('turns').bulkPut(batch.filter((record) => record.kind === 'turn'));
    });
  }
  const elapsed = performance.now() - startedAt;
  db.close();
  return elapsed;
}

/** Runs the initial sync; `log` gets progress lines. */
export async function measureInitialSync(
  syncUrl: string,
  llmBaseUrl: string,
  plan: InitialSyncPlan,
  seed: number,
  log: (line: string) => void,
): Promise<InitialSyncFigures> {
  const started: BenchMain[] = [];
  try {
    const name = `Dr Initial ${Math.floor(seed % 100_000)}`;
    const a = await startWorkstation({ llmBaseUrl, syncUrl, label: 'Triage 1', name, signIn: true });
    started.push(a);
    await syncedAndDrained(a.main, 30_000);
    const { profileId } = await a.main.callOk<AuthState>('auth.state');
    if (profileId === null) throw new Error('A is not signed in');

    const populateStart = performance.now();
    const synced = a.main.services.syncForBenchmarks;
    const batches = sealedSessionBatches(synced.sealer, {
      seed,
      firstScript: 0,
      sessions: plan.sessions,
      turnsPerSession: plan.turnsPerSession,
      batchSessions: BATCH_SESSIONS,
      ownerId: profileId,
      newestAt: new Date(Date.now() - 3_600_000),
      endpoint: llmBaseUrl,
    });
    let records = 0;
    for await (const batch of batches) {
      for (const session of batch.sessionRecords) await synced.keyTouched(session.sessionId);
      records += batch.sessionRecords.length + batch.turnRecords.length;
    }
    await syncedAndDrained(a.main, WAIT_MS);
    const populateMs = performance.now() - populateStart;
    log(`    ${records.toLocaleString('en-US')} records sealed and pushed by A in ${(populateMs / 1_000).toFixed(1)} s`);

    const b = await startWorkstation({ llmBaseUrl, syncUrl, label: 'Exam room 2', signIn: false });
    started.push(b);
    b.clock.kept = [];
    await b.main.callOk('auth.signInWithClinicProfile', { name, passphrase: TEST_PASSPHRASE });
    const signedInAt = performance.now();
    const deadline = signedInAt + WAIT_MS;
    while (b.clock.delivered.size < records) {
      if (performance.now() > deadline) throw new Error(`B received ${b.clock.delivered.size} of ${records} records`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const lastAt = Math.max(...[...b.clock.delivered.values()].map((entry) => entry.at));
    const mainMs = lastAt - signedInAt;
    const deliveries = b.clock.kept;
    b.clock.kept = null;

    // The same rows for the plain side: the newest version of each, in delivery order.
    const newest = new Map<string, SealedRecord>();
    for (const delivery of deliveries) for (const record of delivery) newest.set(record.id, record);
    const rows = [...newest.values()];
    // Alternating order (ours, plain, plain, ours, …), medians: the Dexie parts are short and the machine noisy.
    const oursRuns: number[] = [];
    const plainRuns: number[] = [];
    for (let run = 0; run < DEXIE_RUNS; run += 1) {
      if (run % 2 === 0) {
        oursRuns.push(await writeDeliveries(deliveries));
        plainRuns.push(await writePlain(rows, plan.turnsPerSession));
      } else {
        plainRuns.push(await writePlain(rows, plan.turnsPerSession));
        oursRuns.push(await writeDeliveries(deliveries));
      }
    }
    const oursDexieMs = percentile(oursRuns, 50);
    const plainDexieMs = percentile(plainRuns, 50);
    return {
      records,
      populateMs,
      mainMs,
      oursDexieMs,
      plainDexieMs,
      deliveries: deliveries.length,
      ratio: (mainMs + oursDexieMs) / plainDexieMs,
    };
  } finally {
    for (const workstation of started) await workstation.main.close();
  }
}
