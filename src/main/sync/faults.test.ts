/**
 * Faults between workstations and the sync server: the server process SIGKILLed in the middle of a push, PostgreSQL
 * restarted under a running server, and two server processes on one database. What the clinician relies on: nothing
 * the server acknowledged is lost, nothing arrives twice, and a colleague's workstation ends up with every change.
 *
 * Workstations are main as the app wires it (startMainForTests); the servers are real `npm run sync-server`
 * processes, so they can be killed. A push is stopped half-way deterministically, not by timing: a trigger on the
 * items table makes the push that would take the profile past a given count wait on an advisory lock the test holds,
 * and the test acts once PostgreSQL shows that push waiting.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { createInterface, type Interface } from 'node:readline';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { startFakeLlmServer, type FakeLlmServer } from '../../../test/fakes/fakeLlmServer';
import { startMainForTests, TEST_PASSPHRASE, type MainForTests } from '../../../test/support/mainForTests';
import { TestClock } from '../../../test/support/testClock';
import type { AuthState } from '../../shared/auth';
import type { ProtocolResponse } from '../../shared/protocol';
import { MAX_PUSH_ITEMS } from '../../shared/sync/changes';
import type { SyncStatus } from '../../shared/sync/status';
import type { SealedRecord } from '../../shared/vault';
import { systemClock } from '../core/clock';
import { syncPathsOf } from './outbox/outboxFiles';
import { readSyncCursor } from './outbox/syncCursor';

const ROOT = join(import.meta.dirname, '..', '..', '..');

/** The advisory lock a gated push waits on. */
const GATE_LOCK = 4242;

/** The PostgreSQL of this file (test/server/faultRig.ts, a process: main's tests link no server code). */
interface Rig {
  readonly databaseUrl: string;
  restartPostgres(): Promise<void>;
  close(): Promise<void>;
}

/** A sync server process (`npm run sync-server` on DATABASE_URL), killable. */
interface ServerProcess {
  readonly url: string;
  readonly child: ChildProcess;
  stop(): Promise<void>;
}

let rig: Rig;
let llm: FakeLlmServer;
let admin: pg.Client;
const started: MainForTests[] = [];
const servers: ServerProcess[] = [];

/** The next line `lines` reads (or a rejection naming `what` if the process ends first). */
function nextLine(lines: Interface, child: ChildProcess, what: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const onExit = () => reject(new Error(`${what}: the process exited`));
    child.once('exit', onExit);
    lines.once('line', (line) => {
      child.off('exit', onExit);
      resolve(line);
    });
  });
}

async function startRig(): Promise<Rig> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/server/faultRig.ts'], { cwd: ROOT, stdio: ['pipe', 'pipe', 'inherit'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
  const ready = /^ready (\S+)$/.exec(await nextLine(lines, child, 'fault rig start'));
  if (!ready?.[1]) throw new Error('the fault rig did not start');
  return {
    databaseUrl: ready[1],
    async restartPostgres() {
      const answer = nextLine(lines, child, 'PostgreSQL restart');
      child.stdin?.write('restart\n');
      expect(await answer).toBe('restarted');
    },
    async close() {
      child.stdin?.end();
      await exited;
    },
  };
}

/** Starts a server process on the rig's database (on `port`, to start a killed one again where it was). */
async function serverProcess(port = 0): Promise<ServerProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server/cli.ts', '--port', String(port)], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: rig.databaseUrl },
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const line = await nextLine(createInterface({ input: child.stdout as NodeJS.ReadableStream }), child, 'sync server start');
  const url = /^sync server listening on (http:\/\/127\.0\.0\.1:\d+)$/.exec(line)?.[1];
  if (!url) throw new Error(`unexpected first line: ${line}`);
  const server: ServerProcess = {
    url,
    child,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
  servers.push(server);
  return server;
}

beforeAll(async () => {
  rig = await startRig();
  llm = await startFakeLlmServer();
  admin = await connectAdmin();
  await admin.query('CREATE TABLE fault_gate (profile_id uuid PRIMARY KEY, hold_above integer NOT NULL)');
  // Statement-level, after the push's INSERT: the push's transaction has written its items and not committed yet.
  await admin.query(`CREATE FUNCTION fault_gate() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF EXISTS (SELECT 1 FROM fault_gate g WHERE (SELECT count(*) FROM items i WHERE i.profile_id = g.profile_id) > g.hold_above) THEN
        PERFORM pg_advisory_xact_lock(${GATE_LOCK});
      END IF;
      RETURN NULL;
    END $$`);
  await admin.query('CREATE TRIGGER items_fault_gate AFTER INSERT ON items FOR EACH STATEMENT EXECUTE FUNCTION fault_gate()');
}, 120_000);

afterEach(async () => {
  for (const main of started.splice(0)) await main.close();
  for (const server of servers.splice(0)) await server.stop();
}, 30_000);

afterAll(async () => {
  await admin?.end().catch(() => undefined);
  await llm?.close();
  await rig?.close();
}, 30_000);

async function connectAdmin(): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: rig.databaseUrl });
  // A PostgreSQL restart ends this connection: reported by the query that needs it, not as an uncaught event.
  client.on('error', () => undefined);
  await client.connect();
  return client;
}

function portOf(url: string): number {
  return Number(new URL(url).port);
}

async function workstation(serverUrl: string, options: { name?: string; live?: boolean } = {}): Promise<MainForTests> {
  const main = await startMainForTests({
    llmBaseUrl: llm.baseURL,
    // The live feed needs main's timers to run by themselves; the other tests drive every cycle with `sync.now`.
    clock: options.live ? systemClock : new TestClock(),
    newId: () => randomUUID(),
    settings: { syncServerUrl: serverUrl, idleLockMinutes: 240, ...(options.live ? { syncPullIntervalSeconds: 3_600 } : {}) },
    signIn: options.name !== undefined,
    syncLiveFeed: options.live ?? false,
    ...(options.name ? { profileName: options.name } : {}),
  });
  started.push(main);
  return main;
}

/** Waits, boundedly, until `check` passes (nothing here sleeps for a fixed time). */
function until(check: () => Promise<void> | void, timeout = 20_000): Promise<void> {
  return vi.waitFor(check, { timeout, interval: 50 });
}

/** Runs `sync.now` until a full cycle succeeded. */
async function synced(main: MainForTests): Promise<SyncStatus> {
  let status: SyncStatus | null = null;
  await until(async () => {
    status = await main.callOk<SyncStatus>('sync.now');
    expect(status.state).toBe('synced');
  });
  return status!;
}

/** A workstation of the clinician `name` signed in through "Sign in with a clinic profile". */
async function colleague(serverUrl: string, name: string, live = false): Promise<MainForTests> {
  const main = await workstation(serverUrl, { live });
  await main.callOk<AuthState>('auth.signInWithClinicProfile', { name, passphrase: TEST_PASSPHRASE });
  return main;
}

/**
 * New kept sessions, one turn each (its records sealed twice: pending, then answered). No follow-ups: a follow-up
 * takes the session's lease, and a turn under a lease syncs at its edges — the outbox would not fill.
 */
async function takeHistories(main: MainForTests, count: number): Promise<string[]> {
  const sessions: string[] = [];
  for (let n = 0; n < count; n += 1) {
    const first = await main.callOk<ProtocolResponse>('protocol.generate', { patient: { age: 30 + (n % 50), sex: 'female', chiefComplaint: 'Headache' } });
    sessions.push(first.sessionId);
  }
  return sessions;
}

/**
 * Waits until the outbox holds every item of `sessions` (each record's newest version and the session's key entry,
 * which follows the turn's records by a moment); returns that count.
 */
async function outboxFilled(main: MainForTests, sessions: ReadonlySet<string>): Promise<number> {
  const items = latestVersions(main, sessions).size + sessions.size;
  await until(async () => expect((await main.callOk<SyncStatus>('sync.status')).pending).toBe(items));
  return items;
}

/** A record's version counter (v2; a v1 record, never synced, counts as 0). */
function versionOf(record: SealedRecord): number {
  return record.v === 2 ? record.rv : 0;
}

/** `id:rv` of every record main delivered for `sessions`, one entry per delivery. */
function deliveries(main: MainForTests, sessions: ReadonlySet<string>): string[] {
  return main
    .deliveredRecords()
    .filter((record) => sessions.has(record.sessionId))
    .map((record) => `${record.id}:${versionOf(record)}`);
}

/** The newest version of each record main sealed or received for `sessions`: what the server must end up holding. */
function latestVersions(main: MainForTests, sessions: ReadonlySet<string>): Map<string, number> {
  const latest = new Map<string, number>();
  for (const record of main.deliveredRecords()) {
    if (sessions.has(record.sessionId)) latest.set(record.id, Math.max(versionOf(record), latest.get(record.id) ?? 0));
  }
  return latest;
}

/** The server's rows of `profileId`: records by id (with their version) and every change number, in order. */
async function serverHolds(profileId: string): Promise<{ records: Map<string, number>; recordRows: number; changeNos: number[] }> {
  const { rows } = await admin.query<{ kind: string; id: string; version: number; change_no: string }>(
    'SELECT kind, id, version, change_no FROM items WHERE profile_id = $1 ORDER BY change_no',
    [profileId],
  );
  const records = rows.filter((row) => row.kind === 'record');
  return {
    records: new Map(records.map((row) => [row.id, row.version])),
    recordRows: records.length,
    changeNos: rows.map((row) => Number(row.change_no)),
  };
}

async function profileIdOf(main: MainForTests): Promise<string> {
  const { profileId } = await main.callOk<AuthState>('auth.state');
  if (profileId === null) throw new Error('not signed in');
  return profileId;
}

/** Makes the next push of `profileId` that takes it past `holdAbove` items wait, uncommitted, until released. */
async function gatePushes(profileId: string, holdAbove: number): Promise<{ waiting(): Promise<void>; release(): Promise<void> }> {
  const holder = await connectAdmin();
  await holder.query('SELECT pg_advisory_lock($1)', [GATE_LOCK]);
  await admin.query('INSERT INTO fault_gate (profile_id, hold_above) VALUES ($1, $2)', [profileId, holdAbove]);
  return {
    async waiting() {
      await until(async () => {
        const { rows } = await admin.query<{ n: string }>(
          "SELECT count(*) AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND wait_event = 'advisory' AND query LIKE '%INSERT INTO items%'",
        );
        expect(Number(rows[0]?.n)).toBe(1);
      });
    },
    async release() {
      await admin.query('DELETE FROM fault_gate WHERE profile_id = $1', [profileId]);
      // After a PostgreSQL restart the holder's session (and its lock) is already gone.
      await holder.query('SELECT pg_advisory_unlock($1)', [GATE_LOCK]).catch(() => undefined);
      await holder.end().catch(() => undefined);
    },
  };
}

/**
 * Every record in `expected` on the server once, at its version there, each row with its own change number. With
 * `pushedOnce` (no item was pushed in two versions, so no row's change number was replaced by a newer one) the change
 * numbers are 1…n: a cut push used none.
 */
async function expectServerHoldsOnce(profileId: string, expected: Map<string, number>, pushedOnce: boolean): Promise<void> {
  const held = await serverHolds(profileId);
  expect(held.recordRows).toBe(expected.size);
  expect(held.records).toEqual(expected);
  expect(new Set(held.changeNos).size).toBe(held.changeNos.length);
  if (pushedOnce) expect(held.changeNos).toEqual(Array.from({ length: held.changeNos.length }, (_, index) => index + 1));
}

/** A colleague's workstation pulls every record of `sessions`, each version exactly once. */
async function expectColleagueGetsEachOnce(serverUrl: string, name: string, sessions: ReadonlySet<string>, expected: Map<string, number>): Promise<void> {
  const b = await colleague(serverUrl, name);
  await until(async () => {
    expect((await b.callOk<SyncStatus>('sync.now')).state).toBe('synced');
    expect(latestVersions(b, sessions)).toEqual(expected);
  }, 60_000);
  // One more cycle: nothing already delivered comes again.
  await synced(b);
  const got = deliveries(b, sessions);
  expect(new Set(got).size).toBe(got.length);
}

/**
 * A TCP hop in front of `target` that, once `cutNextPushAnswer()` was called, closes the workstation's connection
 * instead of passing on the next push's answer: the server has committed the push (it answers only after COMMIT), the
 * workstation never hears so. Everything else passes through unchanged.
 */
async function cuttingHop(target: string): Promise<{ url: string; cutNextPushAnswer(): void; cuts(): number; close(): Promise<void> }> {
  const { hostname, port } = new URL(target);
  let armed = false;
  let cuts = 0;
  const sockets = new Set<Socket>();
  const hop: Server = createServer((inbound) => {
    const outbound = createConnection({ host: hostname, port: Number(port) });
    sockets.add(inbound).add(outbound);
    let lastRequest = '';
    inbound.on('data', (chunk: Buffer) => {
      const text = chunk.toString('latin1');
      if (/^[A-Z]+ \//.test(text)) lastRequest = text.slice(0, text.indexOf('\r\n'));
      outbound.write(chunk);
    });
    outbound.on('data', (chunk: Buffer) => {
      if (armed && lastRequest.startsWith('POST /v1/push ')) {
        armed = false;
        cuts += 1;
        inbound.destroy();
        outbound.destroy();
        return;
      }
      inbound.write(chunk);
    });
    const closeBoth = () => {
      inbound.destroy();
      outbound.destroy();
      sockets.delete(inbound);
      sockets.delete(outbound);
    };
    inbound.on('close', closeBoth).on('error', closeBoth);
    outbound.on('close', closeBoth).on('error', closeBoth);
  });
  await new Promise<void>((resolve) => hop.listen(0, '127.0.0.1', resolve));
  const address = hop.address();
  if (address === null || typeof address === 'string') throw new Error('the hop has no port');
  return {
    url: `http://127.0.0.1:${address.port}`,
    cutNextPushAnswer: () => void (armed = true),
    cuts: () => cuts,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => hop.close(() => resolve()));
    },
  };
}

describe('sync under faults', () => {
  it('loses and duplicates nothing when the server process is SIGKILLed in the middle of pushing a large outbox', async () => {
    const first = await serverProcess();
    const name = `Dr Kim ${randomUUID().slice(0, 8)}`;
    const a = await workstation(first.url, { name });
    await synced(a);
    const profileId = await profileIdOf(a);
    const sessions = new Set(await takeHistories(a, 75));
    const waiting = await outboxFilled(a, sessions);
    // More than one batch: the first is committed and acknowledged, the second is cut off by the kill.
    expect(waiting).toBeGreaterThan(MAX_PUSH_ITEMS);

    const gate = await gatePushes(profileId, MAX_PUSH_ITEMS);
    const cycle = a.callOk<SyncStatus>('sync.now');
    await gate.waiting();
    first.child.kill('SIGKILL');
    await first.stop();
    expect(first.child.signalCode).toBe('SIGKILL');
    await gate.release();
    // The cut push answers as an unreachable server; only the acknowledged batch left the outbox.
    expect(await cycle).toMatchObject({ state: 'offline', pending: waiting - MAX_PUSH_ITEMS });
    expect((await serverHolds(profileId)).changeNos).toHaveLength(MAX_PUSH_ITEMS);

    const again = await serverProcess(portOf(first.url));
    expect(again.url).toBe(first.url);
    expect(await synced(a)).toMatchObject({ pending: 0 });
    const expected = latestVersions(a, sessions);
    await expectServerHoldsOnce(profileId, expected, true);
    await expectColleagueGetsEachOnce(first.url, name, sessions, expected);
  }, 180_000);

  it('sends a push again whose answer a cut connection lost after the server committed it, and stores it once', async () => {
    const server = await serverProcess();
    const hop = await cuttingHop(server.url);
    try {
      const name = `Dr Ng ${randomUUID().slice(0, 8)}`;
      const a = await workstation(hop.url, { name });
      await synced(a);
      const profileId = await profileIdOf(a);
      const sessions = new Set(await takeHistories(a, 5));
      const waiting = await outboxFilled(a, sessions);

      hop.cutNextPushAnswer();
      const cut = await a.callOk<SyncStatus>('sync.now');
      expect(hop.cuts()).toBe(1);
      // Stored on the server, and still waiting here: the workstation never heard it was.
      expect(cut).toMatchObject({ state: 'offline', pending: waiting });
      const beforeRetry = (await serverHolds(profileId)).changeNos;
      expect(beforeRetry).toHaveLength(waiting);

      expect(await synced(a)).toMatchObject({ pending: 0 });
      const expected = latestVersions(a, sessions);
      // The second push was answered `duplicate`: no second row, and it took no change number — every number the
      // counter gave out since is a row held now (a key entry's newer day, queued meanwhile, may take one).
      await expectServerHoldsOnce(profileId, expected, false);
      const highest = Math.max(...beforeRetry);
      const { rows: counter } = await admin.query<{ last_change: string }>('SELECT last_change FROM counters WHERE profile_id = $1', [profileId]);
      const given = Number(counter[0]?.last_change);
      expect((await serverHolds(profileId)).changeNos.filter((changeNo) => changeNo > highest)).toEqual(
        Array.from({ length: given - highest }, (_, index) => highest + index + 1),
      );
      expect((await serverHolds(profileId)).changeNos).toHaveLength(waiting);
      await expectColleagueGetsEachOnce(server.url, name, sessions, expected);
    } finally {
      await hop.close();
    }
  }, 120_000);

  it('fails cleanly while PostgreSQL restarts under a running server, then delivers everything once', async () => {
    const server = await serverProcess();
    const name = `Dr Lee ${randomUUID().slice(0, 8)}`;
    const a = await workstation(server.url, { name });
    await synced(a);
    const profileId = await profileIdOf(a);
    const sessions = new Set(await takeHistories(a, 6));
    const waiting = await outboxFilled(a, sessions);

    // The push is in PostgreSQL, written and not committed, when PostgreSQL goes down.
    const gate = await gatePushes(profileId, 0);
    const cycle = a.callOk<SyncStatus>('sync.now');
    await gate.waiting();
    await rig.restartPostgres();
    await admin.end().catch(() => undefined);
    admin = await connectAdmin();
    const failed = await cycle;
    // The server process lives through it (a connection in use when PostgreSQL went away used to end it).
    expect(server.child.exitCode).toBeNull();
    // The push in flight failed whole, and nothing left the outbox without its commit. (A second cycle in the same
    // call may already have pushed everything once the pool reconnected — then it is all on the server, none here.)
    const held = (await serverHolds(profileId)).changeNos;
    expect([0, waiting]).toContain(held.length);
    expect(failed.pending + held.length).toBe(waiting);
    if (held.length === 0) expect(['offline', 'error']).toContain(failed.state);
    await gate.release();

    // The same server process, never restarted: its pool reconnects.
    expect(await synced(a)).toMatchObject({ pending: 0 });
    const expected = latestVersions(a, sessions);
    await expectServerHoldsOnce(profileId, expected, true);
    await expectColleagueGetsEachOnce(server.url, name, sessions, expected);
  }, 120_000);

  it('brings every change to the other workstation exactly once when two server processes serve one database, live', async () => {
    const [one, two] = [await serverProcess(), await serverProcess()];
    const name = `Dr Mo ${randomUUID().slice(0, 8)}`;
    const a = await workstation(one.url, { name, live: true });
    await synced(a);
    const profileId = await profileIdOf(a);
    const b = await colleague(two.url, name, true);
    await synced(b);

    // Both write their own sessions at once; nobody calls `sync.now` from here on: the seals' pushes and the live
    // feed (LISTEN/NOTIFY across the processes) carry everything.
    const [fromA, fromB] = (await Promise.all([takeHistories(a, 8), takeHistories(b, 8)])).map((ids) => new Set(ids)) as [Set<string>, Set<string>];
    const expectedA = latestVersions(a, fromA);
    const expectedB = latestVersions(b, fromB);
    await until(() => {
      expect(latestVersions(b, fromA)).toEqual(expectedA);
      expect(latestVersions(a, fromB)).toEqual(expectedB);
    }, 60_000);
    await until(async () => {
      expect(await a.callOk<SyncStatus>('sync.status')).toMatchObject({ pending: 0 });
      expect(await b.callOk<SyncStatus>('sync.status')).toMatchObject({ pending: 0 });
    });

    const all = new Set([...fromA, ...fromB]);
    await expectServerHoldsOnce(profileId, new Map([...expectedA, ...expectedB]), false);
    for (const main of [a, b]) {
      const got = deliveries(main, all);
      expect(new Set(got).size).toBe(got.length);
    }
    // Both cursors reach the last change number: the pulls skipped nothing and read nothing twice.
    const { changeNos } = await serverHolds(profileId);
    for (const main of [a, b]) {
      await until(async () => expect(await readSyncCursor(syncPathsOf(main.dataDir, profileId).cursor)).toBe(changeNos.at(-1)));
    }
  }, 120_000);
});
