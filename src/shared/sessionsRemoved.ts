/**
 * Sessions main shredded without the page asking (deleted on another workstation, or past retention here), and the
 * sessions whose changes still wait to reach the sync server. Ids only: a session id is no patient data, and both
 * carry the profile they belong to so a page signed in as someone else (a switch raced the event) ignores them.
 */
import { z } from 'zod';
import { SessionId } from './ids';

/** Most session ids one event or answer carries (a retention pass or a pulled page can shred many at once). */
export const MAX_SESSION_IDS_PER_EVENT = 1_000;

/** Why main removed sessions the page did not ask to delete. */
export const SessionsRemovedReason = z.enum(['deleted-elsewhere', 'retention']);
/** @see SessionsRemovedReason */
export type SessionsRemovedReason = z.infer<typeof SessionsRemovedReason>;

/** Payload of the `sessions.removed` event. */
export const SessionsRemovedEvent = z.strictObject({
  /** Whose sessions they were: the signed-in clinician when main sent it. */
  profileId: z.string().min(1).max(100),
  sessionIds: z.array(SessionId).min(1).max(MAX_SESSION_IDS_PER_EVENT),
  reason: SessionsRemovedReason,
});
/** @see SessionsRemovedEvent */
export type SessionsRemovedEvent = z.infer<typeof SessionsRemovedEvent>;

/**
 * The signed-in clinician's sessions with items waiting in the sync outbox (`api.sync.unsyncedSessions` and the
 * `sync.unsyncedSessionsChanged` event). Empty, with a null profile, while sync is off or nobody is signed in.
 */
export const UnsyncedSessions = z.strictObject({
  profileId: z.string().min(1).max(100).nullable(),
  sessionIds: z.array(SessionId).max(MAX_SESSION_IDS_PER_EVENT),
});
/** @see UnsyncedSessions */
export type UnsyncedSessions = z.infer<typeof UnsyncedSessions>;
