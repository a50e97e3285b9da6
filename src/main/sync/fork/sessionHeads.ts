import type { SealedRecordV2 } from '../../../shared/vault';
import type { SyncedItem } from '../envelope/syncItems';

/**
 * Per session, the newest session record this workstation sealed and the newest one it pulled, during one sign-in:
 * the two sides the fork step compares. Sealed records only — no plaintext — and gone with the connection at lock.
 * After a restart the outbox's stale copy stands for the sealed side, and the pulled side comes back from
 * pulledHeadsFile.ts (the pull cursor has moved past it: it would never be pulled again) — for that, the envelope
 * each pulled head came in is kept too.
 */
export class SessionHeads {
  readonly #sealed = new Map<string, SealedRecordV2>();
  readonly #pulled = new Map<string, { readonly record: SealedRecordV2; readonly sealed: SyncedItem | null }>();
  #changed = false;

  /** Main sealed `record` here (a session record; anything else is ignored). */
  noteSealed(record: SealedRecordV2): void {
    if (record.kind === 'session' && isNewer(this.#sealed.get(record.sessionId), record)) this.#sealed.set(record.sessionId, record);
  }

  /**
   * `record` was pulled and opened with main's keys (a session record; anything else is ignored); `sealed` is the
   * envelope it came in, as the server gave it (what pulledHeadsFile.ts stores), null when there is none.
   */
  notePulled(record: SealedRecordV2, sealed: SyncedItem | null = null): void {
    if (record.kind !== 'session' || !isNewer(this.#pulled.get(record.sessionId)?.record, record)) return;
    this.#pulled.set(record.sessionId, { record, sealed });
    this.#changed = true;
  }

  sealed(sessionId: string): SealedRecordV2 | null {
    return this.#sealed.get(sessionId) ?? null;
  }

  pulled(sessionId: string): SealedRecordV2 | null {
    return this.#pulled.get(sessionId)?.record ?? null;
  }

  /** The envelopes of the pulled heads of the sessions `keep` names (those that came with one). */
  pulledEnvelopes(keep: (sessionId: string) => boolean): SyncedItem[] {
    return [...this.#pulled.entries()].flatMap(([sessionId, head]) => (head.sealed !== null && keep(sessionId) ? [head.sealed] : []));
  }

  /** True when a pulled head changed since {@link saved}. */
  get changed(): boolean {
    return this.#changed;
  }

  /** The pulled heads were stored. */
  saved(): void {
    this.#changed = false;
  }
}

function isNewer(known: SealedRecordV2 | undefined, record: SealedRecordV2): boolean {
  return !known || known.rv < record.rv || (known.rv === record.rv && known.updatedAt <= record.updatedAt);
}
