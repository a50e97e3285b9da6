import { AppError } from '../../shared/errors';
import type { AuditRecorder } from '../audit/auditRecorder';
import type { Clock } from '../core/clock';
import type { Logger } from '../core/logger';
import type { SessionStore } from '../sessions/sessionStore';
import { SessionKeyError } from '../vault/sessionKeyError';
import type { SessionKeyStore } from '../vault/sessionKeyStore';
import type { HistoryMemory } from './historyMemory';

/** What deleting needs. */
export interface SessionDeleterDeps {
  readonly store: SessionStore;
  readonly keys: SessionKeyStore;
  readonly memory: HistoryMemory;
  readonly audit: AuditRecorder;
  readonly clock: Clock;
  readonly logger: Logger;
}

/**
 * Deleted means deleted — for a clinician's delete and for retention alike. A session goes in this order:
 * 1. it is marked deleted, so nothing more is sealed for it and no key is ever created for it again (the sealer asks
 *    {@link isClosing}; {@link createKey} refuses);
 * 2. its live session leaves memory: a running answer is stopped and will be dropped, turns queued behind it fail,
 *    and a follow-up can no longer send its history to the model;
 * 3. its key is destroyed (crypto-shredding every stored copy at once) and the session joins the key store's shred
 *    list — on disk before this resolves; when that write fails, the key stays and the caller gets the error;
 * 4. what main derived from it while signed in (search index, figures, manifest) is forgotten.
 *
 * Creating a session's key and deleting the session run one at a time per session id: a delete that arrives while the
 * first message is creating the key waits for it and destroys it, never misses it.
 */
export class SessionDeleter {
  /** Sessions being deleted or shredded right now. */
  readonly #closing = new Set<string>();
  /**
   * Sessions deleted while they had no key yet (their first message was still on its way): no key may be created for
   * them later in this run. (A session that had a key is on the key store's shred list, which says the same for good.)
   */
  readonly #deletedWithoutKey = new Set<string>();
  /** Per session id, the key operation (create or destroy) running now: the next one waits for it. */
  readonly #keyOperations = new Map<string, Promise<unknown>>();

  constructor(private readonly deps: SessionDeleterDeps) {}

  /** True while a session is being deleted or shredded, or once it was deleted: seal nothing for it. */
  isClosing(sessionId: string): boolean {
    return this.#closing.has(sessionId) || this.#deletedWithoutKey.has(sessionId);
  }

  /**
   * Runs `create` — the creation of a new session's key — unless the session was deleted or shredded, and never at
   * the same time as its deletion. Throws `SessionKeyError('shredded')` for a deleted session.
   */
  createKey(sessionId: string, create: () => Promise<void>): Promise<void> {
    return this.#serially(sessionId, async () => {
      if (this.isClosing(sessionId) || this.deps.keys.isShredded(sessionId)) throw new SessionKeyError('shredded', sessionId);
      await create();
    });
  }

  /**
   * The clinician deletes their own session. Another clinician's session is `FORBIDDEN`; false when nothing of it
   * was known (neither live nor kept). Audited.
   */
  async delete(sessionId: string, ownerId: string): Promise<boolean> {
    const { store, keys } = this.deps;
    const live = store.live(sessionId, ownerId);
    if (!live && keys.has(sessionId) && !keys.list(ownerId).some((entry) => entry.sessionId === sessionId)) {
      throw new AppError('FORBIDDEN', 'This session belongs to another clinician.');
    }
    this.#closing.add(sessionId);
    let owned: boolean;
    try {
      if (live) store.close(live, 'deleted');
      // After a key creation still in flight for this session (its first message), never beside it.
      owned = await this.#serially(sessionId, async () => {
        const ownsKey = keys.list(ownerId).some((entry) => entry.sessionId === sessionId);
        if (ownsKey) await keys.destroy([sessionId], this.deps.clock.now());
        else if (live) this.#deletedWithoutKey.add(sessionId);
        return ownsKey;
      });
      this.deps.memory.forgetSession(sessionId);
    } finally {
      this.#closing.delete(sessionId);
    }
    const deleted = live !== null || owned;
    if (deleted) this.deps.audit.record({ action: 'session.deleted', profileId: ownerId, objectId: sessionId });
    return deleted;
  }

  /** Retention: shreds these sessions of any clinician (no unlock needed), live ones closed first. */
  async shred(sessionIds: readonly string[]): Promise<void> {
    for (const sessionId of sessionIds) {
      this.#closing.add(sessionId);
      this.deps.store.closeById(sessionId, 'deleted');
    }
    try {
      await this.deps.keys.destroy(sessionIds, this.deps.clock.now());
      for (const sessionId of sessionIds) this.deps.memory.forgetSession(sessionId);
    } finally {
      for (const sessionId of sessionIds) this.#closing.delete(sessionId);
    }
  }

  /** Runs `operation` once the key operation running for `sessionId` (if any) has settled. */
  #serially<T>(sessionId: string, operation: () => Promise<T>): Promise<T> {
    const before = this.#keyOperations.get(sessionId) ?? Promise.resolve();
    const run = before.then(operation, operation);
    const settled = run.catch(() => undefined);
    this.#keyOperations.set(sessionId, settled);
    void settled.then(() => {
      if (this.#keyOperations.get(sessionId) === settled) this.#keyOperations.delete(sessionId);
    });
    return run;
  }
}
