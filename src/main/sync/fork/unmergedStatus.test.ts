/**
 * A session record the server refused as `stale` that cannot be merged here (yet): the sync status says what it is —
 * a session continued on another workstation, kept here — rather than a vague "not accepted".
 */
import { describe, expect, it } from 'vitest';
import type { SyncClient, SyncSession } from '../http/syncClient';
import { S1 } from '../../vault/testing/sessionKeyStoreSetup';
import { ADA, syncServiceSetup, type SyncServiceSetup } from '../testing/syncServiceSetup';

/** The fake server's client, but its session answers `stale` for `sessionId`'s session record while `refusing()`. */
function refusingSessionRecordOf(w: SyncServiceSetup, sessionId: string, refusing: () => boolean): SyncClient {
  const client = w.server.client;
  return {
    ...client,
    session: (token) => {
      const session: SyncSession = client.session(token);
      return {
        ...session,
        push: async (input, signal) => {
          const answer = await session.push(input, signal);
          return {
            results: answer.results.map((result) =>
              refusing() && result.kind === 'record' && result.id === sessionId ? { ...result, status: 'stale' as const, changeNo: null } : result,
            ),
          };
        },
      };
    },
  };
}

describe('a session record refused as stale and not merged', () => {
  it('says in the status that the session was continued elsewhere and is kept here; "Synced" once it goes through', async () => {
    const w = await syncServiceSetup();
    let refusing = true;
    const service = w.restart({ client: refusingSessionRecordOf(w, S1, () => refusing) });
    const ada = await w.profiles.unlock(ADA);
    await service.adopted('token-ada');
    await service.recordSealed(await w.record(ada, S1, { id: S1, kind: 'session', seq: 0 }));

    const status = await service.syncNow();
    expect(status).toMatchObject({ state: 'error', pending: 1 });
    expect(status.message).toBe(
      'A session was also continued on another workstation and is not combined here yet. Nothing is lost: this copy is kept and tried again at each sync.',
    );

    refusing = false;
    expect(await service.syncNow()).toMatchObject({ state: 'synced', pending: 0, message: null });
  });
});
