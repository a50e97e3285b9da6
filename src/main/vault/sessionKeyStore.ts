import { MAX_RECORD_VERSION } from '../../shared/vault';
import { errorKind, type Logger } from '../core/logger';
import { additionalData } from './encoding';
import { KeyUnwrapError, RECORD_KEY_USAGES, newWrappableAesKey, unwrapAesKey, wrapAesKey } from './keyWrap';
import { SessionKeyDestroyError } from './sessionKeyDestroyError';
import { SessionKeyError } from './sessionKeyError';
import { durableSessionKeyFileWriter, readSessionKeyState, type SessionKeyFileWriter } from './sessionKeyFile';
import { SessionKeyEntry, type SessionKeyChange, type ShredEntry } from './sessionKeyFileFormat';
import { ShredList, utcDay } from './shredList';
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
   * Keys whose last turn is before this instant are dropped on load — destroyed and listed as shredded, the file
   * rewritten — so a key store restored from an older backup cannot bring back keys that retention already
   * shredded. Null: no retention.
   */
  readonly retentionCutoff: Date | null;
  /** The wall-clock time now: the day recorded for keys dropped on load, and what the shred list's age counts to. */
  readonly now: Date;
}

interface Entry {
  readonly sessionId: string;
  readonly ownerId: string;
  readonly wrappedKey: string;
  lastTurnAtMs: number;
  /** The session record's version anchor; see {@link SessionKeyStore.noteSessionVersion}. */
  rv: number;
}

/** What a caller asks of the next write. */
type WriteRequest =
  | { readonly kind: 'append'; readonly changes: readonly SessionKeyChange[] }
  | { readonly kind: 'rewrite' }
  | { readonly kind: 'destroy'; readonly sessionIds: readonly string[]; readonly day: string }
  /** Nothing new: resolves once everything queued before it is on disk. */
  | { readonly kind: 'flush' };

/** Additional data of a wrapped session key: the key unwraps only as the key of this session for this owner. */
function sessionKeyAdditionalData(sessionId: string, ownerId: string): Uint8Array<ArrayBuffer> {
  return additionalData('cpa.session-key', sessionId, ownerId);
}

/** True when the ids would pass the key store file's own schema. */
function isValidEntryHeader(sessionId: string, ownerId: string): boolean {
  return SessionKeyEntry.shape.sessionId.safeParse(sessionId).success && SessionKeyEntry.shape.ownerId.safeParse(ownerId).success;
}

function requireValidTime(time: Date, name: string): void {
  if (!Number.isFinite(time.getTime())) throw new TypeError(`${name} must be a valid date`);
}

/** Journal lines after which the next write rewrites the whole file instead of appending. */
const MAX_JOURNAL_LINES = 2_000;

/**
 * Per-session keys, kept wrapped by the owner's profile data key in main's data folder (`session-keys.json`:
 * session id, owner id, wrapped key, last turn time, version anchor — no patient data — plus
 * `session-keys.journal`), and the shred list: the sessions whose keys were destroyed on purpose, by UTC day.
 *
 * Destroying a key crypto-shreds every copy of the session's records at once, wherever the ciphertext lies, and
 * lists the session as shredded in the same atomic rewrite. A shredded session never gets a key again, and a
 * refused lookup says which absence it is: `shredded` (its rows may go) or `unknown-session` (no key here, none
 * destroyed here — keep its rows). Retention needs no unlocked profile: the owner and last-turn time are plaintext.
 * Unwrapped keys are cached in memory only while their owner is unlocked; {@link dropUnwrapped} forgets them on
 * lock.
 *
 * Every change is on disk before the call resolves. A new session's key, a new last-turn time and a raised version
 * anchor are appended to the journal with one sync (the cost stays the same with 10,000 sessions kept), changes that
 * arrive together sharing it; destroying keys rewrites the whole file (atomic replace, mode 0600) and empties the
 * journal, because a shredded key must leave every file — so does a journal grown past {@link MAX_JOURNAL_LINES}.
 * A destroy changes memory only once its rewrite is on disk: when the write fails, the keys stay usable and listed,
 * and the call rejects so the caller can retry. Writes are serialized.
 *
 * Warning: {@link load} refuses (and writes nothing) when the file is unreadable or missing beside its journal;
 * start-up must stop there rather than run on an empty store.
 */
export class SessionKeyStore {
  readonly #entries = new Map<string, Entry>();
  /** Sessions destroyed on purpose, as on disk: replaced only after a rewrite carrying the new list succeeded. */
  #shredded = ShredList.empty;
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
  /** Sessions the next write destroys → the UTC day of their destruction. Still in memory until that write is done. */
  #pendingDestroys = new Map<string, string>();
  /** The next write must rewrite the whole file: a write failed part-way, or the files need this build's layout. */
  #rewriteRequested = false;
  /** The latest wall-clock time the store was given (at load, at each destroy): the shred list is pruned by it. */
  #now = new Date(0);
  #generation = 0;
  #journalLines = 0;
  #loaded = false;

  constructor(
    private readonly file: string,
    private readonly logger: Logger,
    private readonly writer: SessionKeyFileWriter = durableSessionKeyFileWriter,
  ) {}

  /**
   * Reads the key store (both files missing: a fresh, empty store) and drops keys past `retentionCutoff`: they are
   * destroyed and join the shred list. Rewrites the file when it dropped keys or the files need it (first start,
   * format 1, a torn or stale journal), so that afterwards the file exists in this build's format. Returns the ids
   * of the sessions it dropped.
   *
   * Throws `KeyStoreFileError`, writing nothing, when the file or its journal cannot be read or is damaged, or when
   * the file is missing while its journal exists: an empty store would report every session as keyless.
   */
  async load(options: SessionKeyLoadOptions): Promise<{ dropped: string[] }> {
    requireValidTime(options.now, 'now');
    const state = await readSessionKeyState(this.file);
    this.#entries.clear();
    this.#unwrapped.clear();
    this.#pendingChanges = [];
    this.#pendingDestroys.clear();
    this.#shredded = ShredList.of(state.shredded);
    this.#generation = state.generation;
    this.#journalLines = state.journalLines;
    this.#now = options.now;
    for (const entry of state.entries) {
      const { sessionId, ownerId, wrappedKey, rv } = entry;
      this.#entries.set(sessionId, { sessionId, ownerId, wrappedKey, rv, lastTurnAtMs: Date.parse(entry.lastTurnAt) });
    }
    const cutoffMs = options.retentionCutoff?.getTime() ?? Number.NEGATIVE_INFINITY;
    const dropped = [...this.#entries.values()].filter((entry) => entry.lastTurnAtMs < cutoffMs).map((entry) => entry.sessionId);
    if (dropped.length > 0) await this.#persist({ kind: 'destroy', sessionIds: dropped, day: utcDay(options.now) });
    else if (state.needsRewrite) await this.#persist({ kind: 'rewrite' });
    if (dropped.length > 0) this.logger.info('vault.keys_dropped_on_load', { count: dropped.length });
    this.#loaded = true;
    return { dropped };
  }

  /**
   * Creates the key of a new session owned by `owner`, stores it wrapped (written to disk before this resolves,
   * so nothing is ever sealed with a key that is not kept) and returns it, unwrapped and non-extractable. Refuses
   * an id that has a key (`exists`) or whose key was destroyed (`shredded`): a shredded session is never re-keyed.
   */
  async create(sessionId: string, owner: UnlockedOwner, lastTurnAt: Date): Promise<CryptoKey> {
    this.#requireLoaded();
    // Checked here because one bad entry would make the whole file unloadable.
    if (!isValidEntryHeader(sessionId, owner.ownerId)) throw new TypeError('create needs a lower-case UUID v4 session id and an owner id of 1–64 characters');
    requireValidTime(lastTurnAt, 'lastTurnAt');
    this.#refuseNewKey(sessionId);
    const generation = this.#generationOf(owner.ownerId);
    const ad = sessionKeyAdditionalData(sessionId, owner.ownerId);
    const wrappedKey = await wrapAesKey(await newWrappableAesKey(RECORD_KEY_USAGES), owner.dataKey, ad);
    // Use the key as unwrapped from its stored form: what is returned is exactly what a later unlock will get.
    const key = await unwrapAesKey(wrappedKey, owner.dataKey, ad, RECORD_KEY_USAGES);
    this.#refuseNewKey(sessionId);
    const entry: Entry = { sessionId, ownerId: owner.ownerId, wrappedKey, lastTurnAtMs: lastTurnAt.getTime(), rv: 0 };
    this.#entries.set(sessionId, entry);
    try {
      await this.#persist({ kind: 'append', changes: [{ op: 'put', entry: stored(entry) }] });
    } catch (error) {
      // Not on disk, so not created: nothing may be sealed with a key that a restart would not find.
      if (this.#entries.get(sessionId) === entry) this.#entries.delete(sessionId);
      throw error;
    }
    // A destroy that shared the write removed it again: hand out nothing for a shredded session.
    if (this.#entries.get(sessionId) !== entry) throw this.#absence(sessionId);
    if (this.#generationOf(owner.ownerId) !== generation) throw new SessionKeyError('locked', sessionId);
    this.#cacheFor(owner).set(sessionId, key);
    return key;
  }

  /**
   * The key of session `sessionId` for `owner`. Refuses, via {@link SessionKeyError}: another owner's session
   * (`other-owner`, FORBIDDEN); a session whose key was destroyed (`shredded`) and one that never had a key here
   * (`unknown-session`), both SESSION_NOT_FOUND.
   */
  async keyFor(sessionId: string, owner: UnlockedOwner): Promise<CryptoKey> {
    this.#requireLoaded();
    const entry = this.#entries.get(sessionId);
    if (!entry) throw this.#absence(sessionId);
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
    if (this.#entries.get(sessionId) !== entry) throw this.#absence(sessionId);
    this.#cacheFor(owner).set(sessionId, key);
    return key;
  }

  /**
   * The stored entry of `sessionId` (its key still wrapped by the owner's data key), or null: what sync sends to the
   * owner's other workstations, where the same data key unwraps it.
   */
  entry(sessionId: string): SessionKeyEntry | null {
    this.#requireLoaded();
    const entry = this.#entries.get(sessionId);
    return entry ? stored(entry) : null;
  }

  /**
   * Keeps a session key that came from the owner's other workstation (sync), wrapped as it came, after checking that
   * `owner`'s data key unwraps it. A session known here only moves its last-turn time; a shredded one is refused
   * (`shredded`): a deleted session never comes back. On disk before this resolves. One entry of {@link adoptAll}.
   */
  async adopt(incoming: SessionKeyEntry, owner: UnlockedOwner): Promise<'added' | 'touched'> {
    const [outcome] = await this.adoptAll([incoming], owner);
    if (outcome instanceof SessionKeyError) throw outcome;
    if (outcome === undefined) throw new Error('adoptAll returned no outcome');
    return outcome;
  }

  /**
   * {@link adopt} for several entries (a pulled page's keys) with one journal write — one sync instead of one per key.
   * Each entry gets the checks of a single adopt, in order: another owner's entry (`other-owner`), a shredded session
   * (`shredded`) and a key the owner's data key does not unwrap (`unwrap-failed`) are refused one by one, returned
   * as that entry's outcome, and the others kept; an entry for a session already known (here, or earlier in the same
   * batch) only moves its last-turn time. The keys checked are cached while the owner stays unlocked, so the records
   * that follow do not unwrap them again.
   *
   * All the changes go into the same append: a crash during it can keep only complete lines before a torn one
   * (dropped on load), and the caller (sync) writes its pull cursor only after this resolved, so the same page comes
   * again and adopts what is missing. Rejects, with nothing kept in memory, when the write fails.
   */
  async adoptAll(incoming: readonly SessionKeyEntry[], owner: UnlockedOwner): Promise<('added' | 'touched' | SessionKeyError)[]> {
    this.#requireLoaded();
    // Before anything changes: one bad time would make the whole file unloadable.
    for (const entry of incoming) requireValidTime(new Date(entry.lastTurnAt), 'lastTurnAt');
    const generation = this.#generationOf(owner.ownerId);
    // The unwrap checks run together (the slow part), each with the single adopt's refusals before it.
    const checked = await Promise.all(
      incoming.map(async (entry): Promise<CryptoKey | SessionKeyError | 'known'> => {
        if (entry.ownerId !== owner.ownerId) return new SessionKeyError('other-owner', entry.sessionId);
        if (this.#entries.has(entry.sessionId)) return 'known';
        if (this.#shredded.has(entry.sessionId)) return new SessionKeyError('shredded', entry.sessionId);
        try {
          return await unwrapAesKey(entry.wrappedKey, owner.dataKey, sessionKeyAdditionalData(entry.sessionId, owner.ownerId), RECORD_KEY_USAGES);
        } catch (error) {
          if (error instanceof KeyUnwrapError) return new SessionKeyError('unwrap-failed', entry.sessionId);
          throw error;
        }
      }),
    );
    // From here on nothing awaits until the write: the store cannot change between these checks and the changes.
    const outcomes: ('added' | 'touched' | SessionKeyError)[] = [];
    const changes: SessionKeyChange[] = [];
    const added: { readonly entry: Entry; readonly key: CryptoKey }[] = [];
    incoming.forEach((entry, index) => {
      const check = checked[index];
      if (check instanceof SessionKeyError) return void outcomes.push(check);
      const known = this.#entries.get(entry.sessionId);
      if (known) {
        // As touch(): never back (a clock set back must not date the last turn into the past).
        known.lastTurnAtMs = Math.max(known.lastTurnAtMs, Date.parse(entry.lastTurnAt));
        changes.push({ op: 'touch', sessionId: entry.sessionId, lastTurnAt: new Date(known.lastTurnAtMs).toISOString() });
        return void outcomes.push('touched');
      }
      // Shredded or re-keyed while the unwraps ran (a destroy completed meanwhile).
      if (this.#shredded.has(entry.sessionId) || check === 'known' || check === undefined) return void outcomes.push(this.#absence(entry.sessionId));
      // The version anchor is this workstation's own (what its page confirmed storing): it starts at 0 here.
      const kept: Entry = { sessionId: entry.sessionId, ownerId: entry.ownerId, wrappedKey: entry.wrappedKey, lastTurnAtMs: Date.parse(entry.lastTurnAt), rv: 0 };
      this.#entries.set(entry.sessionId, kept);
      changes.push({ op: 'put', entry: stored(kept) });
      added.push({ entry: kept, key: check });
      outcomes.push('added');
    });
    if (changes.length === 0) return outcomes;
    try {
      await this.#persist({ kind: 'append', changes });
    } catch (error) {
      for (const { entry } of added) if (this.#entries.get(entry.sessionId) === entry) this.#entries.delete(entry.sessionId);
      throw error;
    }
    // Cached only for the unlock that checked them, and only while they are still kept (a destroy may have shared the write).
    if (this.#generationOf(owner.ownerId) === generation) {
      const cache = this.#cacheFor(owner);
      for (const { entry, key } of added) if (this.#entries.get(entry.sessionId) === entry) cache.set(entry.sessionId, key);
    }
    return outcomes;
  }

  /** Records a new last-turn time for `sessionId` (retention counts from it); an earlier time than the one kept is ignored. */
  async touch(sessionId: string, lastTurnAt: Date): Promise<void> {
    this.#requireLoaded();
    requireValidTime(lastTurnAt, 'lastTurnAt');
    const entry = this.#entries.get(sessionId);
    if (!entry) throw this.#absence(sessionId);
    // Never back: a clock set back must not date the session's last turn into the past (retention would shred it
    // early once the clock is right again).
    entry.lastTurnAtMs = Math.max(entry.lastTurnAtMs, lastTurnAt.getTime());
    const recorded = new Date(entry.lastTurnAtMs).toISOString();
    await this.#persist({ kind: 'append', changes: [{ op: 'touch', sessionId, lastTurnAt: recorded }] });
  }

  /**
   * Raises the rollback anchor of `sessionId` to `rv`, the version counter of its session record that the page
   * confirmed it stored; never lowers it. Journaled like {@link touch} (a burst shares one sync) and on disk before
   * this resolves — also when `rv` is not higher, in which case it waits for the write that carries the higher one.
   * A session without a key here is ignored: there is nothing to anchor.
   */
  async noteSessionVersion(sessionId: string, rv: number): Promise<void> {
    this.#requireLoaded();
    // Checked here because one bad value would make the whole file unloadable.
    if (!Number.isSafeInteger(rv) || rv < 0 || rv > MAX_RECORD_VERSION) throw new TypeError(`rv must be an integer from 0 to ${MAX_RECORD_VERSION}`);
    const entry = this.#entries.get(sessionId);
    if (!entry) return;
    if (rv <= entry.rv) return this.#persist({ kind: 'flush' });
    entry.rv = rv;
    await this.#persist({ kind: 'append', changes: [{ op: 'version', sessionId, rv }] });
  }

  /** The rollback anchor of `sessionId`: the highest session-record version confirmed stored; 0 when none or no key. */
  sessionVersion(sessionId: string): number {
    this.#requireLoaded();
    return this.#entries.get(sessionId)?.rv ?? 0;
  }

  /**
   * Crypto-shreds sessions: removes their keys from disk and lists them as shredded with `at`'s UTC day — one
   * atomic rewrite — then from memory. Every copy of their records becomes unreadable at once. Ids without a key
   * are ignored. Returns the ids it destroyed.
   *
   * Rejects with {@link SessionKeyDestroyError} (STORAGE_FAILED) when the rewrite fails; then nothing is forgotten:
   * the keys are still usable and listed, and the same call may be tried again.
   */
  async destroy(sessionIds: readonly string[], at: Date): Promise<string[]> {
    this.#requireLoaded();
    const day = utcDay(at);
    const targets = [...new Set(sessionIds)].filter((sessionId) => this.#entries.has(sessionId));
    if (targets.length === 0) return [];
    this.#now = at;
    try {
      await this.#persist({ kind: 'destroy', sessionIds: targets, day });
    } catch (error) {
      throw new SessionKeyDestroyError(targets, error);
    }
    return targets;
  }

  /** Destroys every session key of `ownerId` (the profile removal path), as {@link destroy}. Returns the ids. */
  destroyOwner(ownerId: string, at: Date): Promise<string[]> {
    return this.destroy(
      this.list(ownerId).map((info) => info.sessionId),
      at,
    );
  }

  /** True when `sessionId`'s key was destroyed on purpose here (within the shred list's keeping period). */
  isShredded(sessionId: string): boolean {
    this.#requireLoaded();
    return this.#shredded.has(sessionId);
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

  /** Why `sessionId` has no key: destroyed here on purpose, or never known here. */
  #absence(sessionId: string): SessionKeyError {
    return new SessionKeyError(this.#shredded.has(sessionId) ? 'shredded' : 'unknown-session', sessionId);
  }

  #refuseNewKey(sessionId: string): void {
    if (this.#entries.has(sessionId)) throw new SessionKeyError('exists', sessionId);
    if (this.#shredded.has(sessionId)) throw new SessionKeyError('shredded', sessionId);
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
   * Queues `request` for the next write. Callers arriving while a write is queued but not yet started share it (it
   * will include their change), so a burst of new sessions costs one sync, not one each.
   */
  #persist(request: WriteRequest): Promise<void> {
    if (request.kind === 'append') this.#pendingChanges.push(...request.changes);
    else if (request.kind === 'rewrite') this.#rewriteRequested = true;
    else if (request.kind === 'destroy') {
      for (const sessionId of request.sessionIds) if (!this.#pendingDestroys.has(sessionId)) this.#pendingDestroys.set(sessionId, request.day);
    }
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
    const destroys = this.#pendingDestroys;
    this.#pendingChanges = [];
    this.#pendingDestroys = new Map();
    if (destroys.size > 0 || this.#rewriteRequested || this.#journalLines + changes.length > MAX_JOURNAL_LINES) {
      // The snapshot is taken from memory now, so it holds every change queued so far, these included.
      await this.#rewrite(destroys);
      return;
    }
    if (changes.length === 0) return;
    try {
      await this.writer.append(this.file, changes, this.#generation);
    } catch (error) {
      // Part of a line may be on disk: the next write rewrites the whole file from memory instead of appending.
      this.#rewriteRequested = true;
      throw error;
    }
    this.#journalLines += changes.length;
  }

  /**
   * Rewrites the file from memory without the keys of `destroys` (sessionId → day), which join the shred list, and
   * prunes the list by age. Memory follows only once that is on disk: a failed rewrite forgets nothing.
   */
  async #rewrite(destroys: ReadonlyMap<string, string>): Promise<void> {
    this.#rewriteRequested = false;
    const generation = this.#generation + 1;
    const shreds: ShredEntry[] = [];
    for (const [sessionId, day] of destroys) {
      // Another destroy of the same session may have completed since this one was queued.
      const entry = this.#entries.get(sessionId);
      if (entry) shreds.push({ sessionId, ownerId: entry.ownerId, day });
    }
    const shredded = this.#shredded.with(shreds).prunedAt(this.#now);
    const entries = [...this.#entries.values()].filter((entry) => !destroys.has(entry.sessionId)).map(stored);
    try {
      await this.writer.rewrite(this.file, { entries, shredded: shredded.entries() }, generation);
    } catch (error) {
      // The keys stay in memory, usable, and the next write is a full rewrite from memory. Should the file have been
      // replaced but the journal not emptied, a restart before that write finds the keys gone — what was asked.
      this.#rewriteRequested = true;
      throw error;
    }
    for (const { sessionId, ownerId } of shreds) {
      this.#entries.delete(sessionId);
      this.#unwrapped.get(ownerId)?.keys.delete(sessionId);
    }
    this.#shredded = shredded;
    this.#generation = generation;
    this.#journalLines = 0;
  }
}

/** An entry as the file stores it. */
function stored(entry: Entry): SessionKeyEntry {
  return {
    sessionId: entry.sessionId,
    ownerId: entry.ownerId,
    wrappedKey: entry.wrappedKey,
    lastTurnAt: new Date(entry.lastTurnAtMs).toISOString(),
    rv: entry.rv,
  };
}
