import { describe, expect, it, vi } from 'vitest';
import { historyForTests, ownerForTests, sealV1, sessionPayload, turnPayload } from '../../../test/support/historyForTests';
import { sequentialIds, TestClock } from '../../../test/support/testClock';
import type { SealedRecord, SealedRecordV2, SessionPayload } from '../../shared/vault';
import { silentLogger } from '../core/logger';
import { SessionStore } from '../sessions/sessionStore';
import { openRecord } from '../vault/recordCrypto';
import { AckRegistry } from './ackRegistry';
import { createRecordSealer } from './recordSealer';
import { RecordVersionsRegistry } from './recordVersions';
import { resumeSession } from './resumeSession';
import { openSessionHistory } from './sessionHistory';

const S = '0a1b2c3d-4e5f-4a6b-8c7d-000000000001';
const T1 = '0a1b2c3d-4e5f-4a6b-8c7d-0000000000a1';
const T2 = '0a1b2c3d-4e5f-4a6b-8c7d-0000000000a2';
const OWNER = 'owner-a';

async function legacySession(storeOnPage: boolean) {
  const setup = await historyForTests();
  const owner = await ownerForTests(OWNER);
  const key = await setup.keys.create(S, owner, new Date());
  const records: SealedRecord[] = [
    await sealV1(key, { id: S, kind: 'session', sessionId: S, ownerId: OWNER, seq: 0 }, sessionPayload('Fever')),
    await sealV1(key, { id: T1, kind: 'turn', sessionId: S, ownerId: OWNER, seq: 1 }, turnPayload(T1, 'fever for 3 days', 'chest X-ray')),
    await sealV1(key, { id: T2, kind: 'turn', sessionId: S, ownerId: OWNER, seq: 2, at: '2026-11-25T09:05:00.000Z' }, turnPayload(T2, 'X-ray: infiltrates', 'pneumonia plan')),
  ];
  const clock = new TestClock();
  const acks = new AckRegistry(clock);
  const store = new SessionStore(clock, sequentialIds(), { idleTimeoutMs: 60_000, absoluteTimeoutMs: 600_000, maxLiveSessions: 10 }, silentLogger);
  const versions = new RecordVersionsRegistry();
  const sealer = createRecordSealer({ keys: setup.keys, owner: () => owner, isClosing: () => false, guardKeyCreation: (_id, create) => create(), clock });
  const delivered: SealedRecordV2[] = [];
  const target = {
    senderId: 'page-1',
    emit: (_event: 'vault.record', payload: { records: SealedRecordV2[] }) => {
      for (const record of payload.records) {
        delivered.push(record);
        queueMicrotask(() =>
          acks.receive(storeOnPage ? { recordId: record.id, stored: true } : { recordId: record.id, stored: false, code: 'STORAGE_FAILED', message: 'x' }, 'page-1'),
        );
      }
      return true;
    },
  };
  const deps = {
    ...setup.deps,
    store,
    versions,
    reseal: { sealer, acks, confirmSessionVersion: (id: string, rv: number) => setup.keys.noteSessionVersion(id, rv), logger: silentLogger },
    estimateExchange: () => 10,
    stillKept: (sessionId: string) => setup.keys.has(sessionId),
  };
  return { ...setup, owner, key, records, delivered, deps, target };
}

describe('resuming a format-v1 session', () => {
  it('opens it, rebuilds the session, and re-seals every record as v2 for the page — turns first, the session record last', async () => {
    const { deps, owner, records, delivered, target, keys, key } = await legacySession(true);
    const info = await resumeSession(deps, owner, records, target);
    expect(info).toMatchObject({ sessionId: S, conversationCount: 2 });
    await vi.waitFor(() => expect(delivered.map((record) => record.id)).toEqual([T1, T2, S]));
    expect(delivered.every((record) => record.v === 2 && record.rv === 1)).toBe(true);
    // Same header as stored, now authenticated.
    expect(delivered[1]).toMatchObject({ seq: 2, createdAt: '2026-11-25T09:05:00.000Z' });
    const session = (await openRecord(key, delivered[2]!)) as SessionPayload;
    expect(session.turns).toEqual([
      { id: T1, seq: 1, rv: 1 },
      { id: T2, seq: 2, rv: 1 },
    ]);
    await vi.waitFor(() => expect(keys.sessionVersion(S)).toBe(1));
    // The re-sealed history passes the strict checks.
    const again = await openSessionHistory(deps, owner, delivered);
    expect(again.hasV1Records).toBe(false);
  });

  it('never delivers the session record (with its manifest) when the page could not store the turns', async () => {
    const { deps, owner, records, delivered, target, keys } = await legacySession(false);
    await resumeSession(deps, owner, records, target);
    await vi.waitFor(() => expect(delivered.length).toBe(2));
    await new Promise((resolve) => setImmediate(resolve));
    expect(delivered.map((record) => record.kind)).toEqual(['turn', 'turn']);
    expect(keys.sessionVersion(S)).toBe(0);
  });
});
