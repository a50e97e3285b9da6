import { describe, expect, it, vi } from 'vitest';
import { TestClock } from '../../../test/support/testClock';
import type { EventName, EventPayload } from '../../shared/contract';
import type { RecordDelivery, SealedRecord, SealedRecordV2, SessionPayload } from '../../shared/vault';
import type { AuditEventInput } from '../audit/auditEvent';
import type { AuditRecorder } from '../audit/auditRecorder';
import { silentLogger } from '../core/logger';
import type { Session } from '../sessions/session';
import type { RecordedTurn } from '../sessions/turnRecorder';
import { TurnQueue } from '../sessions/turnQueue';
import { SessionKeyError } from '../vault/sessionKeyError';
import { AckRegistry } from './ackRegistry';
import { HistoryMemory } from './historyMemory';
import type { RecordSealer } from './recordSealer';
import { RecordVersionsRegistry } from './recordVersions';
import { SealedTurnRecorder } from './sealedTurnRecorder';

const SESSION = '00000000-0000-4000-8000-000000000001';
const TURN = '00000000-0000-4000-8000-000000000002';
const TURN_2 = '00000000-0000-4000-8000-000000000003';

/** Stands in for the vault: marks records as sealed without encrypting (the vault's own tests cover the crypto). */
function stubSealer() {
  const payloads = new Map<string, unknown>();
  const calls = { started: [] as string[], sealed: 0, refuse: null as SessionKeyError | null };
  const sealer: RecordSealer = {
    startSession: async (sessionId) => {
      calls.started.push(sessionId);
    },
    seal: async (header, payload) => {
      if (calls.refuse) throw calls.refuse;
      calls.sealed += 1;
      const record: SealedRecordV2 = { ...header, iv: 'AAAAAAAAAAAAAAAA', ct: 'AA==' };
      payloads.set(`${header.id}@${header.rv}`, payload);
      return record;
    },
    confirmKept: async (sessionId) => {
      if (calls.refuse) throw calls.refuse;
      void sessionId;
    },
  };
  return { sealer, calls, payloads };
}

function recordingAudit(): AuditRecorder & { events: AuditEventInput[] } {
  const events: AuditEventInput[] = [];
  return { events, record: (event) => events.push(event), recordDurably: async (event) => void events.push(event), available: () => true, flushed: async () => undefined };
}

function session(clock: TestClock): Session {
  return {
    id: SESSION,
    ownerId: 'profile-a',
    createdAt: clock.now(),
    createdMono: 0,
    lastAccessAt: clock.now(),
    lastAccessMono: 0,
    patient: { age: 60, sex: 'female', chiefComplaint: 'Fever' },
    doNotKeep: false,
    turns: [],
    latest: null,
    windowStart: 0,
    queue: new TurnQueue(clock),
    activeTurn: null,
    closed: null,
  };
}

function setup(answer: (record: SealedRecord, acks: AckRegistry) => void, ackTimeoutMs = 1_000) {
  const clock = new TestClock();
  const acks = new AckRegistry(clock);
  const delivered: SealedRecord[] = [];
  /** Records per delivery: what the page writes in one transaction. */
  const deliveries: number[] = [];
  const { sealer, calls, payloads } = stubSealer();
  const audit = recordingAudit();
  const anchors: [string, number][] = [];
  const newTurns: string[] = [];
  const recorder = new SealedTurnRecorder({
    sealer,
    acks,
    versions: new RecordVersionsRegistry(),
    memory: new HistoryMemory(),
    confirmSessionVersion: async (sessionId, rv) => void anchors.push([sessionId, rv]),
    newTurnStored: (sessionId) => newTurns.push(sessionId),
    audit,
    clock,
    logger: silentLogger,
    ackTimeoutMs,
  });
  const turn: RecordedTurn = {
    session: session(clock),
    turnId: TURN,
    seq: 1,
    startedAt: clock.now(),
    userText: 'Suggest a protocol.',
    patient: { age: 60, sex: 'female', chiefComplaint: 'Fever' },
    caller: {
      ownerId: 'profile-a',
      senderId: 'page-1',
      emit: <E extends EventName>(event: E, payload: EventPayload<E>) => {
        if (event === 'vault.record') {
          const { records } = payload as RecordDelivery;
          deliveries.push(records.length);
          for (const record of records) {
            delivered.push(record);
            queueMicrotask(() => answer(record, acks));
          }
        }
        return true;
      },
    },
  };
  const manifestOf = (record: SealedRecord | undefined) => (payloads.get(`${record?.id}@${record?.v === 2 ? record.rv : 0}`) as SessionPayload | undefined)?.turns;
  return { clock, recorder, turn, delivered, deliveries, calls, audit, anchors, newTurns, manifestOf };
}

const storeAll = (record: SealedRecord, acks: AckRegistry) => acks.receive({ recordId: record.id, stored: true }, 'page-1');

describe('SealedTurnRecorder', () => {
  it('creates the session key for the first message only, and delivers the session record and the pending message as one', async () => {
    const { recorder, turn, delivered, deliveries, calls, audit, anchors, newTurns, manifestOf } = setup(storeAll);
    await recorder.begin(turn);
    expect(calls.started).toEqual([SESSION]);
    expect(audit.events).toContainEqual({ action: 'session.created', profileId: 'profile-a', objectId: SESSION });
    expect(delivered.map((record) => [record.kind, record.id, record.status, record.v === 2 && record.rv])).toEqual([
      ['session', SESSION, 'pending', 1],
      ['turn', TURN, 'pending', 1],
    ]);
    // One delivery, so the page writes both in one transaction: never a turn without its session, or the reverse.
    expect(deliveries).toEqual([2]);
    // The session record lists the turn record with the version it was sealed with.
    expect(manifestOf(delivered[0])).toEqual([{ id: TURN, seq: 1, rv: 1 }]);
    await vi.waitFor(() => expect(anchors).toEqual([[SESSION, 1]]));
    expect(newTurns).toEqual([SESSION]);

    await recorder.finish(turn, { answerText: 'Step 1.', status: 'complete', incompleteReason: null, metadata: null });
    expect(delivered.slice(2).map((record) => [record.kind, record.status, record.v === 2 && record.rv])).toEqual([
      ['session', 'complete', 2],
      ['turn', 'complete', 2],
    ]);
    expect(manifestOf(delivered[2])).toEqual([{ id: TURN, seq: 1, rv: 2 }]);
    // A follow-up never creates a key again.
    await recorder.begin({ ...turn, turnId: TURN_2, seq: 2 });
    expect(calls.started).toEqual([SESSION]);
  });

  it('stops the turn with STORAGE_FULL when the page could not store the message, and the next session record does not list it', async () => {
    let refuse = true;
    const { recorder, turn, delivered, manifestOf, anchors } = setup((record, acks) =>
      refuse ? acks.receive({ recordId: record.id, stored: false, code: 'STORAGE_FULL', message: 'quota' }, 'page-1') : storeAll(record, acks),
    );
    await expect(recorder.begin(turn)).rejects.toMatchObject({ code: 'STORAGE_FULL' });
    refuse = false;
    await recorder.begin({ ...turn, turnId: TURN_2, seq: 1 });
    const lastSession = delivered.filter((record) => record.kind === 'session').at(-1);
    expect(manifestOf(lastSession)).toEqual([{ id: TURN_2, seq: 1, rv: 1 }]);
    // A version counter is never handed out twice, even for a delivery that was refused.
    expect(lastSession?.v === 2 && lastSession.rv).toBe(2);
    await vi.waitFor(() => expect(anchors).toEqual([[SESSION, 2]]));
  });

  it('stops the turn when the page never confirms, after the bound', async () => {
    const { recorder, turn, clock } = setup(() => undefined, 1_000);
    const beginning = recorder.begin(turn);
    await vi.waitFor(() => expect(clock.pendingTimers).toBe(2));
    clock.advance(1_000);
    await expect(beginning).rejects.toMatchObject({ code: 'STORAGE_FAILED' });
  });

  it('stops the turn at once when the page is gone (nothing could be delivered), without waiting for the bound', async () => {
    const { recorder, turn, clock } = setup(() => undefined, 1_000);
    const gone: RecordedTurn = { ...turn, caller: { ...turn.caller, emit: () => false } };
    await expect(recorder.begin(gone)).rejects.toMatchObject({ code: 'STORAGE_FAILED' });
    expect(clock.pendingTimers).toBe(0);
  });

  it('delivers the outcome and never throws over an answer the clinician already has', async () => {
    const { recorder, turn, delivered } = setup((record, acks) =>
      acks.receive({ recordId: record.id, stored: false, code: 'STORAGE_FAILED', message: 'x' }, 'page-1'),
    );
    await expect(
      recorder.finish(turn, { answerText: 'Step 1.', status: 'incomplete', incompleteReason: 'cancelled', metadata: null }),
    ).resolves.toBeUndefined();
    expect(delivered.at(-1)).toMatchObject({ kind: 'turn', status: 'incomplete' });
  });

  it('drops — and audits — a turn that ends after its session was deleted: nothing is sealed, no key is made', async () => {
    const { recorder, turn, calls, audit, delivered } = setup(storeAll);
    turn.session.closed = 'deleted';
    await recorder.finish(turn, { answerText: 'Step 1.', status: 'incomplete', incompleteReason: 'cancelled', metadata: null });
    expect(calls.sealed).toBe(0);
    expect(calls.started).toEqual([]);
    expect(delivered).toEqual([]);
    expect(audit.events).toEqual([{ action: 'session.turn_dropped', profileId: 'profile-a', objectId: SESSION }]);
  });

  it('drops — and audits — a turn whose session key was shredded while it ran', async () => {
    const { recorder, turn, calls, audit, delivered } = setup(storeAll);
    calls.refuse = new SessionKeyError('shredded', SESSION);
    await recorder.finish(turn, { answerText: 'Step 1.', status: 'complete', incompleteReason: null, metadata: null });
    expect(delivered).toEqual([]);
    expect(audit.events).toEqual([{ action: 'session.turn_dropped', profileId: 'profile-a', objectId: SESSION }]);
  });

  it('refuses to start a turn in a closed session', async () => {
    const { recorder, turn, calls } = setup(storeAll);
    turn.session.closed = 'locked';
    await expect(recorder.begin(turn)).rejects.toMatchObject({ code: 'LOCKED' });
    expect(calls.started).toEqual([]);
  });
});
