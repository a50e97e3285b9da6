import type { ManifestEntry } from '../../shared/vault';

/** One record's version as the session's manifest lists it. */
interface Versioned {
  readonly seq: number;
  rv: number;
}

/**
 * The version counters of one kept session's records, as main last sealed them — the session record's own counter
 * and its manifest of turn records (id, seq, rv). Main seals every record of a session with the next counter, lists
 * each turn record in the session record's payload, and later refuses a stored copy older than what it lists.
 *
 * Versions move in two steps: {@link nextSession} / {@link nextTurn} give the counters for a delivery, and
 * {@link commit} makes them the session's state once the page did not refuse it — a delivery the page could not
 * store is {@link discard}ed, so the next session record lists only what the page may hold. Deliveries of one session
 * never overlap (one turn at a time), so one pending delivery at a time is enough.
 */
export class SessionRecordVersions {
  #sessionRv: number;
  readonly #turns: Map<string, Versioned>;
  #pending: { sessionRv: number | null; turns: Map<string, Versioned> } | null = null;
  /**
   * The highest counter ever handed out per record id (the session record under its own id). A discarded delivery
   * may still have reached the page's disk in part of a crash window, so a counter is never handed out twice: two
   * different versions of a record never share one.
   */
  readonly #issued = new Map<string, number>();
  readonly #sessionId: string;
  #lastStampMs = Number.NEGATIVE_INFINITY;

  /** Starts from what main read back from history (resume) or from nothing (a new session `sessionId`). */
  constructor(sessionId: string, sessionRv = 0, turns: readonly ManifestEntry[] = []) {
    this.#sessionId = sessionId;
    this.#sessionRv = sessionRv;
    this.#turns = new Map(turns.map((entry) => [entry.id, { seq: entry.seq, rv: entry.rv }]));
  }

  /**
   * The `updatedAt` for a record sealed now: the wall time, but never earlier than (or equal to) the last one handed
   * out for this session. A reader takes a turn's newest answer by `updatedAt`; a wall clock stepped back must not
   * make the answer the clinician chose last look older than the one they left.
   */
  stamp(now: Date): string {
    this.#lastStampMs = Math.max(now.getTime(), this.#lastStampMs + 1);
    return new Date(this.#lastStampMs).toISOString();
  }

  /** Raises the last `updatedAt` handed out to at least `time` (a resumed session's newest record). */
  noteStamp(time: string): void {
    const ms = Date.parse(time);
    if (Number.isFinite(ms)) this.#lastStampMs = Math.max(this.#lastStampMs, ms);
  }

  /** The counter for the next seal of the session record (part of the pending delivery). */
  nextSession(): number {
    const pending = this.#pendingDelivery();
    pending.sessionRv ??= this.#issue(this.#sessionId, this.#sessionRv);
    return pending.sessionRv;
  }

  /** The counter for the next seal of turn record `id` at `seq` (part of the pending delivery). */
  nextTurn(id: string, seq: number): number {
    const pending = this.#pendingDelivery();
    const known = pending.turns.get(id);
    if (known) return known.rv;
    const rv = this.#issue(id, this.#turns.get(id)?.rv ?? 0);
    pending.turns.set(id, { seq, rv });
    return rv;
  }

  /** One more than both the committed counter and any counter already handed out for `id`. */
  #issue(id: string, committed: number): number {
    const rv = Math.max(committed, this.#issued.get(id) ?? 0) + 1;
    this.#issued.set(id, rv);
    return rv;
  }

  /**
   * The manifest the session record of the pending delivery carries: every committed turn record plus the ones in
   * this delivery, with their new counters, in seq order.
   */
  manifest(): ManifestEntry[] {
    const merged = new Map(this.#turns);
    for (const [id, versioned] of this.#pending?.turns ?? []) merged.set(id, versioned);
    return [...merged.entries()].map(([id, { seq, rv }]) => ({ id, seq, rv })).sort((a, b) => a.seq - b.seq || (a.id < b.id ? -1 : 1));
  }

  /** The pending delivery was stored (or may have been): its counters become the session's. */
  commit(): void {
    const pending = this.#pending;
    this.#pending = null;
    if (!pending) return;
    if (pending.sessionRv !== null) this.#sessionRv = pending.sessionRv;
    for (const [id, versioned] of pending.turns) this.#turns.set(id, versioned);
  }

  /** The pending delivery was refused or never reached the page: nothing of it counts. */
  discard(): void {
    this.#pending = null;
  }

  /** The session record's committed counter. */
  get sessionVersion(): number {
    return this.#sessionRv;
  }

  #pendingDelivery(): { sessionRv: number | null; turns: Map<string, Versioned> } {
    this.#pending ??= { sessionRv: null, turns: new Map() };
    return this.#pending;
  }
}

/**
 * The version counters of every live kept session, held beside the session (not in the engine's own object, which
 * knows nothing of sealing) and gone with it when the session leaves memory.
 */
export class RecordVersionsRegistry {
  readonly #bySession = new WeakMap<object, SessionRecordVersions>();

  /** True once the session's first delivery was prepared, or it was resumed from history. */
  has(session: { readonly id: string }): boolean {
    return this.#bySession.has(session);
  }

  /** The session's counters, started afresh for a session main has not sealed anything of yet. */
  of(session: { readonly id: string }): SessionRecordVersions {
    let versions = this.#bySession.get(session);
    if (!versions) this.#bySession.set(session, (versions = new SessionRecordVersions(session.id)));
    return versions;
  }

  /** Sets the counters of a session resumed from history. */
  seed(session: { readonly id: string }, versions: SessionRecordVersions): void {
    this.#bySession.set(session, versions);
  }
}
