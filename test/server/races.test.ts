/**
 * Requests that race another transaction of the same profile: a write authenticated before IT's removal or a
 * sign-out, a lease taken while a push is being checked, the retention sweep against a fresh push. The other side
 * is held at a known point by a test transaction holding the profile's counter lock, so nothing here sleeps.
 */
import { randomUUID } from 'node:crypto';
import type { PoolClient } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PushOutput } from '../../src/shared/sync/changes';
import { SyncErrorBody } from '../../src/shared/sync/syncErrors';
import { utcDayBefore } from '../../src/server/clock';
import { call, keyItem, newClinician, recordItem, signInElsewhere, type Answer } from './syncTestClient';
import { startSyncServerForTests, type SyncServerForTests } from './syncServerForTests';

let sync: SyncServerForTests;
beforeAll(async () => {
  sync = await startSyncServerForTests();
}, 60_000);
afterAll(() => sync?.close());

const errorCode = (answer: Answer) => [answer.status, SyncErrorBody.parse(answer.body).error.code];
const today = () => utcDayBefore(sync.clock.now(), 0);

/** Resolves once some backend waits for a lock (the request under test reached its counter lock). */
async function untilSomeoneWaits(): Promise<void> {
  for (;;) {
    const { rows } = await sync.server.context.pool.query<{ n: string }>("SELECT count(*) AS n FROM pg_locks WHERE NOT granted");
    if (Number(rows[0]?.n) > 0) return;
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/**
 * Holds `profileId`'s counter lock in a test transaction, starts `request`, waits until it queues behind the lock,
 * runs `meanwhile` in the holding transaction and commits it; answers the request's answer.
 */
async function whileHeld<T>(profileId: string, request: () => Promise<T>, meanwhile: (db: PoolClient) => Promise<unknown>): Promise<T> {
  const db = await sync.server.context.pool.connect();
  try {
    await db.query('BEGIN');
    await db.query('SELECT 1 FROM counters WHERE profile_id = $1 FOR UPDATE', [profileId]);
    const pending = request();
    await untilSomeoneWaits();
    await meanwhile(db);
    await db.query('COMMIT');
    return await pending;
  } catch (error) {
    await db.query('ROLLBACK');
    throw error;
  } finally {
    db.release();
  }
}

const removeNow = (profileId: string) => async (db: PoolClient) => {
  await db.query('UPDATE tokens SET revoked_at = now() WHERE profile_id = $1', [profileId]);
  await db.query('UPDATE profiles SET removed_at = now(), keys = NULL WHERE id = $1', [profileId]);
};

describe('writes authenticated before a removal or sign-out that commits first', () => {
  it('refuse a push, a tombstone and a lease of a removed profile with PROFILE_REMOVED and store nothing', async () => {
    for (const route of ['/v1/push', '/v1/tombstones', '/v1/leases'] as const) {
      const { token, input } = await newClinician(sync.url);
      const sessionId = randomUUID();
      const body = {
        '/v1/push': { items: [keyItem(sessionId, today())] },
        '/v1/tombstones': { sessions: [{ sessionId, reason: 'deleted', day: today() }] },
        '/v1/leases': { sessionId },
      }[route];
      const answer = await whileHeld(input.profileId, () => call(sync.url, 'POST', route, { token, body }), removeNow(input.profileId));
      expect([route, ...errorCode(answer)]).toEqual([route, 410, 'PROFILE_REMOVED']);
      const { rows } = await sync.server.context.pool.query<{ n: string }>(
        `SELECT (SELECT count(*) FROM items WHERE profile_id = $1) + (SELECT count(*) FROM tombstones WHERE profile_id = $1)
              + (SELECT count(*) FROM leases WHERE profile_id = $1 AND holder_workstation IS NOT NULL) AS n`,
        [input.profileId],
      );
      expect(rows[0]?.n).toBe('0');
    }
  });

  it('refuse a push whose token was signed out meanwhile with UNAUTHORIZED', async () => {
    const clinician = await newClinician(sync.url);
    const other = await signInElsewhere(sync.url, clinician);
    const answer = await whileHeld(
      clinician.input.profileId,
      () => call(sync.url, 'POST', '/v1/push', { token: other.token, body: { items: [recordItem(randomUUID())] } }),
      (db) => db.query('UPDATE tokens SET revoked_at = now() WHERE workstation_id = $1', [other.workstationId]),
    );
    expect(errorCode(answer)).toEqual([401, 'UNAUTHORIZED']);
    const ok = await call(sync.url, 'POST', '/v1/push', { token: clinician.token, body: { items: [recordItem(randomUUID())] } });
    expect(PushOutput.parse(ok.body).results[0]).toMatchObject({ status: 'stored', changeNo: 1 });
  });
});

describe('the retention sweep racing a push', () => {
  it("keeps a session whose key entry was pushed with today's day after the sweep listed it, and shreds the others", async () => {
    const { token, input } = await newClinician(sync.url);
    const revived = randomUUID();
    const old = randomUUID();
    const longAgo = utcDayBefore(sync.clock.now(), sync.server.context.settings.retentionDays + 3);
    await call(sync.url, 'POST', '/v1/push', { token, body: { items: [keyItem(revived, longAgo), recordItem(revived), keyItem(old, longAgo)] } });
    const result = await whileHeld(
      input.profileId,
      () => sync.sweep(),
      // A push of the session's key with today's day, committed while the sweep waited for the profile.
      (db) => db.query("UPDATE items SET day = $2, version = 2 WHERE profile_id = $1 AND kind = 'key' AND id = $3", [input.profileId, today(), revived]),
    );
    expect(result).toMatchObject({ skipped: false, shredded: 1 });
    const { rows } = await sync.server.context.pool.query<{ session_id: string; kind: string }>(
      'SELECT session_id, kind FROM items WHERE profile_id = $1 ORDER BY kind',
      [input.profileId],
    );
    expect(rows).toEqual([
      { session_id: revived, kind: 'key' },
      { session_id: revived, kind: 'record' },
    ]);
    const tombstoned = await sync.server.context.pool.query('SELECT session_id FROM tombstones WHERE profile_id = $1', [input.profileId]);
    expect(tombstoned.rows).toEqual([{ session_id: old }]);
  });
});

describe('a lease taken while a push is being checked', () => {
  it('waits for the push, which holds the profile counter lock from its lease check to its commit', async () => {
    const clinician = await newClinician(sync.url);
    const sessionId = randomUUID();
    const db = await sync.server.context.pool.connect();
    try {
      await db.query('BEGIN');
      // What a push holds between finding no lease for the session and committing its items.
      await db.query('SELECT 1 FROM counters WHERE profile_id = $1 FOR UPDATE', [clinician.input.profileId]);
      const lease = call(sync.url, 'POST', '/v1/leases', { token: clinician.token, body: { sessionId } });
      const first = await Promise.race([lease.then(() => 'lease answered'), untilSomeoneWaits().then(() => 'lease waits')]);
      expect(first).toBe('lease waits');
      await db.query('COMMIT');
      expect((await lease).status).toBe(200);
    } finally {
      db.release();
    }
  });
});
