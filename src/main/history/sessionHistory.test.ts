import { describe, expect, it } from 'vitest';
import { historyForTests, ownerForTests, sealV1, sealV2, sessionPayload, turnPayload } from '../../../test/support/historyForTests';
import type { SealedRecord } from '../../shared/vault';
import { openRecords } from './openedRecords';
import { openSessionHistory } from './sessionHistory';

const S = '0a1b2c3d-4e5f-4a6b-8c7d-000000000001';
const T1 = '0a1b2c3d-4e5f-4a6b-8c7d-0000000000a1';
const T2 = '0a1b2c3d-4e5f-4a6b-8c7d-0000000000a2';
const OWNER = 'owner-a';

async function codeOf(run: Promise<unknown>): Promise<string> {
  try {
    await run;
    return 'opened';
  } catch (error) {
    return (error as { code?: string }).code ?? String(error);
  }
}

/** A two-turn format-v2 session: turn 1 answered (rv 2), turn 2 answered (rv 2), the session record at rv 4. */
async function twoTurnSession() {
  const setup = await historyForTests();
  const owner = await ownerForTests(OWNER);
  const key = await setup.keys.create(S, owner, new Date());
  const shape = (id: string, seq: number) => ({ id, kind: 'turn' as const, sessionId: S, ownerId: OWNER, seq });
  const turn1 = await sealV2(key, { ...shape(T1, 1), rv: 2 }, turnPayload(T1, 'fever for 3 days', 'chest X-ray'));
  const turn1Pending = await sealV2(key, { ...shape(T1, 1), rv: 1, status: 'pending' }, turnPayload(T1, 'fever for 3 days', ''));
  const turn2 = await sealV2(key, { ...shape(T2, 2), rv: 2 }, turnPayload(T2, 'allergic to penicillin', 'avoid beta-lactams'));
  const manifest = [
    { id: T1, seq: 1, rv: 2 },
    { id: T2, seq: 2, rv: 2 },
  ];
  const session = await sealV2(key, { id: S, kind: 'session', sessionId: S, ownerId: OWNER, seq: 0, rv: 4 }, sessionPayload('Fever', manifest));
  const olderSession = await sealV2(key, { id: S, kind: 'session', sessionId: S, ownerId: OWNER, seq: 0, rv: 2 }, sessionPayload('Fever', [{ id: T1, seq: 1, rv: 2 }]));
  await setup.keys.noteSessionVersion(S, 4);
  return { ...setup, owner, key, turn1, turn1Pending, turn2, session, olderSession };
}

describe('opening a session history strictly (resume, export)', () => {
  it('opens the history main last wrote, newest version of each record, in order', async () => {
    const { deps, owner, session, turn1, turn1Pending, turn2 } = await twoTurnSession();
    const history = await openSessionHistory(deps, owner, [turn2, session, turn1Pending, turn1]);
    expect(history.turns.map((turn) => [turn.record.id, turn.payload.answerText])).toEqual([
      [T1, 'chest X-ray'],
      [T2, 'avoid beta-lactams'],
    ]);
    expect(history.hasV1Records).toBe(false);
  });

  it('refuses an older session record put back in place of the newest one (below the workstation’s anchor)', async () => {
    const { deps, owner, olderSession, turn1 } = await twoTurnSession();
    expect(await codeOf(openSessionHistory(deps, owner, [olderSession, turn1]))).toBe('HISTORY_INTEGRITY');
  });

  it('refuses an older copy of a turn (the pending message instead of the answered turn)', async () => {
    const { deps, owner, session, turn1Pending, turn2 } = await twoTurnSession();
    expect(await codeOf(openSessionHistory(deps, owner, [session, turn1Pending, turn2]))).toBe('HISTORY_INTEGRITY');
  });

  it('refuses a history with a turn hidden from it (the allergy follow-up removed)', async () => {
    const { deps, owner, session, turn1 } = await twoTurnSession();
    expect(await codeOf(openSessionHistory(deps, owner, [session, turn1]))).toBe('HISTORY_INTEGRITY');
  });

  it('refuses two turns whose seq was swapped in the store: neither authenticates', async () => {
    const { deps, owner, session, turn1, turn2 } = await twoTurnSession();
    const swapped: SealedRecord[] = [session, { ...turn1, seq: 2 }, { ...turn2, seq: 1 }];
    expect(await codeOf(openSessionHistory(deps, owner, swapped))).toBe('HISTORY_INTEGRITY');
  });

  it('tells a deleted or expired session from one whose key is simply not here', async () => {
    const { deps, owner, keys, session, turn1, turn2 } = await twoTurnSession();
    const elsewhere = await historyForTests();
    expect(await codeOf(openSessionHistory(elsewhere.deps, owner, [session, turn1, turn2]))).toBe('SESSION_NOT_FOUND');
    await expect(openSessionHistory(elsewhere.deps, owner, [session, turn1, turn2])).rejects.toThrow(/not on this workstation/);
    await keys.destroy([S], new Date());
    await expect(openSessionHistory(deps, owner, [session, turn1, turn2])).rejects.toThrow(/deleted, or its retention period ended/);
  });

  it('refuses another clinician’s session', async () => {
    const { deps, session, turn1, turn2 } = await twoTurnSession();
    expect(await codeOf(openSessionHistory(deps, await ownerForTests('owner-b'), [session, turn1, turn2]))).toBe('FORBIDDEN');
  });

  it('still opens a format-v1 history (no manifest to check), and says so', async () => {
    const { deps, keys, owner } = await historyForTests().then(async (setup) => ({ ...setup, owner: await ownerForTests(OWNER) }));
    const key = await keys.create(S, owner, new Date());
    const v1Session = await sealV1(key, { id: S, kind: 'session', sessionId: S, ownerId: OWNER, seq: 0 }, sessionPayload('Fever'));
    const v1Turn = await sealV1(key, { id: T1, kind: 'turn', sessionId: S, ownerId: OWNER, seq: 1 }, turnPayload(T1, 'fever', 'X-ray'));
    const history = await openSessionHistory(deps, owner, [v1Session, v1Turn]);
    expect(history.hasV1Records).toBe(true);
    expect(history.turns.map((turn) => turn.payload.answerText)).toEqual(['X-ray']);
  });
});

describe('opening records one by one (review, the indexing pass)', () => {
  it('reports an older copy as rolled-back once a newer manifest was seen, and audits it; the rest opens', async () => {
    const { deps, owner, audit, session, turn1Pending, turn2 } = await twoTurnSession();
    const { outcomes } = await openRecords(deps, owner, [session, turn1Pending, turn2]);
    expect(outcomes.map((outcome) => (outcome.ok ? 'ok' : outcome.reason))).toEqual(['ok', 'rolled-back', 'ok']);
    expect(audit.events).toContainEqual({ action: 'vault.record_rolled_back', profileId: OWNER, objectId: T1 });
  });

  it('reports an older session record as rolled-back, never notes it', async () => {
    const { deps, owner, memory, olderSession } = await twoTurnSession();
    const [outcome] = (await openRecords(deps, owner, [olderSession])).outcomes;
    expect(outcome).toMatchObject({ ok: false, reason: 'rolled-back' });
    expect(memory.search(OWNER, 'fever').hits).toEqual([]);
  });

  it('audits a key that is simply missing once per session, and a malformed record', async () => {
    const { owner, session, turn1 } = await twoTurnSession();
    const elsewhere = await historyForTests();
    const { outcomes } = await openRecords(elsewhere.deps, owner, [session, turn1, { ...turn1, iv: 'short' }]);
    expect(outcomes.map((outcome) => !outcome.ok && outcome.reason)).toEqual(['unknown-key', 'unknown-key', 'unknown-key']);
    expect(elsewhere.audit.events.filter((event) => event.action === 'vault.key_missing')).toEqual([{ action: 'vault.key_missing', profileId: OWNER, objectId: S }]);
    const here = await twoTurnSession();
    const [malformed] = (await openRecords(here.deps, here.owner, [here.session, { ...here.turn1, iv: 'short' }])).outcomes.slice(1);
    expect(malformed).toMatchObject({ ok: false, reason: 'malformed' });
    expect(here.audit.events).toContainEqual({ action: 'vault.record_malformed', profileId: OWNER, objectId: T1 });
  });
});

describe('a very long session cut to its newest records by the page', () => {
  it('may leave out its oldest turns only when the page sent as many records as it may; numbering goes on from the newest', async () => {
    const { deps, keys } = await historyForTests();
    const owner = await ownerForTests(OWNER);
    const key = await keys.create(S, owner, new Date());
    const turnCount = 2_100;
    const ids = Array.from({ length: turnCount }, (_, index) => `0a1b2c3d-4e5f-4a6b-8c7d-${String(index + 1).padStart(12, '0')}`);
    const manifest = ids.map((id, index) => ({ id, seq: index + 1, rv: 1 }));
    const session = await sealV2(key, { id: S, kind: 'session', sessionId: S, ownerId: OWNER, seq: 0, rv: 1 }, sessionPayload('Long stay', manifest));
    const newest = await Promise.all(
      ids.slice(-1_999).map((id, index) => sealV2(key, { id, kind: 'turn', sessionId: S, ownerId: OWNER, seq: turnCount - 1_999 + index + 1, rv: 1 }, turnPayload(id, 'q', 'a'))),
    );
    const history = await openSessionHistory(deps, owner, [session, ...newest]);
    expect(history.turns).toHaveLength(1_999);
    expect(history.turns.at(-1)?.record.seq).toBe(turnCount);
    // The same cut with one record fewer than the page may send is a hidden turn.
    expect(await codeOf(openSessionHistory(deps, owner, [session, ...newest.slice(1)]))).toBe('HISTORY_INTEGRITY');
  }, 30_000);
});
