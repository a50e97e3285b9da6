import { AppError } from '../../shared/errors';
import type { Patient } from '../../shared/patient';
import type { SessionInfo } from '../../shared/sessions';
import type { Logger } from '../core/logger';
import type { Clock, TimerHandle } from '../core/clock';
import type { ExpiredSession, ExpiryReason, LatestAnswer, LatestTurn, Session, SessionClosure } from './session';
import { TurnQueue } from './turnQueue';
import { stopRunningTurn } from './turnStop';

/** Mints ids; `crypto.randomUUID()` in the app (UUID v4 from a CSPRNG), injectable for tests. */
export type IdSource = () => string;

/** Memory limits of the live set. Timeouts manage memory; the security control is the idle lock (profiles). */
export interface SessionLimits {
  readonly idleTimeoutMs: number;
  readonly absoluteTimeoutMs: number;
  readonly maxLiveSessions: number;
}

/**
 * The latest turn's answers as a resumed session's history holds them (each opened, so authenticated, by main): its
 * seq, the one the next follow-up builds on, and every answer with how it ended.
 */
export interface RestoredLatest {
  readonly seq: number;
  readonly liveTurnId: string;
  readonly answers: readonly LatestAnswer[];
}

/** How many expired ids main remembers, so `sessions.get` can say "expired" rather than "unknown". */
export const REMEMBERED_EXPIRED_SESSIONS = 10_000;

/**
 * The live sessions. Ids are minted here and only here: an id main does not know is `SESSION_NOT_FOUND`, never a
 * new session on the caller's say-so, and another owner's session is `FORBIDDEN`.
 *
 * Sessions are kept twice in order — by last access (for the idle timeout and least-recently-used eviction) and
 * by creation (for the absolute timeout) — so a sweep looks only at the oldest entries of each and stops at the
 * first one that is not due. One timer, aimed at the next expiry, runs the sweep. A session with a turn running
 * or queued is never expired or evicted.
 */
export class SessionStore {
  readonly #byAccess = new Map<string, Session>();
  readonly #byCreation = new Map<string, Session>();
  readonly #expired = new Map<string, ExpiredSession>();
  #timer: TimerHandle | null = null;
  #timerDueMono = Number.POSITIVE_INFINITY;
  #disposed = false;

  constructor(
    private readonly clock: Clock,
    private readonly newId: IdSource,
    private readonly limits: SessionLimits,
    private readonly logger: Logger,
  ) {}

  /** Opens a session for `ownerId` with a freshly minted id, evicting the least recently used idle one at the cap. */
  create(ownerId: string, patient: Patient, options: { doNotKeep?: boolean } = {}): Session {
    if (this.#byAccess.size >= this.limits.maxLiveSessions) this.#evictLeastRecentlyUsed();
    const now = this.clock.now();
    const mono = this.clock.monotonicMs();
    const session: Session = {
      id: this.newId(),
      ownerId,
      createdAt: now,
      createdMono: mono,
      lastAccessAt: now,
      lastAccessMono: mono,
      patient,
      doNotKeep: options.doNotKeep ?? false,
      turns: [],
      latest: null,
      windowStart: 0,
      queue: new TurnQueue(this.clock),
      activeTurn: null,
      closed: null,
    };
    this.#byAccess.set(session.id, session);
    this.#byCreation.set(session.id, session);
    this.#reschedule();
    return session;
  }

  /**
   * Brings a session back into memory under its own id — only from history main has just opened, and so
   * authenticated (never on a caller's say-so). Returns the live session if it is already there.
   */
  restore(saved: { id: string; ownerId: string; createdAt: Date; patient: Patient; turns: Session['turns']; latest?: RestoredLatest | null }): Session {
    const live = this.#byAccess.get(saved.id);
    if (live) {
      if (live.ownerId !== saved.ownerId) throw new AppError('FORBIDDEN', 'This session belongs to another clinician.');
      return live;
    }
    if (this.#byAccess.size >= this.limits.maxLiveSessions) this.#evictLeastRecentlyUsed();
    const now = this.clock.now();
    const mono = this.clock.monotonicMs();
    const session: Session = {
      id: saved.id,
      ownerId: saved.ownerId,
      createdAt: saved.createdAt,
      // The absolute limit counts from the resume: it bounds how long a session stays in memory, not its history.
      createdMono: mono,
      lastAccessAt: now,
      lastAccessMono: mono,
      patient: saved.patient,
      // Only kept sessions have history to be restored from.
      doNotKeep: false,
      turns: saved.turns,
      latest: restoredLatest(saved.turns, saved.patient, saved.latest ?? null),
      windowStart: 0,
      queue: new TurnQueue(this.clock),
      activeTurn: null,
      closed: null,
    };
    this.#expired.delete(saved.id);
    this.#byAccess.set(session.id, session);
    this.#byCreation.set(session.id, session);
    this.#reschedule();
    return session;
  }

  /** The live session `id` if `ownerId` owns it; otherwise the error that says why not. */
  get(id: string, ownerId: string): Session {
    const session = this.#byAccess.get(id);
    if (session && this.#dueReason(session, this.clock.monotonicMs()) !== null && !session.queue.busy) {
      // The timer may not have fired yet; an overdue session is expired now, exactly at its boundary.
      this.sweep();
    }
    const live = this.#byAccess.get(id);
    if (live) {
      if (live.ownerId !== ownerId) throw new AppError('FORBIDDEN', 'This session belongs to another clinician.');
      return live;
    }
    const expired = this.#expired.get(id);
    if (expired) {
      if (expired.ownerId !== ownerId) throw new AppError('FORBIDDEN', 'This session belongs to another clinician.');
      throw new AppError('SESSION_NOT_FOUND', expiredMessage(expired.reason));
    }
    throw new AppError('SESSION_NOT_FOUND', 'This session is not open in the app. Start a new session.');
  }

  /** Records the clinician's activity on a session (a new request); streaming answers do not count. */
  touch(session: Session): void {
    session.lastAccessAt = this.clock.now();
    session.lastAccessMono = this.clock.monotonicMs();
    this.#byAccess.delete(session.id);
    this.#byAccess.set(session.id, session);
    this.#reschedule();
  }

  /** Call when a turn ends (or stops waiting): the session may now be due, so the timer is re-aimed. */
  turnSettled(): void {
    this.#reschedule();
  }

  /** Forgets a session entirely, remembering nothing (its first turn failed: the clinician never saw it). */
  forget(id: string): void {
    this.#byAccess.delete(id);
    this.#byCreation.delete(id);
    this.#reschedule();
  }

  /** Deletes the caller's session; a running turn is cancelled. False when it was not live. */
  delete(id: string, ownerId: string): boolean {
    const session = this.#byAccess.get(id);
    if (!session) {
      const expired = this.#expired.get(id);
      if (expired && expired.ownerId !== ownerId) throw new AppError('FORBIDDEN', 'This session belongs to another clinician.');
      this.#expired.delete(id);
      return false;
    }
    if (session.ownerId !== ownerId) throw new AppError('FORBIDDEN', 'This session belongs to another clinician.');
    this.close(session, 'deleted');
    return true;
  }

  /**
   * Closes a live session for good (deleted, shredded, or its clinician's profile locked): its running turn is
   * stopped, turns queued behind it fail when they get their turn, and it leaves memory with its patient data —
   * nothing of it is remembered, not even as expired. Returns the session, or null when `id` was not live.
   */
  closeById(id: string, closure: SessionClosure): Session | null {
    const session = this.#byAccess.get(id);
    if (!session) {
      this.#expired.delete(id);
      return null;
    }
    this.close(session, closure);
    return session;
  }

  /** Closes every live session of `ownerId` (a lock, or another clinician signing in). Returns how many. */
  closeOwner(ownerId: string, closure: SessionClosure): number {
    let closed = 0;
    for (const session of [...this.#byAccess.values()]) {
      if (session.ownerId !== ownerId) continue;
      this.close(session, closure);
      closed += 1;
    }
    return closed;
  }

  /** See {@link closeById}. */
  close(session: Session, closure: SessionClosure): void {
    session.closed ??= closure;
    stopRunningTurn(session, closure);
    this.forget(session.id);
  }

  /** The live session `id` of `ownerId`, or null when it is not in memory (another owner's is FORBIDDEN). */
  live(id: string, ownerId: string): Session | null {
    try {
      return this.get(id, ownerId);
    } catch (error) {
      if (error instanceof AppError && error.code === 'SESSION_NOT_FOUND') return null;
      throw error;
    }
  }

  /** What `api.sessions.get` answers: live or remembered-expired, for its owner only. */
  info(id: string, ownerId: string): SessionInfo {
    const live = this.#byAccess.get(id);
    if (live && (live.queue.busy || this.#dueReason(live, this.clock.monotonicMs()) === null)) {
      if (live.ownerId !== ownerId) throw new AppError('FORBIDDEN', 'This session belongs to another clinician.');
      return this.#liveInfo(live);
    }
    if (live) this.sweep();
    const expired = this.#expired.get(id);
    if (!expired) throw new AppError('SESSION_NOT_FOUND', 'No session with this id is known to the app.');
    if (expired.ownerId !== ownerId) throw new AppError('FORBIDDEN', 'This session belongs to another clinician.');
    return {
      sessionId: expired.id,
      createdAt: expired.createdAt.toISOString(),
      lastAccessAt: expired.lastAccessAt.toISOString(),
      expiresAt: expired.expiredAt.toISOString(),
      conversationCount: expired.conversationCount,
      state: 'expired',
    };
  }

  /** The owner's live sessions, most recently used first; sessions the patient declined storage for are not listed. */
  list(ownerId: string): SessionInfo[] {
    const sessions: SessionInfo[] = [];
    for (const session of this.#byAccess.values()) {
      if (session.ownerId === ownerId && !session.doNotKeep) sessions.push(this.#liveInfo(session));
    }
    return sessions.reverse();
  }

  /** Every live session (shutdown). */
  all(): Session[] {
    return [...this.#byAccess.values()];
  }

  /** Live sessions. */
  get size(): number {
    return this.#byAccess.size;
  }

  /**
   * Expires every session that is due and not in use, then re-aims the timer. Touches only the due entries: each
   * order is walked from its oldest end and left at the first entry that is not yet due. Returns how many expired.
   */
  sweep(): number {
    const nowMono = this.clock.monotonicMs();
    let expired = 0;
    for (const session of this.#byAccess.values()) {
      if (session.queue.busy) continue;
      if (session.lastAccessMono + this.limits.idleTimeoutMs > nowMono) break;
      this.#expire(session, 'idle');
      expired += 1;
    }
    for (const session of this.#byCreation.values()) {
      if (session.queue.busy) continue;
      if (session.createdMono + this.limits.absoluteTimeoutMs > nowMono) break;
      this.#expire(session, 'absolute');
      expired += 1;
    }
    if (expired > 0) this.logger.info('sessions.expired', { count: expired, live: this.#byAccess.size });
    this.#reschedule();
    return expired;
  }

  /** Stops the timer. */
  dispose(): void {
    this.#disposed = true;
    this.#clearTimer();
  }

  /** `api.sessions.get`'s answer for a live session. */
  infoOf(session: Session): SessionInfo {
    return this.#liveInfo(session);
  }

  #liveInfo(session: Session): SessionInfo {
    return {
      sessionId: session.id,
      createdAt: session.createdAt.toISOString(),
      lastAccessAt: session.lastAccessAt.toISOString(),
      expiresAt: new Date(
        Math.min(session.lastAccessAt.getTime() + this.limits.idleTimeoutMs, session.createdAt.getTime() + this.limits.absoluteTimeoutMs),
      ).toISOString(),
      conversationCount: session.turns.length,
      state: session.queue.busy ? 'running' : 'idle',
    };
  }

  #dueReason(session: Session, nowMono: number): ExpiryReason | null {
    if (session.lastAccessMono + this.limits.idleTimeoutMs <= nowMono) return 'idle';
    if (session.createdMono + this.limits.absoluteTimeoutMs <= nowMono) return 'absolute';
    return null;
  }

  #evictLeastRecentlyUsed(): void {
    for (const session of this.#byAccess.values()) {
      if (session.queue.busy) continue;
      this.#expire(session, 'evicted');
      this.logger.info('sessions.evicted', { live: this.#byAccess.size });
      return;
    }
    throw new AppError('SESSION_BUSY', 'Every open session is answering right now. Try again in a moment.');
  }

  #expire(session: Session, reason: ExpiryReason): void {
    this.#byAccess.delete(session.id);
    this.#byCreation.delete(session.id);
    // Not kept: once out of memory it is gone, and main keeps no trace of it (not even that it expired).
    if (session.doNotKeep) return;
    this.#expired.set(session.id, {
      id: session.id,
      ownerId: session.ownerId,
      createdAt: session.createdAt,
      lastAccessAt: session.lastAccessAt,
      expiredAt: this.clock.now(),
      conversationCount: session.turns.length,
      reason,
    });
    if (this.#expired.size > REMEMBERED_EXPIRED_SESSIONS) {
      const oldest = this.#expired.keys().next().value as string;
      this.#expired.delete(oldest);
    }
  }

  /** Aims the one timer at the earliest expiry among sessions not in use (busy ones are re-aimed when they settle). */
  #reschedule(): void {
    if (this.#disposed) return;
    let due = Number.POSITIVE_INFINITY;
    for (const session of this.#byAccess.values()) {
      if (session.queue.busy) continue;
      due = session.lastAccessMono + this.limits.idleTimeoutMs;
      break;
    }
    for (const session of this.#byCreation.values()) {
      if (session.queue.busy) continue;
      due = Math.min(due, session.createdMono + this.limits.absoluteTimeoutMs);
      break;
    }
    if (due === this.#timerDueMono) return;
    this.#clearTimer();
    if (due === Number.POSITIVE_INFINITY) return;
    this.#timerDueMono = due;
    this.#timer = this.clock.setTimer(() => {
      this.#timer = null;
      this.#timerDueMono = Number.POSITIVE_INFINITY;
      this.sweep();
    }, due - this.clock.monotonicMs());
  }

  #clearTimer(): void {
    if (this.#timer) this.clock.clearTimer(this.#timer);
    this.#timer = null;
    this.#timerDueMono = Number.POSITIVE_INFINITY;
  }
}

/**
 * The latest turn of a session restored from history, regenerable again: every answer history gave it (`saved`, its
 * live one being the last of the turns), or else the one known answer.
 */
function restoredLatest(turns: Session['turns'], patient: Patient, saved: RestoredLatest | null): LatestTurn | null {
  const last = turns.at(-1);
  if (last?.turnId === undefined) return null;
  const live = saved?.answers.find((answer) => answer.turnId === saved.liveTurnId);
  if (saved && live?.record === last) {
    return { seq: saved.seq, patient, answers: new Map(saved.answers.map((answer) => [answer.turnId, answer])), liveTurnId: live.turnId };
  }
  const answer: LatestAnswer = { turnId: last.turnId, record: last, startedAt: new Date(0), parentTurnId: null, outcome: null };
  return { seq: turns.length, patient, answers: new Map([[last.turnId, answer]]), liveTurnId: last.turnId };
}

function expiredMessage(reason: ExpiryReason): string {
  if (reason === 'evicted') return 'This session was closed to make room for newer ones. Continue it from history or start a new one.';
  if (reason === 'absolute') return 'This session expired: it reached the maximum session length. Continue it from history or start a new one.';
  return 'This session expired after a period without activity. Continue it from history or start a new one.';
}
