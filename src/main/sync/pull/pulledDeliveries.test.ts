import { describe, expect, it } from 'vitest';
import { MAX_RECORDS_PER_DELIVERY, RecordDelivery, type SealedRecordV2 } from '../../../shared/vault';
import { MAX_DELIVERY_CIPHERTEXT_CHARS, pulledDeliveries } from './pulledDeliveries';

function record(index: number, ctChars = 32): SealedRecordV2 {
  const id = `0a1b2c3d-4e5f-4a6b-8c7d-${String(index).padStart(12, '0')}`;
  return {
    id,
    kind: 'turn',
    sessionId: '0a1b2c3d-4e5f-4a6b-8c7d-999999999999',
    ownerId: 'alice',
    seq: index,
    parentTurnId: null,
    status: 'complete',
    createdAt: '2026-11-25T09:00:00.000Z',
    updatedAt: '2026-11-25T09:00:00.000Z',
    iv: 'AAAAAAAAAAAAAAAA',
    ct: 'A'.repeat(ctChars),
    v: 2,
    rv: 1,
  };
}

describe('pulled deliveries', () => {
  it('hands an initial sync to the page in few deliveries, each one the contract accepts, in order and complete', () => {
    const records = Array.from({ length: 660 }, (_, index) => record(index));
    const deliveries = pulledDeliveries(records);
    expect(deliveries).toHaveLength(Math.ceil(660 / MAX_RECORDS_PER_DELIVERY));
    for (const delivery of deliveries) expect(RecordDelivery.safeParse({ records: delivery }).success).toBe(true);
    expect(deliveries.flat()).toEqual(records);
  });

  it('cuts a delivery early when long turns would make one huge message, and a single oversized record still goes', () => {
    const big = Math.floor(MAX_DELIVERY_CIPHERTEXT_CHARS / 3);
    const records = [record(1, big), record(2, big), record(3, big), record(4, big), record(5, MAX_DELIVERY_CIPHERTEXT_CHARS + 4)];
    expect(pulledDeliveries(records).map((delivery) => delivery.map((sealed) => sealed.seq))).toEqual([[1, 2, 3], [4], [5]]);
    expect(pulledDeliveries([])).toEqual([]);
  });
});
