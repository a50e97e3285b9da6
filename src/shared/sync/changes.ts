/**
 * The sync protocol's data plane: push, pull, tombstones, leases and the live change feed.
 *
 * What the server sees of an item: its kind, its id, its session id (random UUIDs), its version counter, the UTC
 * day of a session's last turn (key items only, for retention) and an opaque blob sealed by the workstation's main
 * process. Never patient text, titles, times of day or the profile's name.
 */
import { z } from 'zod';

const Uuid = z.uuid({ version: 'v4' });
const Base64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** Largest blob the server takes: a sealed record's JSON (≤ 1 MB of ciphertext) sealed again, in base64. */
export const MAX_SYNC_BLOB_CHARS = 1_500_000;
/** Most items in one push (the server commits a push in one transaction). */
export const MAX_PUSH_ITEMS = 200;
/** Largest tombstone proof: a few hundred bytes sealed, in base64, with room to spare. */
export const MAX_TOMBSTONE_PROOF_CHARS = 4096;
/** Most changes in one pull page. */
export const MAX_PULL_LIMIT = 1000;
/** Highest version counter (matches the record format's `rv`). */
export const MAX_SYNC_VERSION = 2 ** 31 - 1;

/** A sealed record (session, turn) or a session-key entry: what workstations exchange. */
export const SyncItemKind = z.enum(['record', 'key']);
/** @see SyncItemKind */
export type SyncItemKind = z.infer<typeof SyncItemKind>;

/** One item pushed by a workstation. */
export const PushItem = z.strictObject({
  kind: SyncItemKind,
  /** The record id; for a key item, the session id. */
  id: Uuid,
  sessionId: Uuid,
  /** Only grows: the server keeps the highest it accepted and refuses a lower one (no rollback). */
  version: z.number().int().min(1).max(MAX_SYNC_VERSION),
  /** Key items: the UTC day of the session's last turn, on which the server's retention counts. Records: null. */
  day: z.iso.date().nullable(),
  blob: z.string().min(1).max(MAX_SYNC_BLOB_CHARS).regex(Base64),
});
/** @see PushItem */
export type PushItem = z.infer<typeof PushItem>;

/** The fencing token a push carries for a session it holds the lease of. */
export const FencingProof = z.strictObject({ sessionId: Uuid, fencing: z.number().int().min(1) });
/** @see FencingProof */
export type FencingProof = z.infer<typeof FencingProof>;

/** `POST /v1/push`. */
export const PushInput = z.strictObject({
  items: z.array(PushItem).min(1).max(MAX_PUSH_ITEMS),
  fencing: z.array(FencingProof).max(MAX_PUSH_ITEMS).default([]),
});
/** @see PushInput */
export type PushInput = z.input<typeof PushInput>;

/**
 * What became of one pushed item: `stored` (committed, with its change number), `duplicate` (this version was
 * already there: a retried push), `stale` (the server holds a higher or different same version: pull first),
 * `deleted` (its session has a tombstone: drop it), `fenced` (another workstation holds the session's lease).
 */
export const PushItemStatus = z.enum(['stored', 'duplicate', 'stale', 'deleted', 'fenced']);
/** @see PushItemStatus */
export type PushItemStatus = z.infer<typeof PushItemStatus>;

/** `POST /v1/push` answer: one result per item, in order. */
export const PushOutput = z.strictObject({
  results: z.array(
    z.strictObject({
      kind: SyncItemKind,
      id: Uuid,
      status: PushItemStatus,
      changeNo: z.number().int().min(1).nullable(),
      serverVersion: z.number().int().min(0).nullable(),
      /** For `fenced`: the label of the workstation holding the lease. */
      holderLabel: z.string().max(64).nullable(),
    }),
  ),
});
/** @see PushOutput */
export type PushOutput = z.infer<typeof PushOutput>;

/** Why a session is gone everywhere. */
export const TombstoneReason = z.enum(['deleted', 'retention']);
/** @see TombstoneReason */
export type TombstoneReason = z.infer<typeof TombstoneReason>;

/**
 * A tombstone's proof: a blob sealed by the workstation's main process with the profile's data key (the same
 * envelope as items), naming the session, the reason and the day, so a workstation that pulls the tombstone can
 * tell it was written by a holder of the key and not by whoever controls the server. The server stores it as
 * opaque bytes and returns it exactly; it never opens it.
 */
export const TombstoneProof = z.string().min(1).max(MAX_TOMBSTONE_PROOF_CHARS).regex(Base64);

/** `POST /v1/tombstones`: sessions deleted or shredded on a workstation (`proof` optional for older clients). */
export const TombstoneInput = z.strictObject({
  sessions: z
    .array(z.strictObject({ sessionId: Uuid, reason: TombstoneReason, day: z.iso.date(), proof: TombstoneProof.optional() }))
    .min(1)
    .max(MAX_PUSH_ITEMS),
});
/** @see TombstoneInput */
export type TombstoneInput = z.infer<typeof TombstoneInput>;
/** @see TombstoneInput */
export const TombstoneOutput = z.strictObject({ changeNos: z.array(z.number().int().min(1)) });
/** @see TombstoneOutput */
export type TombstoneOutput = z.infer<typeof TombstoneOutput>;

/** One change as pulled, in change-number order. */
export const Change = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: SyncItemKind.extract(['record']),
    changeNo: z.number().int().min(1),
    id: Uuid,
    sessionId: Uuid,
    version: z.number().int().min(1).max(MAX_SYNC_VERSION),
    day: z.null(),
    blob: z.string().min(1).max(MAX_SYNC_BLOB_CHARS).regex(Base64),
  }),
  z.strictObject({
    kind: SyncItemKind.extract(['key']),
    changeNo: z.number().int().min(1),
    id: Uuid,
    sessionId: Uuid,
    version: z.number().int().min(1).max(MAX_SYNC_VERSION),
    day: z.iso.date(),
    blob: z.string().min(1).max(MAX_SYNC_BLOB_CHARS).regex(Base64),
  }),
  z.strictObject({
    kind: z.literal('tombstone'),
    changeNo: z.number().int().min(1),
    sessionId: Uuid,
    reason: TombstoneReason,
    day: z.iso.date(),
    /**
     * The workstation's sealed proof ({@link TombstoneProof}), exactly as sent. Absent when the tombstone has none:
     * the server's own retention shred, or a workstation that sent none. (Absent rather than null so pulled
     * tombstones without a proof keep their earlier shape.)
     */
    proof: TombstoneProof.optional(),
  }),
]);
/** @see Change */
export type Change = z.infer<typeof Change>;

/** `GET /v1/changes?after=<changeNo>&limit=<n>`. */
export const PullQuery = z.strictObject({
  after: z.coerce.number().int().min(0),
  limit: z.coerce.number().int().min(1).max(MAX_PULL_LIMIT).default(500),
});
/** @see PullQuery */
export type PullQuery = z.infer<typeof PullQuery>;

/**
 * `GET /v1/changes` answer. `next` is the cursor for the following pull. `resync` is true when `after` is older
 * than the server's tombstone horizon: the workstation restarts from 0 and must not delete what it has not pushed.
 */
export const PullOutput = z.strictObject({
  changes: z.array(Change),
  next: z.number().int().min(0),
  more: z.boolean(),
  resync: z.boolean(),
});
/** @see PullOutput */
export type PullOutput = z.infer<typeof PullOutput>;

/** `POST /v1/leases`: take (or re-take) the lease of one session before a turn. */
export const LeaseInput = z.strictObject({ sessionId: Uuid });
/** @see LeaseInput */
export type LeaseInput = z.infer<typeof LeaseInput>;

/** `POST /v1/leases/renew` and `POST /v1/leases/release`: the session and the token the holder got. */
export const LeaseHeldInput = z.strictObject({ sessionId: Uuid, fencing: z.number().int().min(1) });
/** @see LeaseHeldInput */
export type LeaseHeldInput = z.infer<typeof LeaseHeldInput>;

/** A lease granted or renewed: its fencing token (only grows per session) and how long it lasts unrenewed. */
export const LeaseOutput = z.strictObject({
  sessionId: Uuid,
  fencing: z.number().int().min(1),
  ttlMs: z.number().int().min(1),
});
/** @see LeaseOutput */
export type LeaseOutput = z.infer<typeof LeaseOutput>;

/** The live feed (`GET /v1/events`, server-sent events): the newest change number of the caller's profile. */
export const ChangeEvent = z.strictObject({ changeNo: z.number().int().min(0) });
/** @see ChangeEvent */
export type ChangeEvent = z.infer<typeof ChangeEvent>;
