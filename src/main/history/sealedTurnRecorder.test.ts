import { describe, expect, it, vi } from 'vitest';
import { TestClock } from '../../../test/support/testClock';
import type { EventName, EventPayload } from '../../shared/contract';
import type { RecordDelivery, SealedRecord } from '../../shared/vault';
import { silentLogger } from '../core/logger';
import type { RecordedTurn } from '../sessions/turnRecorder';
import { TurnQueue } from '../sessions/turnQueue';
import { AckRegistry } from './ackRegistry';
import { SealedTurnRecorder, type RecordSealer } from './sealedTurnRecorder';

const SESSION = '00000000-0000-4000-8000-000000000001';
const TURN = '00000000-0000-4000-8000-000000000002';

/** Stands in for the vault: marks records as sealed without encrypting (the vault's own tests cover the crypto). */
const stubSealer: RecordSealer = {
  seal: async (header) => ({ ...header, iv: 'AAAAAAAAAAAAAAAA', ct: 'AA==' }),
};

function setup(answer: (record: SealedRecord, acks: AckRegistry) => void, ackTimeoutMs = 1_000) {
  const clock = new TestClock();
  const acks = new AckRegistry(clock);
  const delivered: SealedRecord[] = [];
  /** Records per delivery: what the page writes in one transaction. */
  const deliveries: number[] = [];
  const recorder = new SealedTurnRecorder(stubSealer, acks, clock, silentLogger, ackTimeoutMs);
  const turn: RecordedTurn = {
    session: {
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
    },
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
  return { clock, recorder, turn, delivered, deliveries };
}

describe('SealedTurnRecorder', () => {
  it('delivers the session record and the pending message to the page, and resolves once both are stored', async () => {
    const { recorder, turn, delivered, deliveries } = setup((record, acks) => acks.receive({ recordId: record.id, stored: true }, 'page-1'));
    await recorder.begin(turn);
    expect(delivered.map((record) => [record.kind, record.id, record.status])).toEqual([
      ['session', SESSION, 'pending'],
      ['turn', TURN, 'pending'],
    ]);
    // One delivery, so the page writes both in one transaction: never a turn without its session, or the reverse.
    expect(deliveries).toEqual([2]);
  });

  it('stops the turn with STORAGE_FULL when the page could not store the message', async () => {
    const { recorder, turn } = setup((record, acks) =>
      acks.receive({ recordId: record.id, stored: false, code: 'STORAGE_FULL', message: 'quota' }, 'page-1'),
    );
    await expect(recorder.begin(turn)).rejects.toMatchObject({ code: 'STORAGE_FULL' });
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
});
