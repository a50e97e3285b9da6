import { AUDIT_GENESIS_MAC, type AuditEntry, entryMac, parseEntryLine, sameMac } from './auditEntry';
import type { AuditFiles } from './auditFiles';
import { type HeadReading, readHead } from './auditHead';

/** Why the chain breaks where it does; `break-recorded` is an `audit.chain_broken` entry (a break found earlier). */
export type AuditBreakReason = 'mac-mismatch' | 'sequence-gap' | 'truncated' | 'malformed' | 'head-missing' | 'break-recorded';

/** A place where the log stops being trustworthy. */
export interface AuditBreak {
  /** The first seq that cannot be vouched for (the damaged entry, or the first one missing); for a recorded break, the seq of its `audit.chain_broken` entry. */
  readonly seq: number;
  readonly reason: AuditBreakReason;
  /** One sentence for people (no log content is quoted). */
  readonly detail: string;
}

/** An `audit.chain_broken` entry: the writer found the chain broken when it opened the log, and said so in it. */
export interface RecordedAuditBreak {
  /** The seq of the `audit.chain_broken` entry. */
  readonly seq: number;
  /** When the writer found the break (the entry's time, UTC). */
  readonly detectedAt: string;
  /** How many entries had verified before the break (the entry's count). */
  readonly verifiedBefore: number;
}

/** A point of the chain: an entry's seq and MAC (seq 0 and the genesis MAC before the first entry). */
export interface ChainPoint {
  readonly seq: number;
  readonly mac: string;
}

/** Everything a reading of the log found. */
export interface AuditInspection {
  /** Entries that verify in the chain, across every stretch an `audit.chain_broken` entry picked up again. */
  readonly entries: number;
  /** Every `audit.chain_broken` entry the key vouches for, in log order — wherever it stands, so none is lost. */
  readonly recordedBreaks: readonly RecordedAuditBreak[];
  /** The first break that no `audit.chain_broken` entry accounts for yet, or null. */
  readonly unrecordedBreak: AuditBreak | null;
  /**
   * Where a writer goes on: after the chain's last entry; past an unrecorded break, after the furthest entry the
   * key vouches for (a line whose own MAC verifies, or the head), so seq numbers never go back over evidence.
   */
  readonly resumeAfter: ChainPoint;
}

const GENESIS: ChainPoint = { seq: 0, mac: AUDIT_GENESIS_MAC };

/**
 * Reads the audit log entry by entry, with its HMAC key.
 *
 * An entry is chained when it is well-formed and canonical, has the next seq, names the previous MAC as `prev`
 * and carries a correct MAC. At the first entry that is not, the chain breaks. Lines are never rewritten, so the
 * writer cannot mend a break; instead, when it next opens the log, it appends an `audit.chain_broken` entry whose
 * count is the number of entries chained before the break. Past a break, that entry — keyed, counting exactly the
 * entries chained so far, with a seq beyond the chain's — takes the chain up again, and everything between stays
 * in the file as evidence, unverified. A break with no such entry after it is unrecorded, and nothing after it
 * is chained.
 *
 * Once the lines are read, the head must name an entry of the chain with the same MAC. Entries past the head are
 * accepted: only the key holder can write them (a crash between a line and its head leaves exactly that). With
 * neither a line nor a head beside an existing key, the whole log is gone.
 */
export function inspectAuditContent(key: Uint8Array, files: AuditFiles): AuditInspection {
  const text = files.log === null ? '' : files.log.toString('utf8');
  const lines = text === '' ? [] : text.split('\n');
  const torn = lines.length > 0 && lines.at(-1) !== '';
  if (!torn) lines.pop();

  const chained = new Map<number, string>();
  const recordedBreaks: RecordedAuditBreak[] = [];
  let tail = GENESIS;
  let furthest = GENESIS;
  let broken: AuditBreak | null = null;
  const chain = (entry: AuditEntry) => {
    chained.set(entry.seq, entry.mac);
    tail = { seq: entry.seq, mac: entry.mac };
  };

  for (const [index, line] of lines.entries()) {
    const cutOff = torn && index === lines.length - 1;
    const entry = cutOff ? null : parseEntryLine(line);
    const vouched = entry !== null && sameMac(entry.mac, entryMac(key, entry));
    if (entry && vouched) {
      if (entry.seq > furthest.seq) furthest = { seq: entry.seq, mac: entry.mac };
      if (entry.action === 'audit.chain_broken') recordedBreaks.push({ seq: entry.seq, detectedAt: entry.time, verifiedBefore: entry.count ?? 0 });
    }
    if (!broken) {
      if (entry && vouched && entry.seq === tail.seq + 1 && sameMac(entry.prev, tail.mac)) {
        chain(entry);
        continue;
      }
      broken = lineBreak(index + 1, tail, entry, vouched, cutOff);
    }
    // The writer's record of this very break: the chain goes on from it.
    if (entry && vouched && entry.action === 'audit.chain_broken' && entry.count === chained.size && entry.seq > tail.seq) {
      chain(entry);
      broken = null;
    }
  }

  const head = readHead(key, files.headText);
  const unrecordedBreak = broken ?? headBreak(head, files.keyExisted, lines.length, chained, tail);
  if (head.kind === 'ok' && head.head.seq > furthest.seq) furthest = head.head;
  return { entries: chained.size, recordedBreaks, unrecordedBreak, resumeAfter: unrecordedBreak ? furthest : tail };
}

/** Why line `line` does not continue the chain after `tail`. */
function lineBreak(line: number, tail: ChainPoint, entry: AuditEntry | null, vouched: boolean, cutOff: boolean): AuditBreak {
  const seq = tail.seq + 1;
  if (cutOff) return { seq, reason: 'malformed', detail: `the last line (line ${line}) is incomplete: a write was cut off` };
  if (!entry) return { seq, reason: 'malformed', detail: `line ${line} is not a well-formed audit entry` };
  if (entry.seq !== seq) return { seq, reason: 'sequence-gap', detail: `line ${line} holds entry ${entry.seq} where entry ${seq} belongs: entries are missing, added or out of order` };
  if (vouched) return { seq, reason: 'mac-mismatch', detail: `entry ${seq} does not follow the entry before it` };
  return { seq, reason: 'mac-mismatch', detail: `entry ${seq} was altered (its MAC does not match)` };
}

/** What the head says against the chain read from the lines: null when it names the chain's entry or one before. */
function headBreak(head: HeadReading, keyExisted: boolean, lineCount: number, chained: ReadonlyMap<number, string>, tail: ChainPoint): AuditBreak | null {
  const after = (reason: AuditBreakReason, detail: string): AuditBreak => ({ seq: tail.seq + 1, reason, detail });
  switch (head.kind) {
    case 'missing':
      if (lineCount > 0) return after('head-missing', `audit.head is missing, so entries after ${tail.seq} may have been cut off`);
      // Nothing was ever written — unless the key was: it is created with the first entry, so the log was removed.
      // (The one false alarm is a crash between creating the key and syncing the first entry.)
      if (keyExisted) return after('truncated', 'audit.log and audit.head are gone but audit.key is there: the whole log may have been removed');
      return null;
    case 'unreadable':
      return after('head-missing', `audit.head is damaged, so entries after ${tail.seq} may have been cut off`);
    case 'forged':
      return after('head-missing', `audit.head was not written with this log's key, so entries after ${tail.seq} may have been cut off`);
    case 'ok': {
      const { seq, mac } = head.head;
      if (seq > tail.seq) return after('truncated', `audit.head records entry ${seq} but the verified log ends at entry ${tail.seq}`);
      if (!sameMac(chained.get(seq) ?? '', mac)) return { seq, reason: 'mac-mismatch', detail: `entry ${seq} is not the entry audit.head records` };
      return null;
    }
  }
}
