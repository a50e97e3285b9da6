import { describe, expect, it } from 'vitest';
import { PAYLOAD_FORMAT_VERSION, SealedRecord } from '../../shared/vault';
import { openRecord, sealRecord, type SealedRecordHeader } from './recordCrypto';
import { RecordOpenError, type RecordOpenFailure } from './recordOpenError';

const subtle = globalThis.crypto.subtle;

const header: SealedRecordHeader = {
  id: '6f1c1b2e-8a3d-4c5e-9f7a-0b1c2d3e4f50',
  kind: 'turn',
  sessionId: '0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d',
  ownerId: '11111111-2222-4333-8444-555555555555',
  seq: 1,
  parentTurnId: null,
  status: 'complete',
  createdAt: '2026-11-25T09:00:00.000Z',
  updatedAt: '2026-11-25T09:00:05.000Z',
  v: PAYLOAD_FORMAT_VERSION,
};
const payload = { message: 'chest X-ray shows bilateral infiltrates', answer: 'Consider pneumonia protocol…' };

function sessionKey() {
  return subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']);
}

async function failureOf(run: Promise<unknown>): Promise<RecordOpenFailure | 'opened'> {
  try {
    await run;
    return 'opened';
  } catch (error) {
    if (error instanceof RecordOpenError) return error.reason;
    throw error;
  }
}

/** `record` with one bit flipped at `bit` of the decoded field. */
function flipBit(record: SealedRecord, field: 'iv' | 'ct', bit: number): SealedRecord {
  const bytes = Buffer.from(record[field], 'base64');
  bytes[bit >> 3]! ^= 1 << (bit & 7);
  return { ...record, [field]: bytes.toString('base64') };
}

describe('sealed records', () => {
  it('round-trips a payload; the result is a valid SealedRecord whose plaintext fields are the header', async () => {
    const key = await sessionKey();
    const record = await sealRecord(key, header, payload);
    expect(SealedRecord.parse(record)).toEqual(record);
    expect({ ...record, iv: undefined, ct: undefined }).toEqual({ ...header, iv: undefined, ct: undefined });
    expect(JSON.stringify(record)).not.toContain('infiltrates');
    expect(await openRecord(key, record)).toEqual(payload);
  });
});

describe('tamper and swap (check 17)', () => {
  it('refuses a payload moved to another record id, session id, owner or kind', async () => {
    const key = await sessionKey();
    const record = await sealRecord(key, header, payload);
    const otherId = '7a1c1b2e-8a3d-4c5e-9f7a-0b1c2d3e4f51';
    expect(await failureOf(openRecord(key, { ...record, id: otherId }))).toBe('tampered');
    expect(await failureOf(openRecord(key, { ...record, sessionId: '1b1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d' }))).toBe('tampered');
    expect(await failureOf(openRecord(key, { ...record, ownerId: 'another-profile' }))).toBe('tampered');
    expect(await failureOf(openRecord(key, { ...record, kind: 'session' }))).toBe('tampered');
  });

  it('refuses the same bytes presented as another payload-format version', async () => {
    const key = await sessionKey();
    const record = await sealRecord(key, header, payload);
    const asVersion2 = { ...record, v: 2 } as unknown as SealedRecord;
    expect(await failureOf(openRecord(key, asVersion2))).toBe('tampered');
  });

  it('refuses a flipped bit anywhere in the IV, the ciphertext or the tag', async () => {
    const key = await sessionKey();
    const record = await sealRecord(key, header, payload);
    const ctBits = Buffer.from(record.ct, 'base64').byteLength * 8;
    const tagStart = ctBits - 128;
    for (const bit of [0, 37, 95]) expect(await failureOf(openRecord(key, flipBit(record, 'iv', bit)))).toBe('tampered');
    for (const bit of [0, 9, tagStart - 1]) expect(await failureOf(openRecord(key, flipBit(record, 'ct', bit)))).toBe('tampered');
    for (const bit of [tagStart, tagStart + 64, ctBits - 1]) expect(await failureOf(openRecord(key, flipBit(record, 'ct', bit)))).toBe('tampered');
  });

  it('refuses a record sealed under another session key', async () => {
    const record = await sealRecord(await sessionKey(), header, payload);
    expect(await failureOf(openRecord(await sessionKey(), record))).toBe('tampered');
  });

  it('reports damage to the shape as malformed: wrong IV length, non-canonical base64, a ciphertext shorter than a tag', async () => {
    const key = await sessionKey();
    const record = await sealRecord(key, header, payload);
    expect(await failureOf(openRecord(key, { ...record, iv: Buffer.alloc(16).toString('base64') }))).toBe('malformed');
    expect(await failureOf(openRecord(key, { ...record, iv: `${record.iv.slice(0, -1)}*` }))).toBe('malformed');
    expect(await failureOf(openRecord(key, { ...record, ct: Buffer.alloc(15).toString('base64') }))).toBe('malformed');
  });

  it('names the record in its error, never the payload', async () => {
    const key = await sessionKey();
    const record = await sealRecord(key, header, payload);
    const error = await openRecord(key, { ...record, ownerId: 'x' }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(RecordOpenError);
    expect((error as Error).message).toContain(header.id);
    expect((error as Error).message).not.toContain('infiltrates');
  });
});
