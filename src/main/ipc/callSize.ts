/**
 * A bound on how much one IPC call may carry, checked before its schema. The contract's own limits multiply:
 * `sessions.resume` takes 2,000 records of up to 1,000,000 characters each, about 4 GB as UTF-16, which zod would
 * then copy and main would try to decrypt. This walk refuses such a call after reading at most the cap's worth.
 *
 * Sizes are counted as main holds them in memory, not as they travelled: a string or key costs 2 bytes per UTF-16
 * code unit (an upper bound whatever V8's internal encoding), binary data its byte length, and every other value,
 * container and array slot {@link SLOT_BYTES}. Every step adds at least {@link SLOT_BYTES}, so the walk ends after
 * at most `maxBytes / SLOT_BYTES` steps even on a payload that repeats or shares objects; it holds one iterator per
 * level of nesting, so its own memory is bounded by the depth limit.
 */

/**
 * The largest call main accepts, in the units above. The largest legitimate call is a `sessions.resume` or
 * `sessions.export` of a whole session, at most 2,000 sealed records: at a typical 11,000 base64 characters per
 * record that walks to about 45 MB (callSize.test.ts measures it), so 64 MiB leaves about half as much again.
 */
export const MAX_CALL_BYTES = 64 * 1024 * 1024;

/**
 * The deepest nesting of objects and arrays main accepts. The contract's deepest input is about five levels; 32
 * leaves room and still ends a self-referencing structured clone after 32 steps down.
 */
export const MAX_CALL_DEPTH = 32;

/** What one number, boolean, null, container or array slot costs in the count. */
export const SLOT_BYTES = 8;

/** Why a call is too big, or null when it is within both bounds. */
export type CallSizeProblem = 'too-large' | 'too-deep';

/** The bounds a walk checks; production uses {@link MAX_CALL_BYTES} and {@link MAX_CALL_DEPTH}. */
export interface CallLimits {
  readonly maxBytes: number;
  readonly maxDepth: number;
}

const DEFAULT_LIMITS: CallLimits = { maxBytes: MAX_CALL_BYTES, maxDepth: MAX_CALL_DEPTH };

/**
 * Walks `payload` — whatever a transport delivered: JSON values, or a structured clone with Maps, Sets, typed arrays,
 * BigInts and shared or cyclic references — and says whether it passes either bound, stopping as soon as it does.
 */
export function callSizeProblem(payload: unknown, limits: CallLimits = DEFAULT_LIMITS): CallSizeProblem | null {
  let bytes = 0;
  // One iterator per open container: depth-first, without recursion, so no payload can overflow the JS stack.
  const open: Iterator<unknown>[] = [];

  function* objectChildren(value: object): Generator<unknown> {
    for (const key of Object.keys(value)) {
      bytes += 2 * key.length;
      yield (value as Record<string, unknown>)[key];
    }
  }

  function* mapChildren(value: Map<unknown, unknown>): Generator<unknown> {
    for (const [key, entry] of value) {
      yield key;
      yield entry;
    }
  }

  function visit(value: unknown): CallSizeProblem | null {
    if (typeof value === 'string') {
      bytes += 2 * value.length;
    } else if (typeof value === 'bigint') {
      bytes += bigintBytes(value);
    } else if (typeof value !== 'object' || value === null) {
      bytes += SLOT_BYTES;
    } else {
      bytes += SLOT_BYTES;
      if (open.length >= limits.maxDepth) return 'too-deep';
      if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer || value instanceof SharedArrayBuffer) bytes += value.byteLength;
      else if (value instanceof Map) open.push(mapChildren(value));
      else if (value instanceof Set || Array.isArray(value)) open.push(value.values());
      else open.push(objectChildren(value));
    }
    return bytes > limits.maxBytes ? 'too-large' : null;
  }

  let problem = visit(payload);
  while (problem === null && open.length > 0) {
    const next = open[open.length - 1]!.next();
    if (next.done) open.pop();
    else problem = visit(next.value);
  }
  return problem;
}

/** An upper bound on a BigInt's size (within a factor of two), found without converting it to text. */
function bigintBytes(value: bigint): number {
  const magnitude = value < 0n ? -value : value;
  let bits = 64;
  while (magnitude >= 1n << BigInt(bits)) bits *= 2;
  return bits / 8;
}
