import { describe, expect, it } from 'vitest';
import { PAYLOAD_FORMAT_VERSION, SealedRecord } from '../../shared/vault';
import { additionalData, toBase64, utf8 } from './encoding';
import { gcmSeal } from './aesGcm';
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
  rv: 2,
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
    const { rv: _rv, ...withoutCounter } = record;
    const asVersion1 = { ...withoutCounter, v: 1 } as SealedRecord;
    expect(await failureOf(openRecord(key, asVersion1))).toBe('tampered');
  });

  it('format v2: every plaintext header field is authenticated — seq, parent, status, both times and the version counter', async () => {
    const key = await sessionKey();
    const record = await sealRecord(key, header, payload);
    const edits: Partial<SealedRecord>[] = [
      { seq: 2 },
      { parentTurnId: '7a1c1b2e-8a3d-4c5e-9f7a-0b1c2d3e4f51' },
      { status: 'incomplete' },
      { status: 'pending' },
      { createdAt: '2026-11-25T08:59:59.000Z' },
      { updatedAt: '2026-11-25T09:00:06.000Z' },
      { rv: 3 },
      { rv: 1 },
    ];
    for (const edit of edits) expect(await failureOf(openRecord(key, { ...record, ...edit } as SealedRecord)), JSON.stringify(edit)).toBe('tampered');
    expect(await openRecord(key, record)).toEqual(payload);
  });

  it('swapping two turns’ seq fails both, so the history cannot be reordered', async () => {
    const key = await sessionKey();
    const first = await sealRecord(key, { ...header, seq: 1 }, payload);
    const second = await sealRecord(key, { ...header, id: '7a1c1b2e-8a3d-4c5e-9f7a-0b1c2d3e4f51', seq: 2 }, payload);
    expect(await failureOf(openRecord(key, { ...first, seq: 2 }))).toBe('tampered');
    expect(await failureOf(openRecord(key, { ...second, seq: 1 }))).toBe('tampered');
  });

  it('still opens a format-v1 record (its header beyond id, session, owner and kind was never bound)', async () => {
    const key = await sessionKey();
    const { rv: _rv, ...rest } = header;
    const v1 = { ...rest, v: 1 as const };
    const sealed = await gcmSeal(key, utf8(JSON.stringify(payload)), additionalData('cpa.record', v1.id, v1.sessionId, v1.ownerId, v1.kind, 1));
    const record: SealedRecord = { ...v1, iv: toBase64(sealed.iv), ct: toBase64(sealed.ciphertext) };
    expect(SealedRecord.parse(record)).toEqual(record);
    expect(await openRecord(key, record)).toEqual(payload);
    expect(await failureOf(openRecord(key, { ...record, ownerId: 'another-profile' }))).toBe('tampered');
  });

  it('seals only the current format with a version counter of 1 or more', async () => {
    const key = await sessionKey();
    await expect(sealRecord(key, { ...header, rv: 0 }, payload)).rejects.toThrow(TypeError);
    await expect(sealRecord(key, { ...header, v: 1 } as unknown as SealedRecordHeader, payload)).rejects.toThrow(TypeError);
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
