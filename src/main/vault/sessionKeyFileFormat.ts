/**
 * The shapes the session key store writes: `session-keys.json` (formats 1 and 2) and the lines of
 * `session-keys.journal`. Session ids, owner ids, wrapped keys, times and version counters — never patient data.
 */
import { z } from 'zod';
import { MAX_RECORD_VERSION } from '../../shared/vault';

/**
 * Version of the key store file layout this build writes. Format 2 added the shred list and each session's version
 * anchor; format 1 is still read (no shred list, every anchor 0) and replaced by format 2 when it loads.
 */
export const SESSION_KEY_FILE_FORMAT = 2;

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const SessionId = z.string().regex(UUID_V4, { error: 'sessionId must be a lower-case UUID v4' });
const OwnerId = z.string().min(1).max(64);
const Generation = z.number().int().nonnegative();

/**
 * A session's rollback anchor: the highest version counter (`rv`) of its session record that the page confirmed it
 * stored, 0 when none was confirmed. An older version of that record put back in its place is then recognisable.
 */
export const SessionVersionAnchor = z.number().int().min(0).max(MAX_RECORD_VERSION);

/** One session's key as stored: wrapped by its owner's profile data key, with no patient data beside it. */
export const SessionKeyEntry = z.strictObject({
  sessionId: SessionId,
  ownerId: OwnerId,
  /** Base64 of IV ‖ AES-GCM(session key) ‖ tag under the owner's data key; see `wrapAesKey`. */
  wrappedKey: z.string().min(1).max(256),
  lastTurnAt: z.iso.datetime(),
  rv: SessionVersionAnchor,
});
/** @see SessionKeyEntry */
export type SessionKeyEntry = z.infer<typeof SessionKeyEntry>;

/** An entry as format-1 files and older builds' journal lines hold it: no anchor, read as 0. */
const EntryWithoutAnchor = SessionKeyEntry.extend({ rv: SessionVersionAnchor.default(0) });

/**
 * A session whose key was destroyed on purpose (deleted, past retention, its profile removed), and the UTC day it
 * happened — no time of day, no patient data. The page deletes a session's rows only when main says "shredded".
 */
export const ShredEntry = z.strictObject({
  sessionId: SessionId,
  ownerId: OwnerId,
  day: z.iso.date(),
});
/** @see ShredEntry */
export type ShredEntry = z.infer<typeof ShredEntry>;

const FileFormat1 = z.strictObject({
  format: z.literal(1),
  generation: Generation.default(0),
  entries: z.array(EntryWithoutAnchor),
});

const FileFormat2 = z.strictObject({
  format: z.literal(SESSION_KEY_FILE_FORMAT),
  /** Bumped by every full rewrite; journal lines of another generation are stale. */
  generation: Generation,
  entries: z.array(SessionKeyEntry),
  shredded: z.array(ShredEntry),
});

/** `session-keys.json`, in any format this build reads. */
export const SessionKeyFileContents = z.discriminatedUnion('format', [FileFormat1, FileFormat2]);
/** @see SessionKeyFileContents */
export type SessionKeyFileContents = z.infer<typeof SessionKeyFileContents>;

/** One change since the last full rewrite: a new session's key, a new last-turn time, or a raised version anchor. */
export const SessionKeyJournalOp = z.discriminatedUnion('op', [
  z.strictObject({ g: Generation, op: z.literal('put'), entry: EntryWithoutAnchor }),
  z.strictObject({ g: Generation, op: z.literal('touch'), sessionId: SessionId, lastTurnAt: z.iso.datetime() }),
  z.strictObject({ g: Generation, op: z.literal('version'), sessionId: SessionId, rv: SessionVersionAnchor }),
]);
/** @see SessionKeyJournalOp */
export type SessionKeyJournalOp = z.infer<typeof SessionKeyJournalOp>;

/** A journal change as the store queues it (the generation is stamped when it is written). */
export type SessionKeyChange =
  | { readonly op: 'put'; readonly entry: SessionKeyEntry }
  | { readonly op: 'touch'; readonly sessionId: string; readonly lastTurnAt: string }
  | { readonly op: 'version'; readonly sessionId: string; readonly rv: number };
