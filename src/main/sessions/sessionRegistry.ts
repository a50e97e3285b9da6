import { AppError } from '../../shared/errors';
import type { Patient } from '../../shared/patient';
import type { Clock } from './clock';
import type { Session } from './session';

/** Mints ids; `crypto.randomUUID()` in the app (UUID v4 from a CSPRNG), injectable for tests. */
export type IdSource = () => string;

/**
 * The live sessions, keyed by id. Ids are minted here and only here: an id main does not know is
 * `SESSION_NOT_FOUND`, never a new session on the caller's say-so, and another owner's session is `FORBIDDEN`.
 */
export class SessionRegistry {
  readonly #sessions = new Map<string, Session>();

  constructor(
    private readonly clock: Clock,
    private readonly newId: IdSource,
  ) {}

  /** Opens a session for `ownerId` with a freshly minted id. */
  create(ownerId: string, patient: Patient): Session {
    const now = this.clock.now();
    const session: Session = {
      id: this.newId(),
      ownerId,
      createdAt: now,
      lastAccessAt: now,
      patient,
      turns: [],
      activeTurn: null,
    };
    this.#sessions.set(session.id, session);
    return session;
  }

  /** The session `id` if `ownerId` owns it. */
  get(id: string, ownerId: string): Session {
    const session = this.#sessions.get(id);
    if (!session) throw new AppError('SESSION_NOT_FOUND', 'This session is not open in the app. Start a new session.');
    if (session.ownerId !== ownerId) throw new AppError('FORBIDDEN', 'This session belongs to another clinician.');
    return session;
  }

  /** Forgets a session (e.g. its first turn failed, so the clinician never saw it). */
  remove(id: string): void {
    this.#sessions.delete(id);
  }

  /** Every live session. */
  all(): Session[] {
    return [...this.#sessions.values()];
  }

  get size(): number {
    return this.#sessions.size;
  }
}
