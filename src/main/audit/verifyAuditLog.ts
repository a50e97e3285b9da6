import { AUDIT_GENESIS_MAC, entryMac, parseEntryLine, sameMac } from './auditEntry';
import { readBytesIfExists } from '../core/durableFiles';
import { auditPaths } from './auditFiles';
import { readHead } from './auditHead';

/** Why the chain breaks where it does. */
export type AuditBreakReason = 'mac-mismatch' | 'sequence-gap' | 'truncated' | 'malformed' | 'head-missing';

/** The first place the log stops being trustworthy. */
export interface AuditBreak {
  /** The first seq that cannot be vouched for: the damaged entry, or the first one missing. */
  readonly seq: number;
  readonly reason: AuditBreakReason;
  /** One sentence for people (no log content is quoted). */
  readonly detail: string;
}

/** The outcome of a verification. `entries` counts the entries verified intact before the first break. */
export type AuditVerification =
  | { readonly ok: true; readonly entries: number }
  | { readonly ok: false; readonly entries: number; readonly firstBreak: AuditBreak };

/**
 * Verifies the audit log in `dir` (`audit.log` and `audit.head`) with the unwrapped HMAC key and names the first
 * break. A folder with neither file has an empty, intact log. The whole log is read at once: at a few hundred
 * bytes an entry, years of a workstation's events fit in memory.
 */
export async function verifyAuditLog(dir: string, key: Uint8Array): Promise<AuditVerification> {
  const paths = auditPaths(dir);
  const [log, head] = await Promise.all([readBytesIfExists(paths.log), readBytesIfExists(paths.head)]);
  return verifyAuditContent(key, log, head === null ? null : head.toString('utf8'));
}

/**
 * Verifies log bytes and head text already read (null: the file does not exist). Entry by entry: well-formed and
 * canonical, seq = its position, `prev` = the previous MAC, MAC correct; then the head must name an entry that is
 * present, with the same MAC. Entries past the head are accepted when their chain holds: only the key holder can
 * write them (a crash between a line and its head leaves exactly that).
 */
export function verifyAuditContent(key: Uint8Array, log: Buffer | null, headText: string | null): AuditVerification {
  const text = log === null ? '' : log.toString('utf8');
  const lines = text === '' ? [] : text.split('\n');
  const torn = lines.length > 0 && lines.at(-1) !== '';
  if (!torn) lines.pop();

  const macs: string[] = [];
  let prev = AUDIT_GENESIS_MAC;
  for (const [index, line] of lines.entries()) {
    const seq = index + 1;
    const broken = (reason: AuditBreakReason, detail: string): AuditVerification => ({ ok: false, entries: index, firstBreak: { seq, reason, detail } });
    if (torn && index === lines.length - 1) return broken('malformed', `the last line (entry ${seq}) is incomplete: a write was cut off`);
    const entry = parseEntryLine(line);
    if (!entry) return broken('malformed', `line ${seq} is not a well-formed audit entry`);
    if (entry.seq !== seq) return broken('sequence-gap', `line ${seq} holds entry ${entry.seq}: entries are missing, added or out of order`);
    if (!sameMac(entry.prev, prev)) return broken('mac-mismatch', `entry ${seq} does not follow the entry before it`);
    if (!sameMac(entry.mac, entryMac(key, entry))) return broken('mac-mismatch', `entry ${seq} was altered (its MAC does not match)`);
    macs.push(entry.mac);
    prev = entry.mac;
  }

  const count = macs.length;
  const after = (reason: AuditBreakReason, seq: number, detail: string): AuditVerification => ({ ok: false, entries: count, firstBreak: { seq, reason, detail } });
  const head = readHead(key, headText);
  switch (head.kind) {
    case 'missing':
      // No entries and no head: nothing was ever written. (Removing both files leaves the same picture; the
      // key file beside them is the hint, and the caller knows whether a log is expected.)
      if (count === 0) return { ok: true, entries: 0 };
      return after('head-missing', count + 1, `audit.head is missing, so entries after ${count} may have been cut off`);
    case 'unreadable':
      return after('head-missing', count + 1, `audit.head is damaged, so entries after ${count} may have been cut off`);
    case 'forged':
      return after('head-missing', count + 1, `audit.head was not written with this log's key, so entries after ${count} may have been cut off`);
    case 'ok': {
      const { seq, mac } = head.head;
      if (seq > count) return after('truncated', count + 1, `audit.head records ${seq} entries but the log ends after ${count}`);
      if (!sameMac(macs[seq - 1] ?? '', mac)) return after('mac-mismatch', seq, `entry ${seq} is not the entry audit.head records`);
      return { ok: true, entries: count };
    }
  }
}
