/**
 * The push's single write statement (push.ts `storeAccepted`): change numbers, rows, the audit row and the NOTIFY
 * of one push all come from it, so each is checked here against the database itself.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PushOutput } from '../../shared/sync/changes';
import { call, keyItem, newClinician, openEvents, recordItem } from '../../../test/server/syncTestClient';
import { startSyncServerForTests, type SyncServerForTests } from '../../../test/server/syncServerForTests';

let sync: SyncServerForTests;
beforeAll(async () => {
  sync = await startSyncServerForTests();
}, 60_000);
afterAll(() => sync?.close());

describe('a push', () => {
  it('stores its accepted items under consecutive change numbers (an id pushed twice takes one), audits their count and announces the last number', async () => {
    const clinician = await newClinician(sync.url);
    const events = await openEvents(sync.url, clinician.token);
    const sessionId = randomUUID();
    const first = recordItem(sessionId);
    const push = (items: unknown[]) => call<PushOutput>(sync.url, 'POST', '/v1/push', { token: clinician.token, body: { items, fencing: [] } });
    await push([first]);
    // A duplicate (not stored again) between two new items, and the same new id twice (its last version kept).
    const again = recordItem(sessionId);
    const answer = await push([keyItem(sessionId, '2026-12-01'), first, again, { ...again, version: 2 }]);
    expect(answer.body.results.map((result) => result.status)).toEqual(['stored', 'duplicate', 'stored', 'stored']);
    expect(answer.body.results.map((result) => result.changeNo)).toEqual([2, null, 3, 3]);

    const db = sync.server.context.pool;
    const { rows } = await db.query<{ id: string; version: number; change_no: string }>(
      'SELECT id, version, change_no FROM items WHERE session_id = $1 ORDER BY change_no',
      [sessionId],
    );
    expect(rows.map((row) => [row.id, row.version, Number(row.change_no)])).toEqual([
      [first.id, 1, 1],
      [sessionId, 1, 2],
      [again.id, 2, 3],
    ]);
    const { rows: audited } = await db.query<{ count: number }>(
      "SELECT count FROM audit WHERE action = 'push' AND profile_id = $1 ORDER BY id",
      [clinician.session.profileId],
    );
    expect(audited.map((row) => row.count)).toEqual([1, 2]);
    await events.until((changeNo) => changeNo === 3);
    events.close();
  });
});
