/**
 * Known gap of the fork step, closed: a workstation that pulled the other workstation's session record but stopped
 * before merging (restarted, or could not merge then) still merges after the restart — the pulled record was kept on
 * disk as the server gave it (pulledHeadsFile.ts), since the pull cursor has moved past it.
 */
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { PAYLOAD_FORMAT_VERSION, SessionPayload, type ManifestEntry, type SealedRecordV2 } from '../../../shared/vault';
import { openRecord, sealRecord } from '../../vault/recordCrypto';
import type { UnlockedOwner } from '../../vault/unlockedOwner';
import { S1 } from '../../vault/testing/sessionKeyStoreSetup';
import { sealRecordForSync } from '../envelope/syncItems';
import type { SyncClient, SyncSession } from '../http/syncClient';
import { syncPathsOf } from '../outbox/outboxFiles';
import { ADA, syncServiceSetup, type SyncServiceSetup } from '../testing/syncServiceSetup';
import type { SyncServiceDeps } from '../syncService';

const first = { id: '00000000-0000-4000-8000-000000000001', seq: 1, rv: 2 };
const onA = { id: '00000000-0000-4000-8000-00000000000a', seq: 2, rv: 1 };
const onB = { id: '00000000-0000-4000-8000-00000000000b', seq: 2, rv: 1 };

/** The fake server's client, refusing as `stale` every session record of S1 up to version 3 (the other side won). */
function serverHoldingTheOtherVersion(w: SyncServiceSetup): SyncClient {
  const client = w.server.client;
  return {
    ...client,
    session: (token) => {
      const session: SyncSession = client.session(token);
      return {
        ...session,
        push: async (input, signal) => ({
          results: (await session.push(input, signal)).results.map((result, index) =>
            result.kind === 'record' && result.id === S1 && (input.items[index]?.version ?? 0) <= 3 ? { ...result, status: 'stale' as const, changeNo: null } : result,
          ),
        }),
      };
    },
  };
}

async function sessionRecord(w: SyncServiceSetup, owner: UnlockedOwner, turns: ManifestEntry[], updatedAt: string): Promise<SealedRecordV2> {
  return sealRecord(
    await w.keys.keyFor(S1, owner),
    {
      id: S1,
      kind: 'session',
      sessionId: S1,
      ownerId: owner.ownerId,
      seq: 0,
      parentTurnId: null,
      status: 'complete',
      createdAt: '2026-11-26T08:00:00.000Z',
      updatedAt,
      v: PAYLOAD_FORMAT_VERSION,
      rv: 3,
    },
    { patient: { age: 50, sex: 'female', chiefComplaint: 'Cough' }, title: 'Cough', turns },
  );
}

describe('a workstation restarted after pulling the other one\'s session record, before merging', () => {
  it('merges at its first sync after the restart: the merged record lists both continuations and goes through', async () => {
    const w = await syncServiceSetup();
    const client = serverHoldingTheOtherVersion(w);
    const ada = await w.profiles.unlock(ADA);
    await w.keys.create(S1, ada, w.clock.now());
    const mine = await sessionRecord(w, ada, [first, onA], '2026-11-26T08:30:00.000Z');
    const theirs = await sessionRecord(w, ada, [first, onB], '2026-11-26T08:40:00.000Z');
    w.server.addChange({ changeNo: 0, ...(await sealRecordForSync(ada, theirs)) } as never);

    // Before the restart it cannot merge (here: no sealer — as when it stops first): refused, pulled, left waiting.
    const before = w.restart({ client });
    await before.adopted('token-ada');
    await before.recordSealed(mine);
    expect(await before.syncNow()).toMatchObject({ state: 'error', pending: 1 });
    before.dispose();
    // On disk as the server gave it: the envelope, not even the record's own ciphertext.
    const kept = await readFile(syncPathsOf(w.dataDir, ADA).heads, 'utf8');
    expect(kept).not.toContain(theirs.ct);

    const sealedHere: SealedRecordV2[] = [];
    let after: ReturnType<SyncServiceSetup['restart']> | null = null;
    const sealMerged: SyncServiceDeps['sealMerged'] = async (header, payload) => {
      const record = await sealRecord(await w.keys.keyFor(header.sessionId, ada), header, payload);
      sealedHere.push(record);
      await after!.recordSealed(record);
      return record;
    };
    after = w.restart({ client, sealMerged });
    w.profiles.lock();
    const again = await w.profiles.unlock(ADA);
    await after.adopted('token-ada');
    expect(await after.syncNow()).toMatchObject({ state: 'synced', pending: 0, message: null });

    expect(sealedHere).toHaveLength(1);
    expect(w.server.items.get(`record:${S1}`)?.version).toBe(4);
    const payload = SessionPayload.parse(await openRecord(await w.keys.keyFor(S1, again), sealedHere[0]!));
    expect(payload.turns?.map((entry) => entry.id)).toEqual([first.id, onA.id, onB.id]);
  });
});
