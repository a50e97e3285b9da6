import { z } from 'zod';
import { SessionId } from './ids';

/**
 * What a session is doing: `idle` (live, waiting for the clinician), `running` (a turn in flight), `expired`
 * (dropped from memory after its idle or absolute timeout, or evicted; main still remembers the id, so it can
 * say so instead of "unknown").
 */
export const SessionState = z.enum(['idle', 'running', 'expired']);
/** @see SessionState */
export type SessionState = z.infer<typeof SessionState>;

/** A session as `api.sessions.get` and `api.sessions.list` describe it: ids, times and counts, no patient data. */
export const SessionInfo = z.strictObject({
  sessionId: SessionId,
  createdAt: z.iso.datetime(),
  lastAccessAt: z.iso.datetime(),
  /** When it expires if nothing happens (the earlier of the idle and absolute limits); when it did, if expired. */
  expiresAt: z.iso.datetime(),
  conversationCount: z.number().int().nonnegative(),
  state: SessionState,
});
/** @see SessionInfo */
export type SessionInfo = z.infer<typeof SessionInfo>;

/** Input of `api.sessions.get` and `api.sessions.delete`. */
export const SessionRef = z.strictObject({ sessionId: SessionId });
/** @see SessionRef */
export type SessionRef = z.input<typeof SessionRef>;

/** Output of `api.sessions.list`: the caller's live sessions, most recently used first. */
export const SessionList = z.strictObject({ count: z.number().int().nonnegative(), sessions: z.array(SessionInfo) });
/** @see SessionList */
export type SessionList = z.infer<typeof SessionList>;

/** Output of `api.sessions.delete`. */
export const DeleteOutput = z.strictObject({ deleted: z.boolean() });
/** @see DeleteOutput */
export type DeleteOutput = z.infer<typeof DeleteOutput>;

/** Largest history `api.sessions.resume` takes: a session record and its turns (siblings included). */
export const MAX_RESUME_RECORDS = 2_000;
