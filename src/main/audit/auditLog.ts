import type { SecretStorage } from '../core/platformInterfaces';
import { silentLogger, type Logger } from '../core/logger';
import type { Clock } from '../core/clock';
import { AUDIT_GENESIS_MAC, type AuditEntry, entryLine, entryMac, parseEntryLine, sameMac, sealEntry } from './auditEntry';
import { AuditError } from './auditError';
import { parseAuditEvent, type AuditEvent, type AuditEventInput } from './auditEvent';
import { readBytesIfExists } from '../core/durableFiles';
import { auditPaths } from './auditFiles';
import { headFileText, readHead } from './auditHead';
import { loadOrCreateAuditKey } from './auditKey';
import { appendDurably, truncateDurably, writeFileAtomic } from '../core/durableFiles';
import { verifyAuditContent } from './verifyAuditLog';

/** Where audited code sends its events; fake it in tests of that code. */
export interface AuditSink {
  /**
   * Records one event and resolves with the entry once it is on disk, or rejects with an {@link AuditError}.
   * Never resolves for an event that was not written.
   */
  append(event: AuditEventInput): Promise<AuditEntry>;
}

/** What an {@link AuditLog} is built from. */
export interface AuditLogOptions {
  /** Main's data folder; `audit.log`, `audit.head` and `audit.key` live in it. */
  readonly dir: string;
  /** The OS secret store (Electron `safeStorage`) that wraps the HMAC key. */
  readonly secrets: SecretStorage;
  /**
   * IT's `allowBasicTextKeyStorage`, the policy profile keys follow: without it the HMAC key is refused on Linux's
   * `basic_text` store (which protects nothing), and every append fails until a keyring is there.
   */
  readonly allowBasicTextKeyStorage: boolean;
  /** Wall time stamps each entry (UTC). */
  readonly clock: Pick<Clock, 'now'>;
  readonly logger?: Logger;
}

/** Where the chain stands on disk, once the log has been opened. */
interface ChainState {
  readonly key: Buffer;
  seq: number;
  mac: string;
  /** Size of the log up to its last complete entry. */
  size: number;
  /** True after a failed append: the next one first cuts the log back to `size`, dropping any torn line. */
  cutBack: boolean;
}

/** An event waiting for the writer, with the caller's promise to settle. */
interface PendingAppend {
  readonly event: AuditEvent;
  readonly time: string;
  readonly resolve: (entry: AuditEntry) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * The audit log of a data folder (check 25): append-only JSON lines chained by HMAC-SHA256, with the chain head
 * kept apart in `audit.head`.
 *
 * Appends are written in call order, whoever calls. Events that arrive while a write is on disk are written next
 * together (group commit): their lines are appended with one sync, then the head is replaced atomically once — a
 * clinician opening 50 sessions costs two or three durable writes, not 50. Each append resolves only when its line
 * is synced; a failure rejects every append of that group with an {@link AuditError}; nothing is skipped or
 * retried behind the caller's back. Nothing touches the disk until the first append, which unwraps (or creates)
 * the key and finds where the chain stands — continuing it after a restart.
 *
 * One instance per data folder: the app's single-instance lock keeps a second process away.
 */
export class AuditLog implements AuditSink {
  #pending: PendingAppend[] = [];
  #writing = false;
  #state: ChainState | null = null;
  readonly #logger: Logger;

  constructor(private readonly options: AuditLogOptions) {
    this.#logger = options.logger ?? silentLogger;
  }

  /**
   * Validates `event` at once (an invalid one is refused before it takes a place in line), stamps it with the
   * clock's wall time, and queues it behind every append called before it.
   */
  append(event: AuditEventInput): Promise<AuditEntry> {
    let valid: AuditEvent;
    try {
      valid = parseAuditEvent(event);
    } catch (error) {
      return Promise.reject(error);
    }
    const time = this.options.clock.now().toISOString();
    return new Promise<AuditEntry>((resolve, reject) => {
      this.#pending.push({ event: valid, time, resolve, reject });
      if (!this.#writing) void this.#drain();
    });
  }

  /** Writes queued groups until none is left; one group at a time, in order. */
  async #drain(): Promise<void> {
    this.#writing = true;
    try {
      while (this.#pending.length > 0) {
        const group = this.#pending;
        this.#pending = [];
        try {
          const entries = await this.#write(group);
          group.forEach((append, index) => append.resolve(entries[index] as AuditEntry));
        } catch (error) {
          for (const append of group) append.reject(error);
        }
      }
    } finally {
      this.#writing = false;
    }
  }

  async #write(group: readonly PendingAppend[]): Promise<AuditEntry[]> {
    const actions = [...new Set(group.map((append) => append.event.action))].join(', ');
    const state = (this.#state ??= await this.#open());
    const paths = auditPaths(this.options.dir);
    const entries: AuditEntry[] = [];
    let previous = { seq: state.seq, mac: state.mac };
    for (const { event, time } of group) {
      const entry = sealEntry(state.key, previous.seq + 1, previous.mac, time, event);
      entries.push(entry);
      previous = entry;
    }
    try {
      const text = entries.map((entry) => `${entryLine(entry)}\n`).join('');
      state.size = await appendDurably(paths.log, text, state.cutBack ? state.size : undefined);
      state.cutBack = false;
    } catch (error) {
      state.cutBack = true;
      throw new AuditError('write-failed', `The audit events ${actions} could not be written to audit.log`, { cause: error });
    }
    state.seq = previous.seq;
    state.mac = previous.mac;
    try {
      await writeFileAtomic(paths.head, headFileText(state.key, { seq: previous.seq, mac: previous.mac }));
    } catch (error) {
      // The entries are in the log and stay there (the chain goes on from them); only the head is behind, and the
      // next append rewrites it. Reported all the same: a head that stays behind hides truncation.
      throw new AuditError('head-write-failed', `The audit events ${actions} were written, but audit.head could not be updated`, { cause: error });
    }
    return entries;
  }

  /** Unwraps or creates the key, drops a torn last line, reports a broken chain, and finds where to go on. */
  async #open(): Promise<ChainState> {
    const { dir, secrets, allowBasicTextKeyStorage } = this.options;
    const { key } = await loadOrCreateAuditKey(dir, secrets, { allowBasicTextKeyStorage });
    const paths = auditPaths(this.options.dir);
    let log: Buffer | null;
    let headText: string | null;
    try {
      log = await readBytesIfExists(paths.log);
      headText = (await readBytesIfExists(paths.head))?.toString('utf8') ?? null;
      if (log && log.length > 0 && log[log.length - 1] !== 0x0a) {
        // A line without its newline was never acknowledged: the head is written only after the line is
        // synced. Had it been (someone removed the newline), the head still counts it, and verification says so.
        const keep = log.lastIndexOf(0x0a) + 1;
        await truncateDurably(paths.log, keep);
        this.#logger.warn('audit.torn_line_dropped', { bytes: log.length - keep });
        log = log.subarray(0, keep);
      }
    } catch (error) {
      throw new AuditError('write-failed', 'audit.log could not be read to continue its chain', { cause: error });
    }
    const verification = verifyAuditContent(key, log, headText);
    if (!verification.ok) this.#logger.warn('audit.chain_broken', { seq: verification.firstBreak.seq, reason: verification.firstBreak.reason });
    return { key, ...chainPosition(key, log, headText), size: log?.length ?? 0, cutBack: false };
  }
}

/**
 * Where to continue the chain: after the last entry in the log that verifies on its own, or after the head when
 * the head is further on (the log's tail was cut off). Continuing past the head keeps the missing entries
 * visible as a gap; continuing from the shorter log would overwrite the only evidence that they existed.
 */
function chainPosition(key: Buffer, log: Buffer | null, headText: string | null): { seq: number; mac: string } {
  const lines = log === null ? [] : log.toString('utf8').split('\n').slice(0, -1);
  let last: AuditEntry | null = null;
  for (let index = lines.length - 1; index >= 0 && !last; index--) {
    const entry = parseEntryLine(lines[index] ?? '');
    if (entry && sameMac(entry.mac, entryMac(key, entry))) last = entry;
  }
  const head = readHead(key, headText);
  if (head.kind === 'ok' && (!last || head.head.seq > last.seq)) return head.head;
  if (last) return { seq: last.seq, mac: last.mac };
  if (lines.length === 0) return { seq: 0, mac: AUDIT_GENESIS_MAC };
  throw new AuditError('log-damaged', 'audit.log holds no entry that verifies and audit.head is unusable; run the audit verifier');
}
