/**
 * Several server processes on one PostgreSQL behave as one: migrations started at once, the gap-free cursor under
 * concurrent pushers on two processes, the live feed across processes, and a PostgreSQL restart.
 */
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PullOutput, PushOutput } from '../../src/shared/sync/changes';
import { MIGRATIONS, migrate } from '../../src/server/db/migrations';
import { call, newClinician, openEvents, recordItem, signInElsewhere } from './syncTestClient';
import { startSyncServerForTests, type SecondServer, type SyncServerForTests } from './syncServerForTests';

let sync: SyncServerForTests;
let second: SecondServer;
beforeAll(async () => {
  // Its own cluster: one test restarts PostgreSQL, and another creates a role (roles are cluster-wide).
  sync = await startSyncServerForTests({}, { ownPostgres: true });
  second = await sync.startSecondProcess();
}, 60_000);
afterAll(() => sync?.close());

describe('several server processes', () => {
  it('apply the migrations once when two start at the same moment', async () => {
    const url = await sync.freshDatabaseUrl();
    const pools = [new pg.Pool({ connectionString: url }), new pg.Pool({ connectionString: url })];
    const results = await Promise.all(pools.map((pool) => migrate(pool)));
    expect(results.map((result) => result.applied).sort()).toEqual([[], MIGRATIONS.map((_, index) => index + 1)].sort());
    const { rows } = await (pools[0] as pg.Pool).query('SELECT (SELECT count(*) FROM schema_migrations) AS versions, (SELECT count(*) FROM server_secret) AS secrets');
    expect(rows[0]).toEqual({ versions: String(MIGRATIONS.length), secrets: '1' });

    // docs/sync-server.md's least-privilege runtime role: data rights only, and it still starts on a current schema.
    const owner = pools[0] as pg.Pool;
    await owner.query("CREATE ROLE cpa_sync_runtime LOGIN PASSWORD 'runtime-test'");
    await owner.query('GRANT SELECT, INSERT, UPDATE, DELETE ON profiles, tokens, counters, items, tombstones, leases, sign_in_failures TO cpa_sync_runtime');
    await owner.query('GRANT SELECT, INSERT ON server_secret, schema_migrations TO cpa_sync_runtime');
    await owner.query('GRANT INSERT ON audit TO cpa_sync_runtime');
    await owner.query('GRANT USAGE ON SEQUENCE audit_id_seq TO cpa_sync_runtime');
    const runtime = new pg.Pool({ connectionString: url.replace(/\/\/[^@]*@/, '//cpa_sync_runtime:runtime-test@') });
    expect(await migrate(runtime)).toEqual({ applied: [] });
    await expect(runtime.query('CREATE TABLE intruder (x int)')).rejects.toThrow(/permission denied/);
    await expect(runtime.query('SELECT * FROM audit')).rejects.toThrow(/permission denied/);
    await runtime.end();
    await Promise.all(pools.map((pool) => pool.end()));
  });

  it('deliver every change to a tight pull loop exactly once and in order, with many pushers on two processes', async () => {
    // Latency injected at the database: each push's transaction waits 0–20 ms after writing its items, before it
    // commits. A change number taken outside the commit order would now often commit after a later one and be
    // skipped by the puller (that version of push.ts fails this test every run); the locked counter never does.
    const db = sync.server.context.pool;
    await db.query(`CREATE FUNCTION slow_commit() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN PERFORM pg_sleep(random() * 0.02); RETURN NULL; END $$`);
    await db.query('CREATE TRIGGER items_slow_commit AFTER INSERT ON items FOR EACH STATEMENT EXECUTE FUNCTION slow_commit()');
    const clinician = await newClinician(sync.url);
    // One after another: concurrent sign-ins from one address past the 3 free attempts are asked to retry (the
    // limiter counts an attempt before hashing it), which is not what this test is about.
    const tokens = [clinician.token];
    for (let i = 0; i < 5; i += 1) tokens.push((await signInElsewhere(second.url, clinician)).token);
    const bases = [sync.url, second.url];
    const pushesEach = 10;
    const stored: string[] = [];
    let pushing = true;

    const pushers = tokens.flatMap((token, index) =>
      [0, 1].map(async (lane) => {
        const base = bases[(index + lane) % 2] as string;
        for (let n = 0; n < pushesEach; n += 1) {
          const items = [recordItem(randomUUID()), recordItem(randomUUID())];
          const answer = await call(base, 'POST', '/v1/push', { token, body: { items } });
          for (const result of PushOutput.parse(answer.body).results) {
            expect(result.status).toBe('stored');
            stored.push(result.id);
          }
        }
      }),
    );

    const received: { id: string; changeNo: number }[] = [];
    let cursor = 0;
    let turn = 0;
    const pullOnce = async () => {
      turn += 1;
      const answer = await call(bases[turn % 2] as string, 'GET', `/v1/changes?after=${cursor}&limit=50`, { token: clinician.token });
      const page = PullOutput.parse(answer.body);
      for (const change of page.changes) received.push({ id: 'id' in change ? change.id : '', changeNo: change.changeNo });
      cursor = page.next;
      return page.more;
    };
    const puller = (async () => {
      while (pushing) await pullOnce();
      while (await pullOnce());
    })();
    await Promise.all(pushers).finally(() => (pushing = false));
    await puller;
    await db.query('DROP TRIGGER items_slow_commit ON items');

    const total = tokens.length * 2 * pushesEach * 2;
    expect(stored).toHaveLength(total);
    expect(received.map((r) => r.changeNo)).toEqual(Array.from({ length: total }, (_, index) => index + 1));
    expect(new Set(received.map((r) => r.id))).toEqual(new Set(stored));
    expect(turn).toBeGreaterThan(20); // the puller really ran while the pushes committed
  }, 60_000);

  it('announce a change pushed through one process to a live-feed client of the other', async () => {
    const clinician = await newClinician(sync.url);
    const events = await openEvents(second.url, clinician.token);
    await events.until((n) => n === 0);
    const answer = await call(sync.url, 'POST', '/v1/push', { token: clinician.token, body: { items: [recordItem(randomUUID())] } });
    expect(PushOutput.parse(answer.body).results[0]?.changeNo).toBe(1);
    await events.until((n) => n === 1);
    expect(events.seen).toEqual([0, 1]);
    events.close();
  });

  it('keep working across a PostgreSQL restart: the data stays, requests answer again, the live feed resumes', async () => {
    const clinician = await newClinician(sync.url);
    await call(sync.url, 'POST', '/v1/push', { token: clinician.token, body: { items: [recordItem(randomUUID())] } });
    const events = await openEvents(sync.url, clinician.token);
    await events.until((n) => n === 1);

    await sync.restartPostgres();
    // The first request may meet a connection PostgreSQL closed: it answers UNAVAILABLE, never a wrong result.
    let answer = await call(sync.url, 'POST', '/v1/push', { token: clinician.token, body: { items: [recordItem(randomUUID())] } });
    for (let tries = 0; answer.status === 503 && tries < 20; tries += 1) {
      expect((answer.body as { error: { code: string } }).error.code).toBe('UNAVAILABLE');
      answer = await call(sync.url, 'POST', '/v1/push', { token: clinician.token, body: { items: [recordItem(randomUUID())] } });
    }
    expect(PushOutput.parse(answer.body).results[0]?.changeNo).toBe(2);
    await events.until((n) => n >= 2);
    const pulled = PullOutput.parse((await call(second.url, 'GET', '/v1/changes?after=0', { token: clinician.token })).body);
    expect(pulled.changes.map((change) => change.changeNo)).toEqual([1, 2]);
    events.close();
  }, 30_000);

  it('`npm run sync-server -- remove-profile --name` removes a clinician: its workstations are told PROFILE_REMOVED', async () => {
    const clinician = await newClinician(sync.url);
    const run = (name: string) =>
      spawnSync(process.execPath, ['--import', 'tsx', 'src/server/cli.ts', 'remove-profile', '--name', name], {
        cwd: join(import.meta.dirname, '..', '..'),
        encoding: 'utf8',
        env: { ...process.env, DATABASE_URL: sync.databaseUrl },
      });
    const removed = run(clinician.input.name.toUpperCase());
    expect([removed.status, removed.stdout]).toEqual([0, '']);
    expect(removed.stderr).toContain('the profile was removed');
    expect((await call(second.url, 'GET', '/v1/changes?after=0', { token: clinician.token })).status).toBe(410);
    expect(run(clinician.input.name).status).toBe(2);
  }, 30_000);
});
