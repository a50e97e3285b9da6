import type { SecretStorage } from '../core/platformInterfaces';
import { silentLogger, type Logger } from '../core/logger';
import type { Clock } from '../core/clock';
import { type AuditEntry, entryLine, parseEntryLine, sealEntry } from './auditEntry';
import { AuditError } from './auditError';
import { parseAuditEvent, type AuditEvent, type AuditEventInput } from './auditEvent';
import { type AuditFiles, auditPaths, readAuditFiles } from './auditFiles';
import { headFileText } from './auditHead';
import { inspectAuditContent } from './auditInspection';
import { loadOrCreateAuditKey } from './auditKey';
import { appendDurably, truncateDurably, writeFileAtomic } from '../core/durableFiles';

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

/** An event with its time, before it has a place in the chain. */
interface TimedEvent {
  readonly event: AuditEvent;
  readonly time: string;
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
  /** The `audit.chain_broken` entry for a break found at open, until it is written: it goes before the next events. */
  breakToRecord: TimedEvent | null;
}

/** An event waiting for the writer, with the caller's promise to settle. */
interface PendingAppend extends TimedEvent {
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
 * A broken chain (an entry that fails its MAC, entries missing or out of order, a head missing, damaged or ahead
 * of the log, the whole log gone beside its key) is never mended and never re-anchored silently: existing lines
 * are evidence and stay as they are. Instead the first write after opening starts with an `audit.chain_broken`
 * entry (count: the entries that verified before the break), and the chain goes on from the furthest entry the
 * key vouches for — the highest seq whose own MAC verifies, or the head if it is further — so seq numbers never
 * go back and a cut-off tail stays visible as a gap. The verifier reports every such entry, forever.
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
    // Only the log knows where its chain broke; a caller's chain_broken entry could pass off a break as recorded.
    if (valid.action === 'audit.chain_broken') {
      return Promise.reject(new AuditError('invalid-event', 'Refused audit event: audit.chain_broken is written by the audit log itself'));
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

  /** Appends the group's entries (after the break record, if one is due) and returns the group's own entries. */
  async #write(group: readonly PendingAppend[]): Promise<AuditEntry[]> {
    const actions = [...new Set(group.map((append) => append.event.action))].join(', ');
    const state = (this.#state ??= await this.#open());
    const paths = auditPaths(this.options.dir);
    const timed: readonly TimedEvent[] = state.breakToRecord ? [state.breakToRecord, ...group] : group;
    const entries: AuditEntry[] = [];
    let previous = { seq: state.seq, mac: state.mac };
    for (const { event, time } of timed) {
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
    state.breakToRecord = null;
    state.seq = previous.seq;
    state.mac = previous.mac;
    try {
      await writeFileAtomic(paths.head, headFileText(state.key, { seq: previous.seq, mac: previous.mac }));
    } catch (error) {
      // The entries are in the log and stay there (the chain goes on from them); only the head is behind, and the
      // next append rewrites it. Reported all the same: a head that stays behind hides truncation.
      throw new AuditError('head-write-failed', `The audit events ${actions} were written, but audit.head could not be updated`, { cause: error });
    }
    return entries.slice(entries.length - group.length);
  }

  /** Unwraps or creates the key, drops a torn last line, and finds where to go on — and whether a break is due. */
  async #open(): Promise<ChainState> {
    const { dir, secrets, allowBasicTextKeyStorage } = this.options;
    const { key, created } = await loadOrCreateAuditKey(dir, secrets, { allowBasicTextKeyStorage });
    let files: AuditFiles;
    try {
      files = await readAuditFiles(dir);
      const { log } = files;
      if (log && log.length > 0 && log[log.length - 1] !== 0x0a) files = { ...files, log: await this.#endLastLine(log) };
    } catch (error) {
      throw new AuditError('write-failed', 'audit.log could not be read to continue its chain', { cause: error });
    }
    // A key made just now says nothing was expected; one found says a log was.
    const inspection = inspectAuditContent(key, { ...files, keyExisted: !created });
    const broken = inspection.unrecordedBreak;
    let breakToRecord: TimedEvent | null = null;
    if (broken) {
      this.#logger.warn('audit.chain_broken', { seq: broken.seq, reason: broken.reason });
      const time = this.options.clock.now().toISOString();
      breakToRecord = { event: parseAuditEvent({ action: 'audit.chain_broken', count: inspection.entries }), time };
    }
    const { seq, mac } = inspection.resumeAfter;
    return { key, seq, mac, size: files.log?.length ?? 0, cutBack: false, breakToRecord };
  }

  /**
   * Deals with a log whose last line has no newline, and returns the log as it now is. A whole entry there is
   * evidence whatever its story (a crash just before the newline, or an edit), so it is ended with a newline and
   * the chain decides whether it belongs. A fragment was never acknowledged — every acknowledged entry was synced
   * whole, before its head — so it is cut off rather than glued to the next line.
   */
  async #endLastLine(log: Buffer): Promise<Buffer> {
    const path = auditPaths(this.options.dir).log;
    const start = log.lastIndexOf(0x0a) + 1;
    if (parseEntryLine(log.subarray(start).toString('utf8'))) {
      await appendDurably(path, '\n');
      return Buffer.concat([log, Buffer.from('\n')]);
    }
    await truncateDurably(path, start);
    this.#logger.warn('audit.torn_line_dropped', { bytes: log.length - start });
    return log.subarray(0, start);
  }
}
