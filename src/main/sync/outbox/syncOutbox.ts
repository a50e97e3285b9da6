/**
 * A profile's durable sync outbox: the sealed items and tombstones main has to push, on disk before anyone is told
 * they will be pushed, removed only after the server answered that it has them. An append-only file of lines (see
 * outboxFormat.ts; synced at every write), compacted by an atomic rewrite once answered lines outnumber waiting ones.
 *
 * Crash safety, step by step: a crash before an `add` is synced leaves a torn last line, dropped at the next open
 * (that add never returned, so nobody counted on it); a crash after the server stored an item but before its
 * `done` line leaves it waiting, and it is pushed again — the server answers `duplicate` (a retried push of one
 * version is idempotent), and only then is it removed. So an item reaches the server at least once from here, and
 * exactly once there.
 */
import type { PushItem, PushItemStatus, PushOutput } from '../../../shared/sync/changes';
import { formatIssues } from '../../../shared/formatIssues';
import { OUTBOX_FORMAT, OutboxLine, outboxKeyOf, type OutboxTombstone } from './outboxFormat';
import { SyncStateFileError, durableSyncStateFiles, type SyncStateFiles } from './outboxFiles';

/** Answers after which an item no longer waits: the server has it (`stored`, `duplicate`) or never will (`deleted`). */
const SETTLED: ReadonlySet<PushItemStatus> = new Set(['stored', 'duplicate', 'deleted']);

/** Answered lines tolerated before a rewrite: a few, so a busy clinic does not rewrite the file at every push. */
const COMPACT_AFTER_DONE_LINES = 64;

function lineOf(line: OutboxLine): string {
  return `${JSON.stringify(line)}\n`;
}

/**
 * One profile's outbox. Operations run one at a time, in call order (the file has one writer).
 *
 * Warning: open one instance per file. Two instances over one file would each append from their own view and the
 * second's compaction would drop what the first added.
 */
export class SyncOutbox {
  readonly #path: string;
  readonly #files: SyncStateFiles;
  /** Waiting items by {@link outboxKeyOf}, oldest first; only the newest version of an item waits. */
  readonly #waiting = new Map<string, PushItem>();
  /** Tombstones to send, by session id. */
  readonly #tombstones = new Map<string, OutboxTombstone>();
  #doneLines = 0;
  /** The file's size after the last write that succeeded: a failed append's torn remains are cut back to it. */
  #size = 0;
  #cutBack = false;
  #queue: Promise<unknown> = Promise.resolve();

  private constructor(path: string, files: SyncStateFiles) {
    this.#path = path;
    this.#files = files;
  }

  /**
   * Opens the outbox at `path` (created empty when missing). Drops a torn last line and rewrites the file without
   * it and without answered items. Throws {@link SyncStateFileError} when a complete line is damaged — never read as
   * empty, which would lose what waits unseen.
   */
  static async open(path: string, files: SyncStateFiles = durableSyncStateFiles): Promise<SyncOutbox> {
    const outbox = new SyncOutbox(path, files);
    const text = await files.read(path);
    if (text === null) {
      await files.replace(path, '');
      return outbox;
    }
    const lines = text.split('\n');
    // Whatever follows the last newline was never fully written, so no add that returned is in it.
    const torn = (lines.pop() ?? '') !== '';
    lines.forEach((line, index) => outbox.#replay(parseLine(path, line, index)));
    outbox.#size = Buffer.byteLength(text, 'utf8');
    if (torn || outbox.#doneLines > 0) await outbox.#rewrite();
    return outbox;
  }

  /** The items waiting to be pushed, oldest first. */
  waiting(): PushItem[] {
    return [...this.#waiting.values()];
  }

  /** The tombstones waiting to be sent, oldest first. */
  waitingTombstones(): OutboxTombstone[] {
    return [...this.#tombstones.values()];
  }

  /** How many items and tombstones wait (the "n waiting" of the sync status). */
  get size(): number {
    return this.#waiting.size + this.#tombstones.size;
  }

  /**
   * Records, durably, that a session was deleted or shredded here. Its items still waiting are dropped in the same
   * line — what was deleted must not reach the server after all — and later items of it are ignored.
   */
  addTombstone(tombstone: OutboxTombstone): Promise<void> {
    return this.#serially(async () => {
      if (this.#tombstones.has(tombstone.sessionId)) return;
      const line: OutboxLine = { f: OUTBOX_FORMAT, op: 'tombstone', tombstone };
      await this.#append(lineOf(line));
      this.#replay(line);
    });
  }

  /** Records that the server took `sent` (a `tombstones` call answered): they no longer wait. */
  settleTombstones(sent: readonly OutboxTombstone[]): Promise<void> {
    return this.#serially(async () => {
      const sessionIds = sent.map((tombstone) => tombstone.sessionId).filter((id) => this.#tombstones.has(id));
      if (sessionIds.length === 0) return;
      const line: OutboxLine = { f: OUTBOX_FORMAT, op: 'tombstoned', sessionIds };
      await this.#append(lineOf(line));
      this.#replay(line);
      await this.#compactIfDue();
    });
  }

  /**
   * Adds `item`, durably: when this resolves it survives a crash. A newer version of a waiting item replaces it; an
   * older one than waits is ignored (versions never go back). Throws when the file cannot be written — then nothing
   * was added.
   */
  add(item: PushItem): Promise<void> {
    return this.addAll([item]);
  }

  /**
   * Adds `items` together, in one line: after a crash either all of them wait or none does (a new session's first
   * record must not reach the server without its key). Otherwise as {@link add}.
   */
  addAll(items: readonly PushItem[]): Promise<void> {
    return this.#serially(async () => {
      const fresh = items.filter((item) => {
        if (this.#tombstones.has(item.sessionId)) return false;
        const current = this.#waiting.get(outboxKeyOf(item));
        return !(current && (current.version > item.version || (current.version === item.version && current.blob === item.blob)));
      });
      const [only] = fresh;
      if (!only) return;
      const line: OutboxLine = fresh.length === 1 ? { f: OUTBOX_FORMAT, op: 'add', item: only } : { f: OUTBOX_FORMAT, op: 'adds', items: fresh };
      await this.#append(lineOf(line));
      this.#replay(line);
    });
  }

  /**
   * Records the server's answer to a push of `pushed` (the items as sent, in order): items it stored, already had,
   * or refused for a deleted session no longer wait — unless a newer version was added meanwhile, which still does.
   * `stale` and `fenced` items stay for the caller (pull first, or wait for the lease). Returns how many were removed.
   */
  settle(pushed: readonly PushItem[], answer: PushOutput): Promise<number> {
    return this.#serially(async () => {
      const done = pushed.filter((item, index) => {
        const status = answer.results[index]?.status;
        const current = this.#waiting.get(outboxKeyOf(item));
        return status !== undefined && SETTLED.has(status) && current !== undefined && current.version <= item.version;
      });
      if (done.length === 0) return 0;
      const lines = done.map((item) => ({ f: OUTBOX_FORMAT, op: 'done', kind: item.kind, id: item.id, version: item.version }) as const);
      await this.#append(lines.map(lineOf).join(''));
      for (const line of lines) this.#replay(line);
      await this.#compactIfDue();
      return done.length;
    });
  }

  async #compactIfDue(): Promise<void> {
    if (this.#doneLines > COMPACT_AFTER_DONE_LINES && this.#doneLines > this.size) await this.#rewrite();
  }

  #replay(line: OutboxLine): void {
    if (line.op === 'tombstone') {
      this.#tombstones.set(line.tombstone.sessionId, line.tombstone);
      for (const [key, item] of this.#waiting) if (item.sessionId === line.tombstone.sessionId) this.#waiting.delete(key);
      return;
    }
    if (line.op === 'tombstoned') {
      this.#doneLines += 1;
      for (const sessionId of line.sessionIds) this.#tombstones.delete(sessionId);
      return;
    }
    if (line.op === 'add' || line.op === 'adds') {
      for (const item of line.op === 'add' ? [line.item] : line.items) {
        if (this.#tombstones.has(item.sessionId)) continue;
        const key = outboxKeyOf(item);
        const current = this.#waiting.get(key);
        if (!current || current.version <= item.version) this.#waiting.set(key, item);
      }
      return;
    }
    this.#doneLines += 1;
    const key = outboxKeyOf(line);
    const current = this.#waiting.get(key);
    if (current && current.version <= line.version) this.#waiting.delete(key);
  }

  async #append(text: string): Promise<void> {
    try {
      this.#size = await this.#files.append(this.#path, text, this.#cutBack ? this.#size : undefined);
      this.#cutBack = false;
    } catch (error) {
      // Part of the text may be on disk: the next write first cuts the file back to what is known good.
      this.#cutBack = true;
      throw error;
    }
  }

  /** Replaces the file with what waits only. Atomic: a crash leaves the old file or the new one. */
  async #rewrite(): Promise<void> {
    const tombstones = [...this.#tombstones.values()].map((tombstone) => lineOf({ f: OUTBOX_FORMAT, op: 'tombstone', tombstone }));
    const items = [...this.#waiting.values()].map((item) => lineOf({ f: OUTBOX_FORMAT, op: 'add', item }));
    const text = [...tombstones, ...items].join('');
    await this.#files.replace(this.#path, text);
    this.#size = Buffer.byteLength(text, 'utf8');
    this.#cutBack = false;
    this.#doneLines = 0;
  }

  #serially<T>(operation: () => Promise<T>): Promise<T> {
    const result = this.#queue.then(operation, operation);
    this.#queue = result.catch(() => undefined);
    return result;
  }
}

function parseLine(path: string, line: string, index: number): OutboxLine {
  let json: unknown;
  try {
    json = JSON.parse(line);
  } catch {
    throw new SyncStateFileError(path, `line ${index + 1} is not valid JSON`);
  }
  const parsed = OutboxLine.safeParse(json);
  if (!parsed.success) throw new SyncStateFileError(path, `line ${index + 1}: ${formatIssues(parsed.error)}`);
  return parsed.data;
}
