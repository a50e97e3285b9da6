import { errorKind, type Logger } from '../core/logger';
import { additionalData } from './encoding';
import { KeyUnwrapError, RECORD_KEY_USAGES, newWrappableAesKey, unwrapAesKey, wrapAesKey } from './keyWrap';
import { SessionKeyError } from './sessionKeyError';
import { SessionKeyEntry, appendSessionKeyChanges, readSessionKeyState, writeSessionKeyFile, type SessionKeyChange } from './sessionKeyFile';
import type { UnlockedOwner } from './unlockedOwner';
import type { CryptoKey } from './webCryptoTypes';

/** What the key store tells about a session without any key: who owns it and when its last turn was. */
export interface SessionKeyInfo {
  readonly sessionId: string;
  readonly ownerId: string;
  readonly lastTurnAt: Date;
}

/** Options of {@link SessionKeyStore.load}. */
export interface SessionKeyLoadOptions {
  /**
   * Keys whose last turn is before this instant are dropped on load (and the file rewritten), so a key store
   * restored from an older backup cannot bring back keys that retention already shredded. Null: no retention.
   */
  readonly retentionCutoff: Date | null;
}

interface Entry {
  readonly sessionId: string;
  readonly ownerId: string;
  readonly wrappedKey: string;
  lastTurnAtMs: number;
}

/** Additional data of a wrapped session key: the key unwraps only as the key of this session for this owner. */
function sessionKeyAdditionalData(sessionId: string, ownerId: string): Uint8Array<ArrayBuffer> {
  return additionalData('cpa.session-key', sessionId, ownerId);
}

/** True when the ids would pass the key store file's own schema. */
function isValidEntryHeader(sessionId: string, ownerId: string): boolean {
  return SessionKeyEntry.shape.sessionId.safeParse(sessionId).success && SessionKeyEntry.shape.ownerId.safeParse(ownerId).success;
}

function requireValidTime(time: Date): void {
  if (!Number.isFinite(time.getTime())) throw new TypeError('lastTurnAt must be a valid date');
}

/** Journal lines after which the next write rewrites the whole file instead of appending. */
const MAX_JOURNAL_LINES = 2_000;

/**
 * Per-session keys, kept wrapped by the owner's profile data key in main's data folder (`session-keys.json`:
 * session id, owner id, wrapped key, last turn time — no patient data — plus `session-keys.journal`).
 *
 * Destroying a key crypto-shreds every copy of the session's records at once, wherever the ciphertext lies. Retention
 * needs no unlocked profile: the owner and last-turn time are plaintext. Unwrapped keys are cached in memory only
 * while their owner is unlocked; {@link dropUnwrapped} forgets them on lock.
 *
 * Every change is on disk before the call resolves. A new session's key and a new last-turn time are appended to
 * the journal with one sync (the cost stays the same with 10,000 sessions kept), changes that arrive together
 * sharing it; destroying keys rewrites the whole file (atomic replace, mode 0600) and empties the journal, because a
 * shredded key must leave every file — so does a journal grown past {@link MAX_JOURNAL_LINES}. Writes are serialized.
 */
export class SessionKeyStore {
  readonly #entries = new Map<string, Entry>();
  /** The next write, queued behind the running one and not started yet, or null. */
  #queuedWrite: Promise<void> | null = null;
  /**
   * ownerId → the data key that unwrapped them and sessionId → unwrapped, non-extractable record key. A call with
   * another data key for the same owner id does not get cached keys: it must unwrap for itself, and fails if its
   * key is not the owner's.
   */
  readonly #unwrapped = new Map<string, { readonly dataKey: CryptoKey; readonly keys: Map<string, CryptoKey> }>();
  /** Bumped on every lock of an owner, so an unwrap that was in flight across a lock is not cached or returned. */
  readonly #lockGeneration = new Map<string, number>();
  #writes: Promise<void> = Promise.resolve();
  /** Changes waiting for the next write to append them to the journal. */
  #pendingChanges: SessionKeyChange[] = [];
  /** The next write must rewrite the whole file: keys were destroyed, or a write failed part-way. */
  #rewriteRequested = false;
  #generation = 0;
  #journalLines = 0;
  #loaded = false;

  constructor(
    private readonly file: string,
    private readonly logger: Logger,
  ) {}

  /**
   * Reads the key store file (a missing file is an empty store) and drops keys past `retentionCutoff`, rewriting
   * the file when it did. Returns the ids of the sessions it dropped, so their ciphertext can be deleted too.
   * Throws `KeyStoreFileError` when the file is unreadable: it is never silently treated as empty.
   */
  async load(options: SessionKeyLoadOptions): Promise<{ dropped: string[] }> {
    const state = await readSessionKeyState(this.file);
    const stored = state.entries;
    this.#generation = state.generation;
    this.#journalLines = state.journalLines;
    this.#entries.clear();
    this.#unwrapped.clear();
    const cutoffMs = options.retentionCutoff?.getTime() ?? Number.NEGATIVE_INFINITY;
    const dropped: string[] = [];
    for (const entry of stored) {
      const lastTurnAtMs = Date.parse(entry.lastTurnAt);
      if (lastTurnAtMs < cutoffMs) {
        dropped.push(entry.sessionId);
        continue;
      }
      this.#entries.set(entry.sessionId, { ...entry, lastTurnAtMs });
    }
    this.#loaded = true;
    if (dropped.length > 0 || state.needsRewrite) {
      await this.#persist('rewrite');
      if (dropped.length > 0) this.logger.info('vault.keys_dropped_on_load', { count: dropped.length });
    }
    return { dropped };
  }

  /**
   * Creates the key of a new session owned by `owner`, stores it wrapped (written to disk before this resolves,
   * so nothing is ever sealed with a key that is not kept) and returns it, unwrapped and non-extractable.
   */
  async create(sessionId: string, owner: UnlockedOwner, lastTurnAt: Date): Promise<CryptoKey> {
    this.#requireLoaded();
    // Checked here because one bad entry would make the whole file unloadable.
    if (!isValidEntryHeader(sessionId, owner.ownerId)) throw new TypeError('create needs a lower-case UUID v4 session id and an owner id of 1–64 characters');
    requireValidTime(lastTurnAt);
    if (this.#entries.has(sessionId)) throw new SessionKeyError('exists', sessionId);
    const generation = this.#generationOf(owner.ownerId);
    const ad = sessionKeyAdditionalData(sessionId, owner.ownerId);
    const wrappedKey = await wrapAesKey(await newWrappableAesKey(RECORD_KEY_USAGES), owner.dataKey, ad);
    // Use the key as unwrapped from its stored form: what is returned is exactly what a later unlock will get.
    const key = await unwrapAesKey(wrappedKey, owner.dataKey, ad, RECORD_KEY_USAGES);
    if (this.#entries.has(sessionId)) throw new SessionKeyError('exists', sessionId);
    const entry: Entry = { sessionId, ownerId: owner.ownerId, wrappedKey, lastTurnAtMs: lastTurnAt.getTime() };
    this.#entries.set(sessionId, entry);
    try {
      await this.#persist({ op: 'put', entry: stored(entry) });
    } catch (error) {
      // Not on disk, so not created: nothing may be sealed with a key that a restart would not find.
      if (this.#entries.get(sessionId) === entry) this.#entries.delete(sessionId);
      throw error;
    }
    if (this.#generationOf(owner.ownerId) !== generation) throw new SessionKeyError('locked', sessionId);
    this.#cacheFor(owner).set(sessionId, key);
    return key;
  }

  /**
   * The key of session `sessionId` for `owner`. Refuses another owner's session (`FORBIDDEN`) and an unknown or
   * shredded one (`SESSION_NOT_FOUND`), via {@link SessionKeyError}.
   */
  async keyFor(sessionId: string, owner: UnlockedOwner): Promise<CryptoKey> {
    this.#requireLoaded();
    const entry = this.#entries.get(sessionId);
    if (!entry) throw new SessionKeyError('unknown-session', sessionId);
    if (entry.ownerId !== owner.ownerId) throw new SessionKeyError('other-owner', sessionId);
    const cache = this.#unwrapped.get(owner.ownerId);
    const cached = cache?.dataKey === owner.dataKey ? cache.keys.get(sessionId) : undefined;
    if (cached) return cached;

    const generation = this.#generationOf(owner.ownerId);
    let key: CryptoKey;
    try {
      key = await unwrapAesKey(entry.wrappedKey, owner.dataKey, sessionKeyAdditionalData(sessionId, owner.ownerId), RECORD_KEY_USAGES);
    } catch (error) {
      if (error instanceof KeyUnwrapError) throw new SessionKeyError('unwrap-failed', sessionId);
      throw error;
    }
    if (this.#generationOf(owner.ownerId) !== generation) throw new SessionKeyError('locked', sessionId);
    if (this.#entries.get(sessionId) !== entry) throw new SessionKeyError('unknown-session', sessionId);
    this.#cacheFor(owner).set(sessionId, key);
    return key;
  }

  /** Records a new last-turn time for `sessionId` (retention counts from it). */
  async touch(sessionId: string, lastTurnAt: Date): Promise<void> {
    this.#requireLoaded();
    requireValidTime(lastTurnAt);
    const entry = this.#entries.get(sessionId);
    if (!entry) throw new SessionKeyError('unknown-session', sessionId);
    entry.lastTurnAtMs = lastTurnAt.getTime();
    await this.#persist({ op: 'touch', sessionId, lastTurnAt: lastTurnAt.toISOString() });
  }

  /**
   * Crypto-shreds sessions: removes their keys from memory and from disk before resolving. Every copy of their
   * records becomes unreadable at once. Unknown ids are ignored. Returns the ids it destroyed.
   */
  async destroy(sessionIds: readonly string[]): Promise<string[]> {
    this.#requireLoaded();
    const destroyed: string[] = [];
    for (const sessionId of sessionIds) {
      const entry = this.#entries.get(sessionId);
      if (!entry) continue;
      this.#entries.delete(sessionId);
      this.#unwrapped.get(entry.ownerId)?.keys.delete(sessionId);
      destroyed.push(sessionId);
    }
    // A retry after a failed write finds nothing left in memory but must still get the removal onto disk.
    if (destroyed.length > 0 || this.#rewriteRequested) await this.#persist('rewrite');
    return destroyed;
  }

  /** Destroys every session key of `ownerId` (the profile removal path). Returns the ids it destroyed. */
  destroyOwner(ownerId: string): Promise<string[]> {
    return this.destroy(this.list(ownerId).map((info) => info.sessionId));
  }

  /** Ids of the sessions, of every owner, whose last turn is before `cutoff`. Needs no unlocked profile. */
  expiredBefore(cutoff: Date): string[] {
    this.#requireLoaded();
    const cutoffMs = cutoff.getTime();
    return [...this.#entries.values()].filter((entry) => entry.lastTurnAtMs < cutoffMs).map((entry) => entry.sessionId);
  }

  /** The earliest last-turn time of any kept key (ms since the epoch), or null when none: retention aims at it. */
  oldestLastTurnAt(): number | null {
    this.#requireLoaded();
    let oldest: number | null = null;
    for (const entry of this.#entries.values()) if (oldest === null || entry.lastTurnAtMs < oldest) oldest = entry.lastTurnAtMs;
    return oldest;
  }

  /** The sessions of `ownerId`: ids and last-turn times, never key material. */
  list(ownerId: string): SessionKeyInfo[] {
    this.#requireLoaded();
    return [...this.#entries.values()]
      .filter((entry) => entry.ownerId === ownerId)
      .map((entry) => ({ sessionId: entry.sessionId, ownerId: entry.ownerId, lastTurnAt: new Date(entry.lastTurnAtMs) }));
  }

  /** True when a key for `sessionId` is kept (of any owner). */
  has(sessionId: string): boolean {
    return this.#entries.has(sessionId);
  }

  /** Forgets every unwrapped key of `ownerId` (on lock). Unwraps in flight for that owner fail with `LOCKED`. */
  dropUnwrapped(ownerId: string): void {
    this.#unwrapped.delete(ownerId);
    this.#lockGeneration.set(ownerId, this.#generationOf(ownerId) + 1);
  }

  #generationOf(ownerId: string): number {
    return this.#lockGeneration.get(ownerId) ?? 0;
  }

  /** The cache of `owner`'s unwrapped keys, started afresh when the data key is not the one it was filled with. */
  #cacheFor(owner: UnlockedOwner): Map<string, CryptoKey> {
    let cache = this.#unwrapped.get(owner.ownerId);
    if (cache?.dataKey !== owner.dataKey) {
      cache = { dataKey: owner.dataKey, keys: new Map() };
      this.#unwrapped.set(owner.ownerId, cache);
    }
    return cache.keys;
  }

  #requireLoaded(): void {
    if (!this.#loaded) throw new Error('SessionKeyStore.load() must run before the store is used');
  }

  /**
   * Queues `change` (or a full rewrite) for the next write. Callers arriving while a write is queued but not yet
   * started share it (it will include their change), so a burst of new sessions costs one sync, not one each.
   */
  #persist(change: SessionKeyChange | 'rewrite'): Promise<void> {
    if (change === 'rewrite') this.#rewriteRequested = true;
    else this.#pendingChanges.push(change);
    if (this.#queuedWrite) return this.#queuedWrite;
    const run = this.#writes.then(() => {
      this.#queuedWrite = null;
      return this.#writeOut();
    });
    this.#queuedWrite = run;
    this.#writes = run.then(
      () => undefined,
      (error: unknown) => {
        this.logger.error('vault.keys_write_failed', { error: errorKind(error) });
      },
    );
    return run;
  }

  /** Appends the queued changes to the journal, or rewrites the whole file when that is due. */
  async #writeOut(): Promise<void> {
    const changes = this.#pendingChanges;
    this.#pendingChanges = [];
    if (this.#rewriteRequested || this.#journalLines + changes.length > MAX_JOURNAL_LINES) {
      // The snapshot is taken now, so it holds every change queued so far, these included.
      this.#rewriteRequested = false;
      const generation = this.#generation + 1;
      try {
        await writeSessionKeyFile(this.file, this.#snapshot(), generation);
      } catch (error) {
        this.#rewriteRequested = true;
        throw error;
      }
      this.#generation = generation;
      this.#journalLines = 0;
      return;
    }
    try {
      await appendSessionKeyChanges(this.file, changes, this.#generation);
    } catch (error) {
      // Part of a line may be on disk: the next write rewrites the whole file from memory instead of appending.
      this.#rewriteRequested = true;
      throw error;
    }
    this.#journalLines += changes.length;
  }

  #snapshot(): SessionKeyEntry[] {
    return [...this.#entries.values()].map(stored);
  }
}

/** An entry as the file stores it. */
function stored(entry: Entry): SessionKeyEntry {
  return { sessionId: entry.sessionId, ownerId: entry.ownerId, wrappedKey: entry.wrappedKey, lastTurnAt: new Date(entry.lastTurnAtMs).toISOString() };
}
