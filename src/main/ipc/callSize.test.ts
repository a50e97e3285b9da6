import { describe, expect, it } from 'vitest';
import { sealedRecordLike } from '../../../test/support/sealedRecords';
import { callSizeProblem, MAX_CALL_BYTES, MAX_CALL_DEPTH, SLOT_BYTES } from './callSize';

const tiny = (maxBytes: number) => ({ maxBytes, maxDepth: MAX_CALL_DEPTH });

/** `levels` arrays, each inside the next. */
function nested(levels: number): unknown {
  let value: unknown = 'leaf';
  for (let level = 0; level < levels; level++) value = [value];
  return value;
}

describe('callSizeProblem: the size bound', () => {
  it('counts a string as two bytes per UTF-16 unit, and is exact at the bound', () => {
    const payload = ['é'.repeat(1_000)];
    const size = SLOT_BYTES + 2 * 1_000;
    expect(callSizeProblem(payload, tiny(size))).toBeNull();
    expect(callSizeProblem(payload, tiny(size - 1))).toBe('too-large');
  });

  it('counts keys, numbers, booleans and null', () => {
    const payload = { abc: 1, de: true, f: null };
    const size = SLOT_BYTES + 2 * 3 + SLOT_BYTES + 2 * 2 + SLOT_BYTES + 2 * 1 + SLOT_BYTES;
    expect(callSizeProblem(payload, tiny(size))).toBeNull();
    expect(callSizeProblem(payload, tiny(size - 1))).toBe('too-large');
  });

  it('counts what a structured clone can carry: typed arrays, Maps, Sets and BigInts by their size', () => {
    expect(callSizeProblem(new Uint8Array(1_000), tiny(SLOT_BYTES + 1_000))).toBeNull();
    expect(callSizeProblem(new Uint8Array(1_001), tiny(SLOT_BYTES + 1_000))).toBe('too-large');
    expect(callSizeProblem(new Map([['k', 'x'.repeat(500)]]), tiny(SLOT_BYTES + 2 + 1_000))).toBeNull();
    expect(callSizeProblem(new Map([['k', 'x'.repeat(501)]]), tiny(SLOT_BYTES + 2 + 1_000))).toBe('too-large');
    expect(callSizeProblem(new Set(['x'.repeat(600)]), tiny(1_000))).toBe('too-large');
    expect(callSizeProblem(1n << 100_000n, tiny(10_000))).toBe('too-large');
    expect(callSizeProblem(12n, tiny(SLOT_BYTES))).toBeNull();
  });

  it('stops early on a sparse array of 2^31 slots instead of visiting them', () => {
    const sparse: unknown[] = [];
    sparse.length = 2 ** 31;
    expect(callSizeProblem(sparse)).toBe('too-large');
  });

  it('stops early on an object shared many times over (2^40 paths through 40 objects)', () => {
    let shared: unknown = 'x';
    for (let level = 0; level < 40; level++) shared = { a: shared, b: shared };
    expect(callSizeProblem(shared, { maxBytes: 1_000_000, maxDepth: 64 })).toBe('too-large');
  });

  it('passes a whole session of 2,000 typical sealed records with room to spare', () => {
    // 11,000 base64 characters is a turn with a long answer; a 1,024-token answer seals to about 6,500.
    const session = { records: Array.from({ length: 2_000 }, () => sealedRecordLike(11_000)) };
    expect(callSizeProblem(session)).toBeNull();
    expect(callSizeProblem(session, tiny(Math.floor(MAX_CALL_BYTES / 1.4)))).toBeNull();
  });
});

describe('callSizeProblem: the depth bound', () => {
  it(`accepts ${MAX_CALL_DEPTH} levels of nesting and refuses one more`, () => {
    expect(callSizeProblem(nested(MAX_CALL_DEPTH))).toBeNull();
    expect(callSizeProblem(nested(MAX_CALL_DEPTH + 1))).toBe('too-deep');
  });

  it('ends on a payload that contains itself, as a structured clone may', () => {
    const loop: Record<string, unknown> = { name: 'loop' };
    loop.self = loop;
    expect(callSizeProblem(loop)).toBe('too-deep');
  });

  it('refuses a nesting far deeper than the JS stack without overflowing it', () => {
    expect(callSizeProblem(nested(200_000))).toBe('too-deep');
  });
});
