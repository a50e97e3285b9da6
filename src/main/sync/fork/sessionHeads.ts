import type { SealedRecordV2 } from '../../../shared/vault';

/**
 * Per session, the newest session record this workstation sealed and the newest one it pulled, during one sign-in:
 * the two sides the fork step compares. Sealed records only — no plaintext — and gone with the connection at lock.
 * (After a restart the outbox's stale copy stands for the sealed side; the pulled side comes with the next change.)
 */
export class SessionHeads {
  readonly #sealed = new Map<string, SealedRecordV2>();
  readonly #pulled = new Map<string, SealedRecordV2>();

  /** Main sealed `record` here (a session record; anything else is ignored). */
  noteSealed(record: SealedRecordV2): void {
    if (record.kind === 'session') keepNewest(this.#sealed, record);
  }

  /** `record` was pulled and opened with main's keys (a session record; anything else is ignored). */
  notePulled(record: SealedRecordV2): void {
    if (record.kind === 'session') keepNewest(this.#pulled, record);
  }

  sealed(sessionId: string): SealedRecordV2 | null {
    return this.#sealed.get(sessionId) ?? null;
  }

  pulled(sessionId: string): SealedRecordV2 | null {
    return this.#pulled.get(sessionId) ?? null;
  }
}

function keepNewest(map: Map<string, SealedRecordV2>, record: SealedRecordV2): void {
  const known = map.get(record.sessionId);
  if (!known || known.rv < record.rv || (known.rv === record.rv && known.updatedAt <= record.updatedAt)) map.set(record.sessionId, record);
}
