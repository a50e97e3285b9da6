/**
 * The data plane against a real (embedded) PostgreSQL: versions, tombstones, leases and fencing, the server's
 * retention and tombstone sweeps, authorization by token only, validation, health and metrics.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PullOutput, PushOutput, type PushItem } from '../../src/shared/sync/changes';
import { SyncErrorBody } from '../../src/shared/sync/syncErrors';
import { utcDayBefore } from '../../src/server/clock';
import { SWEEP_LOCK } from '../../src/server/sweeps';
import { removeProfile } from '../../src/server/removeProfile';
import { call, keyItem, newClinician, openEvents, recordItem, signInElsewhere, type Clinician } from './syncTestClient';
import { startSyncServerForTests, type SyncServerForTests } from './syncServerForTests';

let sync: SyncServerForTests;
beforeAll(async () => {
  // A fast heartbeat, so the live feed's token re-check is seen within a test.
  // A small pull page budget (300 000 blob characters), so a test crosses it with a few small blobs.
  sync = await startSyncServerForTests({ heartbeatMs: 100, pullPageBlobChars: 300_000 });
}, 60_000);
afterAll(() => sync?.close());

const push = async (token: string, items: PushItem[], fencing: { sessionId: string; fencing: number }[] = []) => {
  const answer = await call(sync.url, 'POST', '/v1/push', { token, body: { items, fencing } });
  expect(answer.status, answer.text).toBe(200);
  return PushOutput.parse(answer.body).results;
};
const pull = async (token: string, after: number, limit = 500) => {
  const answer = await call(sync.url, 'GET', `/v1/changes?after=${after}&limit=${limit}`, { token });
  expect(answer.status, answer.text).toBe(200);
  return PullOutput.parse(answer.body);
};
const errorOf = (body: unknown) => SyncErrorBody.parse(body).error;
const today = () => utcDayBefore(sync.clock.now(), 0);

describe('push and pull', () => {
  it('stores only higher versions: a retried push is a duplicate, a lower or different same version is stale', async () => {
    const { token } = await newClinician(sync.url);
    const sessionId = randomUUID();
    const v1 = recordItem(sessionId, 1);
    const [stored] = await push(token, [v1]);
    expect(stored).toMatchObject({ status: 'stored', changeNo: 1 });
    expect((await push(token, [v1]))[0]).toMatchObject({ status: 'duplicate', changeNo: null, serverVersion: 1 });
    expect((await push(token, [{ ...v1, blob: randomBytes(8).toString('base64') }]))[0]).toMatchObject({ status: 'stale', serverVersion: 1 });
    expect((await push(token, [{ ...v1, version: 3 }]))[0]).toMatchObject({ status: 'stored', changeNo: 2 });
    expect((await push(token, [{ ...v1, version: 2 }]))[0]).toMatchObject({ status: 'stale', serverVersion: 3 });

    const page = await pull(token, 0);
    expect(page.changes).toEqual([{ kind: 'record', changeNo: 2, id: v1.id, sessionId, version: 3, day: null, blob: v1.blob }]);
  });

  it('pages a large pull in change order with exact blobs and a cursor', async () => {
    const { token } = await newClinician(sync.url);
    const sessionId = randomUUID();
    const items = [keyItem(sessionId, today()), ...Array.from({ length: 9 }, () => recordItem(sessionId))];
    await push(token, items);
    const first = await pull(token, 0, 4);
    const second = await pull(token, first.next, 4);
    const third = await pull(token, second.next, 4);
    expect([first.more, second.more, third.more]).toEqual([true, true, false]);
    const all = [...first.changes, ...second.changes, ...third.changes];
    expect(all.map((change) => change.changeNo)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(all.map((change) => ('blob' in change ? change.blob : null))).toEqual(items.map((item) => item.blob));
    expect(all[0]).toMatchObject({ kind: 'key', day: today() });
    expect(await pull(token, third.next)).toEqual({ changes: [], next: 10, more: false, resync: false });
  });

  it("ends a page at the server's blob budget as well as at the limit, and never returns an empty page for one large blob", async () => {
    const { token } = await newClinician(sync.url);
    const sessionId = randomUUID();
    // 100 000 bytes = 133 336 base64 characters: two fit in 300 000, three do not. The last is over the budget alone.
    const items = [...Array.from({ length: 5 }, () => recordItem(sessionId, 1, randomUUID(), 100_000)), recordItem(sessionId, 1, randomUUID(), 300_000)];
    await push(token, items);
    const pages = [];
    let after = 0;
    for (;;) {
      const page = await pull(token, after);
      pages.push(page.changes.map((change) => change.changeNo));
      after = page.next;
      if (!page.more) break;
    }
    expect(pages).toEqual([[1, 2], [3, 4], [5], [6]]);
  });

  it('sends a workstation whose cursor is beyond the last change (a database restored from a backup) to a full resync', async () => {
    const { token } = await newClinician(sync.url);
    await push(token, [recordItem(randomUUID()), recordItem(randomUUID())]);
    expect(await pull(token, 2)).toEqual({ changes: [], next: 2, more: false, resync: false });
    expect(await pull(token, 7)).toEqual({ changes: [], next: 0, more: true, resync: true });
  });

  it('refuses invalid bodies, non-canonical base64 and missing tokens with closed error codes', async () => {
    const { token } = await newClinician(sync.url);
    const item = recordItem(randomUUID());
    const extra = await call(sync.url, 'POST', '/v1/push', { token, body: { items: [{ ...item, title: 'x' }] } });
    const loose = await call(sync.url, 'POST', '/v1/push', { token, body: { items: [{ ...item, blob: 'QQ' }] } });
    const badQuery = await call(sync.url, 'GET', '/v1/changes?after=-1', { token });
    const keyWithoutDay = await call(sync.url, 'POST', '/v1/push', { token, body: { items: [{ ...keyItem(randomUUID(), today()), day: null }] } });
    const recordWithDay = await call(sync.url, 'POST', '/v1/push', { token, body: { items: [{ ...item, day: today() }] } });
    const noToken = await call(sync.url, 'POST', '/v1/push', { body: { items: [item] } });
    const notJson = await fetch(`${sync.url}/v1/push`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: '{' });
    expect([extra, loose, badQuery, keyWithoutDay, recordWithDay].map((answer) => [answer.status, errorOf(answer.body).code])).toEqual([
      [400, 'INVALID_INPUT'],
      [400, 'INVALID_INPUT'],
      [400, 'INVALID_INPUT'],
      [400, 'INVALID_INPUT'],
      [400, 'INVALID_INPUT'],
    ]);
    expect([noToken.status, errorOf(noToken.body).code]).toEqual([401, 'UNAUTHORIZED']);
    expect([notJson.status, errorOf(await notJson.json()).code]).toEqual([400, 'INVALID_INPUT']);
  });
});

describe('authorization', () => {
  /** The same requests, with the same ids, from a fresh clinician. */
  async function script(clinician: Clinician, sessionId: string, recordId: string, blob: string): Promise<string[]> {
    const { token } = clinician;
    const texts: string[] = [];
    const record = { kind: 'record' as const, id: recordId, sessionId, version: 1, day: null, blob };
    texts.push((await call(sync.url, 'GET', '/v1/changes?after=0', { token })).text);
    texts.push((await call(sync.url, 'POST', '/v1/push', { token, body: { items: [record] } })).text);
    texts.push((await call(sync.url, 'POST', '/v1/leases', { token, body: { sessionId } })).text);
    texts.push((await call(sync.url, 'POST', '/v1/push', { token, body: { items: [{ ...record, version: 2 }], fencing: [{ sessionId, fencing: 1 }] } })).text);
    texts.push((await call(sync.url, 'POST', '/v1/leases/renew', { token, body: { sessionId, fencing: 1 } })).text);
    texts.push((await call(sync.url, 'POST', '/v1/tombstones', { token, body: { sessions: [{ sessionId, reason: 'deleted', day: '2026-01-01' }] } })).text);
    texts.push((await call(sync.url, 'GET', '/v1/changes?after=0', { token })).text);
    return texts;
  }

  it("answers another clinician's ids byte for byte as it answers ids nobody has", async () => {
    const sessionId = randomUUID();
    const recordId = randomUUID();
    const blob = randomBytes(32).toString('base64');
    const unknown = await script(await newClinician(sync.url), sessionId, recordId, blob);

    const owner = await newClinician(sync.url);
    const otherSession = randomUUID();
    await push(owner.token, [recordItem(sessionId, 7, recordId), keyItem(sessionId, today(), 3)]);
    await call(sync.url, 'POST', '/v1/leases', { token: owner.token, body: { sessionId } });
    await call(sync.url, 'POST', '/v1/tombstones', { token: owner.token, body: { sessions: [{ sessionId: otherSession, reason: 'deleted', day: today() }] } });

    const foreign = await script(await newClinician(sync.url), sessionId, recordId, blob);
    expect(foreign).toEqual(unknown);
    expect((await pull(owner.token, 0)).changes.map((change) => change.kind)).toEqual(['record', 'key', 'tombstone']);
  });
});

describe('tombstones', () => {
  it('wipe the session in the same step, reach pullers, answer later pushes `deleted`, and are idempotent', async () => {
    const { token, input } = await newClinician(sync.url);
    const sessionId = randomUUID();
    const kept = randomUUID();
    await push(token, [keyItem(sessionId, today()), recordItem(sessionId), keyItem(kept, today())]);
    const first = await call<{ changeNos: number[] }>(sync.url, 'POST', '/v1/tombstones', { token, body: { sessions: [{ sessionId, reason: 'deleted', day: today() }] } });
    const again = await call(sync.url, 'POST', '/v1/tombstones', { token, body: { sessions: [{ sessionId, reason: 'deleted', day: today() }] } });
    expect(first.body).toEqual({ changeNos: [4] });
    expect(again.text).toBe(first.text);

    const { changes } = await pull(token, 0);
    expect(changes).toEqual([
      expect.objectContaining({ kind: 'key', sessionId: kept, changeNo: 3 }),
      { kind: 'tombstone', changeNo: 4, sessionId, reason: 'deleted', day: today() },
    ]);
    expect((await push(token, [recordItem(sessionId, 5)]))[0]?.status).toBe('deleted');
    const { rows } = await sync.server.context.pool.query('SELECT 1 FROM items WHERE profile_id = $1 AND session_id = $2', [input.profileId, sessionId]);
    expect(rows).toEqual([]);
  });
});

describe('item identity', () => {
  it('refuses to move a stored item to another session, and to bring back the ids of a tombstoned session under a new one', async () => {
    const { token, input } = await newClinician(sync.url);
    const [first, second, gone, fresh] = [randomUUID(), randomUUID(), randomUUID(), randomUUID()];
    const record = recordItem(first);
    const doomed = recordItem(gone);
    await push(token, [record, keyItem(gone, today()), doomed]);
    expect((await push(token, [{ ...record, sessionId: second, version: 2 }]))[0]).toMatchObject({ status: 'stale', serverVersion: 1 });

    await call(sync.url, 'POST', '/v1/tombstones', { token, body: { sessions: [{ sessionId: gone, reason: 'deleted', day: today() }] } });
    const revived = await push(token, [{ ...doomed, sessionId: fresh, version: 9 }, recordItem(fresh)]);
    expect(revived.map((result) => result.status)).toEqual(['deleted', 'stored']);
    const { rows } = await sync.server.context.pool.query<{ id: string; session_id: string }>(
      "SELECT id, session_id FROM items WHERE profile_id = $1 AND kind = 'record' AND id = ANY($2::uuid[]) ORDER BY id",
      [input.profileId, [record.id, doomed.id]],
    );
    expect(rows).toEqual([{ id: record.id, session_id: first }]);
  });
});

describe('push limits', () => {
  it('take a 14 MB push, refuse an 18 MB one before parsing it, and refuse a third concurrent push of one token', async () => {
    const { token } = await newClinician(sync.url);
    const sessionId = randomUUID();
    const big = (count: number) => Array.from({ length: count }, () => recordItem(sessionId, 1, randomUUID(), 1_050_000)); // 1.4 M chars each
    expect((await push(token, big(10))).every((result) => result.status === 'stored')).toBe(true);
    const tooBig = await call(sync.url, 'POST', '/v1/push', { token, body: { items: big(13) } });
    expect([tooBig.status, errorOf(tooBig.body).code]).toEqual([400, 'INVALID_INPUT']);

    // Two pushes whose bodies are still arriving hold both of the token's slots.
    const pending = [0, 1].map(() => {
      const request = httpRequest(`${sync.url}/v1/push`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'content-length': 1000 },
      });
      request.on('error', () => undefined);
      request.write('{"items":');
      return request;
    });
    while (sync.server.context.pushSlots.busy < 2) await new Promise((resolve) => setImmediate(resolve));
    const third = await call(sync.url, 'POST', '/v1/push', { token, body: { items: [recordItem(sessionId)] } });
    expect([third.status, errorOf(third.body).code]).toEqual([429, 'RATE_LIMITED']);
    const otherToken = (await newClinician(sync.url)).token;
    expect((await call(sync.url, 'POST', '/v1/push', { token: otherToken, body: { items: [recordItem(randomUUID())] } })).status).toBe(200);

    pending[0]?.destroy(); // a dropped connection gives its slot back
    while (sync.server.context.pushSlots.busy > 1) await new Promise((resolve) => setImmediate(resolve));
    expect((await push(token, [recordItem(sessionId)]))[0]?.status).toBe('stored');
    pending[1]?.destroy();
  });
});

describe('tombstone proofs', () => {
  it("return the workstation's sealed proof byte for byte, keep the first on a retry, and have none on the server's retention tombstones", async () => {
    const { token } = await newClinician(sync.url);
    const deleted = randomUUID();
    const old = randomUUID();
    const proof = randomBytes(120).toString('base64');
    await push(token, [keyItem(old, utcDayBefore(sync.clock.now(), sync.server.context.settings.retentionDays + 2))]);
    const sent = await call(sync.url, 'POST', '/v1/tombstones', { token, body: { sessions: [{ sessionId: deleted, reason: 'deleted', day: today(), proof }] } });
    expect(sent.status, sent.text).toBe(200);
    const retried = await call(sync.url, 'POST', '/v1/tombstones', {
      token,
      body: { sessions: [{ sessionId: deleted, reason: 'deleted', day: today(), proof: randomBytes(120).toString('base64') }] },
    });
    expect(retried.status).toBe(200);
    const loose = await call(sync.url, 'POST', '/v1/tombstones', { token, body: { sessions: [{ sessionId: randomUUID(), reason: 'deleted', day: today(), proof: 'QQ' }] } });
    expect([loose.status, errorOf(loose.body).code]).toEqual([400, 'INVALID_INPUT']);
    await sync.sweep();

    const tombstones = (await pull(token, 0)).changes.filter((change) => change.kind === 'tombstone');
    expect(tombstones).toEqual([
      { kind: 'tombstone', changeNo: 2, sessionId: deleted, reason: 'deleted', day: today(), proof },
      expect.objectContaining({ sessionId: old, reason: 'retention' }),
    ]);
    expect('proof' in (tombstones[1] as object)).toBe(false);
  });
});

describe('leases and fencing', () => {
  it('let one workstation write a session at a time, with a fencing token that only grows', async () => {
    const clinician = await newClinician(sync.url);
    const a = clinician.token;
    const b = (await signInElsewhere(sync.url, clinician, 'Exam room 2')).token;
    const sessionId = randomUUID();
    const lease = async (token: string, path = '/v1/leases', fencing?: number) =>
      call<{ fencing: number }>(sync.url, 'POST', path, { token, body: fencing === undefined ? { sessionId } : { sessionId, fencing } });

    expect((await push(b, [recordItem(sessionId)]))[0]?.status).toBe('stored'); // no lease: offline continuation
    expect((await lease(a)).body).toEqual({ sessionId, fencing: 1, ttlMs: 30_000 });
    const busy = await lease(b);
    expect([busy.status, errorOf(busy.body)]).toEqual([423, expect.objectContaining({ code: 'SESSION_BUSY', holderLabel: 'Triage 1' })]);
    expect((await push(b, [recordItem(sessionId)]))[0]).toMatchObject({ status: 'fenced', holderLabel: 'Triage 1' });
    expect((await push(a, [recordItem(sessionId)]))[0]).toMatchObject({ status: 'fenced', holderLabel: null });
    expect((await push(a, [recordItem(sessionId)], [{ sessionId, fencing: 1 }]))[0]?.status).toBe('stored');
    expect((await lease(a)).body.fencing).toBe(2);
    expect((await push(a, [recordItem(sessionId)], [{ sessionId, fencing: 1 }]))[0]?.status).toBe('fenced');

    sync.clock.advance(29_000);
    expect((await lease(a, '/v1/leases/renew', 2)).status).toBe(200);
    sync.clock.advance(29_000);
    expect((await lease(b)).status).toBe(423);
    sync.clock.advance(2_000);
    expect((await lease(b)).body.fencing).toBe(3);
    const late = await lease(a, '/v1/leases/renew', 2);
    expect([late.status, errorOf(late.body).code]).toEqual([409, 'FENCED']);
    expect((await push(a, [recordItem(sessionId)], [{ sessionId, fencing: 2 }]))[0]?.status).toBe('fenced');
    expect((await lease(b, '/v1/leases/release', 3)).status).toBe(204);
    expect((await lease(a)).body.fencing).toBe(4);
  });
});

describe('sweeps', () => {
  it("shred sessions past the server's retention, counted from the key entry's last-turn day", async () => {
    const { token } = await newClinician(sync.url);
    const old = randomUUID();
    const edge = randomUUID();
    const retention = sync.server.context.settings.retentionDays;
    await push(token, [keyItem(old, utcDayBefore(sync.clock.now(), retention + 1)), recordItem(old), keyItem(edge, utcDayBefore(sync.clock.now(), retention))]);
    const result = await sync.sweep();
    expect(result.skipped).toBe(false);
    const { changes } = await pull(token, 3);
    expect(changes).toEqual([{ kind: 'tombstone', changeNo: 4, sessionId: old, reason: 'retention', day: utcDayBefore(sync.clock.now(), retention + 1) }]);
  });

  it('run in one process at a time: a sweep started while another holds the lock skips', async () => {
    const other = await sync.server.context.pool.connect();
    try {
      await other.query('BEGIN');
      await other.query('SELECT pg_advisory_xact_lock($1)', [SWEEP_LOCK]);
      expect(await sync.sweep()).toEqual({ skipped: true, shredded: 0, tombstonesRemoved: 0 });
    } finally {
      await other.query('ROLLBACK');
      other.release();
    }
    expect((await sync.sweep()).skipped).toBe(false);
  });

  it('expire old tombstones and send a workstation whose cursor is older to a full resync', async () => {
    const clinician = await newClinician(sync.url);
    const { token } = clinician;
    const gone = randomUUID();
    await push(token, [recordItem(randomUUID())]);
    await call(sync.url, 'POST', '/v1/tombstones', { token, body: { sessions: [{ sessionId: gone, reason: 'deleted', day: today() }] } });
    await push(token, [recordItem(randomUUID())]);
    sync.clock.advance((sync.server.context.settings.tombstoneDays + 1) * 86_400_000);
    expect((await sync.sweep()).tombstonesRemoved).toBeGreaterThanOrEqual(1);
    const later = (await signInElsewhere(sync.url, clinician)).token; // months later: the old token has expired

    expect(await pull(later, 1)).toEqual({ changes: [], next: 0, more: true, resync: true });
    expect((await pull(later, 2)).resync).toBe(false);
    expect((await pull(later, 0)).changes.map((change) => change.changeNo)).toEqual([1, 3]);
  });
});

describe('live feed', () => {
  it('announces the current change number, then ends with the refusal once the token is signed out or the profile removed', async () => {
    const clinician = await newClinician(sync.url);
    await push(clinician.token, [recordItem(randomUUID())]);
    const elsewhere = await signInElsewhere(sync.url, clinician);
    const signedOut = await openEvents(sync.url, clinician.token);
    const removed = await openEvents(sync.url, elsewhere.token);
    await signedOut.until((n) => n === 1);
    expect(signedOut.seen).toEqual([1]);

    await call(sync.url, 'DELETE', '/v1/sessions/current', { token: clinician.token });
    expect((await signedOut.ended())?.error.code).toBe('UNAUTHORIZED');
    await removeProfile(sync.server.context.pool, clinician.input.name, sync.clock);
    expect((await removed.ended())?.error.code).toBe('PROFILE_REMOVED');
    expect(await (await fetch(`${sync.url}/metrics`)).text()).toContain('cpa_sync_sse_clients 0');
  });
});

describe('operations', () => {
  it('reports health and Prometheus metrics with route templates and no ids or names', async () => {
    const clinician = await newClinician(sync.url);
    const sessionId = randomUUID();
    await push(clinician.token, [recordItem(sessionId)]);
    await call(sync.url, 'POST', '/v1/leases', { token: clinician.token, body: { sessionId } });
    await pull(clinician.token, 0);
    expect((await call(sync.url, 'GET', '/healthz')).body).toEqual({ ok: true });
    const metrics = await (await fetch(`${sync.url}/metrics`)).text();
    expect(metrics).toContain('cpa_sync_requests_total{method="POST",route="/v1/push",status="200"}');
    expect(metrics).toMatch(/cpa_sync_push_duration_seconds_count [1-9]/);
    expect(metrics).toMatch(/cpa_sync_pull_duration_seconds_bucket\{le="0.05"\} [1-9]/);
    expect(metrics).toMatch(/cpa_sync_leases_held [1-9]/);
    expect(metrics).toContain('cpa_sync_db_pool_total');
    for (const secret of [clinician.input.profileId, sessionId, clinician.input.name, clinician.token]) expect(metrics).not.toContain(secret);
  });
});
