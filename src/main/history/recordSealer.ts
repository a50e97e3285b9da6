import { AppError } from '../../shared/errors';
import type { SealedRecordV2, SessionPayload, TurnPayload } from '../../shared/vault';
import type { Clock } from '../core/clock';
import { sealRecord, type SealedRecordHeader } from '../vault/recordCrypto';
import { SessionKeyError } from '../vault/sessionKeyError';
import type { SessionKeyStore } from '../vault/sessionKeyStore';
import type { UnlockedOwner } from '../vault/unlockedOwner';

/**
 * Seals records for the signed-in clinician — main only, never on a page's say-so.
 *
 * A session's key is created once, explicitly, for its first record ({@link startSession}); every other seal uses the
 * key that exists and fails when there is none. So a turn that ends after its session was deleted or shredded can
 * never bring the session back under a new key: its seal fails (`shredded`) and the caller drops it.
 */
export interface RecordSealer {
  /** Creates the key of a new session for its first record. Refuses an id that was ever shredded, or has a key. */
  startSession(sessionId: string): Promise<void>;
  /** Seals `payload` under the existing key of `header.sessionId`; the header's owner must be the signed-in one. */
  seal(header: SealedRecordHeader, payload: SessionPayload | TurnPayload): Promise<SealedRecordV2>;
  /** Throws unless the signed-in clinician's session `sessionId` still has its key (not deleted, not shredded). */
  confirmKept(sessionId: string): Promise<void>;
}

/** What the sealer needs. */
export interface RecordSealerDeps {
  readonly keys: SessionKeyStore;
  /** The signed-in clinician (throws LOCKED when none). */
  readonly owner: () => UnlockedOwner;
  /** True for a session being deleted or shredded (or deleted already): nothing more is sealed for it, even before its key is gone. */
  readonly isClosing: (sessionId: string) => boolean;
  /**
   * Runs the creation of a new session's key so that it never overlaps the session's deletion (the deleter's
   * `createKey`); refuses a deleted session.
   */
  readonly guardKeyCreation: (sessionId: string, create: () => Promise<void>) => Promise<void>;
  readonly clock: Clock;
}

/** The {@link RecordSealer} over the key store. */
export function createRecordSealer(deps: RecordSealerDeps): RecordSealer {
  const refuseClosed = (sessionId: string): void => {
    if (deps.isClosing(sessionId) || deps.keys.isShredded(sessionId)) throw new SessionKeyError('shredded', sessionId);
  };
  return {
    async startSession(sessionId) {
      refuseClosed(sessionId);
      const owner = deps.owner();
      await deps.guardKeyCreation(sessionId, async () => {
        await deps.keys.create(sessionId, owner, deps.clock.now());
      });
    },
    async seal(header, payload) {
      const owner = deps.owner();
      if (header.ownerId !== owner.ownerId) throw new AppError('FORBIDDEN', 'This session belongs to another clinician.');
      refuseClosed(header.sessionId);
      const key = await deps.keys.keyFor(header.sessionId, owner);
      // Checked again after the (possibly awaited) key lookup: a delete that started meanwhile wins.
      refuseClosed(header.sessionId);
      return sealRecord(key, header, payload);
    },
    async confirmKept(sessionId) {
      refuseClosed(sessionId);
      await deps.keys.keyFor(sessionId, deps.owner());
      refuseClosed(sessionId);
    },
  };
}
