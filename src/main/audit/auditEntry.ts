import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { AUDIT_ID_PATTERN, AuditAction, type AuditEvent } from './auditEvent';

/** HMAC-SHA256 as lower-case hex. */
const MAC_PATTERN = /^[0-9a-f]{64}$/;

/** The `prev` of the first entry: fixed, so a log cannot start in the middle of someone else's chain. */
export const AUDIT_GENESIS_MAC = '0'.repeat(64);

const StoredId = z.string().regex(AUDIT_ID_PATTERN);

/**
 * One line of `audit.log`, exactly as stored. Keys are written in this order (the canonical form), and a line
 * that is not byte-for-byte the canonical form of what it parses to is malformed.
 */
export const AuditEntry = z.strictObject({
  /** 1 for the first entry, then +1 per entry, no gaps. */
  seq: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER),
  /** UTC, ISO 8601 with milliseconds and `Z`, from the injected clock's wall time. */
  time: z.iso.datetime({ precision: 3 }),
  profileId: StoredId.nullable(),
  action: AuditAction,
  objectId: StoredId.nullable(),
  count: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).nullable(),
  /** The previous entry's `mac`, or {@link AUDIT_GENESIS_MAC} for seq 1. */
  prev: z.string().regex(MAC_PATTERN),
  /** `HMAC-SHA256(key, prev ‖ canonical(entry without mac))`, hex. */
  mac: z.string().regex(MAC_PATTERN),
});
/** @see AuditEntry */
export type AuditEntry = z.infer<typeof AuditEntry>;

/** An entry before its MAC is computed. */
export type UnsealedAuditEntry = Omit<AuditEntry, 'mac'>;

/** The canonical form the MAC covers: the entry without `mac`, keys in a fixed order, no whitespace. */
export function canonicalBody(entry: UnsealedAuditEntry): string {
  return JSON.stringify({
    seq: entry.seq,
    time: entry.time,
    profileId: entry.profileId,
    action: entry.action,
    objectId: entry.objectId,
    count: entry.count,
    prev: entry.prev,
  });
}

/** `HMAC-SHA256(key, prev ‖ canonical(entry without mac))`, hex. */
export function entryMac(key: Uint8Array, entry: UnsealedAuditEntry): string {
  return createHmac('sha256', key).update(entry.prev, 'utf8').update(canonicalBody(entry), 'utf8').digest('hex');
}

/** Builds the entry that follows `prev` (seq `seq`), with its MAC. */
export function sealEntry(key: Uint8Array, seq: number, prev: string, time: string, event: AuditEvent): AuditEntry {
  const unsealed: UnsealedAuditEntry = { seq, time, profileId: event.profileId, action: event.action, objectId: event.objectId, count: event.count, prev };
  return { ...unsealed, mac: entryMac(key, unsealed) };
}

/** The line stored for `entry` (without its newline): the canonical body with `mac` last. */
export function entryLine(entry: AuditEntry): string {
  return `${canonicalBody(entry).slice(0, -1)},"mac":${JSON.stringify(entry.mac)}}`;
}

/** Parses one stored line; null when it is not exactly the canonical form of a well-formed entry. */
export function parseEntryLine(line: string): AuditEntry | null {
  let json: unknown;
  try {
    json = JSON.parse(line);
  } catch {
    return null;
  }
  const result = AuditEntry.safeParse(json);
  if (!result.success) return null;
  // Re-serializing must give the same bytes: otherwise two different lines would carry the same MAC.
  return entryLine(result.data) === line ? result.data : null;
}

/** Compares two hex MACs in constant time. */
export function sameMac(a: string, b: string): boolean {
  const left = Buffer.from(a, 'utf8');
  const right = Buffer.from(b, 'utf8');
  return left.length === right.length && timingSafeEqual(left, right);
}
