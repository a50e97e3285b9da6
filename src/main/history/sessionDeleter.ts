import { AppError } from '../../shared/errors';
import type { AuditRecorder } from '../audit/auditRecorder';
import type { Clock } from '../core/clock';
import type { Logger } from '../core/logger';
import type { SessionStore } from '../sessions/sessionStore';
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
 * 1. it is marked closing, so nothing more is sealed for it (the sealer asks {@link isClosing});
 * 2. its live session leaves memory: a running answer is stopped and will be dropped, turns queued behind it fail,
 *    and a follow-up can no longer send its history to the model;
 * 3. its key is destroyed (crypto-shredding every stored copy at once) and the session joins the key store's shred
 *    list — on disk before this resolves; when that write fails, the key stays and the caller gets the error;
 * 4. what main derived from it while signed in (search index, figures, manifest) is forgotten.
 */
export class SessionDeleter {
  readonly #closing = new Set<string>();

  constructor(private readonly deps: SessionDeleterDeps) {}

  /** True while a session is being deleted or shredded: seal nothing for it. */
  isClosing(sessionId: string): boolean {
    return this.#closing.has(sessionId);
  }

  /**
   * The clinician deletes their own session. Another clinician's session is `FORBIDDEN`; false when nothing of it
   * was known (neither live nor kept). Audited.
   */
  async delete(sessionId: string, ownerId: string): Promise<boolean> {
    const { store, keys } = this.deps;
    const live = store.live(sessionId, ownerId);
    const owned = keys.list(ownerId).some((entry) => entry.sessionId === sessionId);
    if (!owned && keys.has(sessionId)) throw new AppError('FORBIDDEN', 'This session belongs to another clinician.');
    this.#closing.add(sessionId);
    try {
      if (live) store.close(live, 'deleted');
      if (owned) await keys.destroy([sessionId], this.deps.clock.now());
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
}
