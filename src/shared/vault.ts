import { z } from 'zod';
import { SessionId } from './ids';
import { MAX_RESUME_RECORDS } from './sessions';
import { Patient } from './patient';
import { IncompleteReason, TurnMetadata } from './protocol';

/**
 * Version of the sealed record format main writes.
 * - v1: the additional data binds id, session id, owner, kind and format only; every other header field was trusted
 *   as stored. Still opened (read as v1), never written; main re-seals a v1 record as v2 when it next touches it.
 * - v2: the additional data binds every header field — id, kind, session, owner, seq, parentTurnId, status,
 *   createdAt, updatedAt, format and the record's version counter `rv` — so the plaintext copies are only index
 *   hints, checked on every open; the session record's payload lists every turn record with its `rv` (see
 *   {@link SessionPayload}), and main keeps the session record's latest `rv`, so an older version put back in place
 *   of a newer one (a rollback) is detected.
 */
export const PAYLOAD_FORMAT_VERSION = 2;
/** The format versions main opens: the current one and v1. */
export const READABLE_FORMAT_VERSIONS = [1, 2] as const;

/** Largest ciphertext accepted over IPC (base64 characters): a turn with a long answer fits many times over. */
const MAX_CIPHERTEXT = 1_000_000;
/** Largest record version counter: one re-seal per event of a record, far below this in a record's life. */
export const MAX_RECORD_VERSION = 2 ** 31 - 1;

const RecordId = z.uuid({ version: 'v4', error: 'record id must be a UUID v4' });
const Base64 = (max: number) =>
  z
    .string()
    .max(max)
    .regex(/^[A-Za-z0-9+/]*={0,2}$/, { error: 'must be base64' });

/** The plaintext fields every record carries: ids, owner, position, status and times — never patient data. */
const recordFields = {
  id: RecordId,
  kind: z.enum(['session', 'turn']),
  sessionId: SessionId,
  ownerId: z.string().min(1).max(64),
  /** 1-based position of a turn in its session; 0 for the session record. */
  seq: z.number().int().nonnegative(),
  /** The turn this one answers again (a regenerated answer is a sibling), or null. */
  parentTurnId: RecordId.nullable(),
  /** `pending` while the answer streams (the clinician's message is already kept), then the outcome. */
  status: z.enum(['pending', 'complete', 'incomplete', 'error']),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
  /** 96-bit IV, base64. */
  iv: Base64(16),
  /**
   * Ciphertext with its 128-bit tag, base64. Only its size is checked here: main decodes it strictly when it opens
   * the record, so damage fails that record alone (`malformed`) — and a character scan of every ciphertext at the
   * boundary cost more than the decryption behind it.
   */
  ct: z.string().min(1).max(MAX_CIPHERTEXT),
};

/** A record sealed in format v1 (read only): the additional data binds id, session, owner, kind and format. */
export const SealedRecordV1 = z.strictObject({ ...recordFields, v: z.literal(1) });
/** @see SealedRecordV1 */
export type SealedRecordV1 = z.infer<typeof SealedRecordV1>;

/** A record sealed in format v2: every header field is authenticated, `rv` included. */
export const SealedRecordV2 = z.strictObject({
  ...recordFields,
  v: z.literal(2),
  /**
   * The record's version: 1 when first sealed, one more at every re-seal of the same id (pending → answered, an answer
   * chosen again, a v1 record re-sealed). Of two versions of a record the higher `rv` is the newer, whatever the times.
   */
  rv: z.number().int().min(1).max(MAX_RECORD_VERSION),
});
/** @see SealedRecordV2 */
export type SealedRecordV2 = z.infer<typeof SealedRecordV2>;

/**
 * A record as the renderer stores it in IndexedDB: plaintext ids, owner, times, counts and status only — never
 * patient data — and the payload sealed by main (AES-256-GCM). See {@link PAYLOAD_FORMAT_VERSION} for what each
 * format authenticates.
 */
export const SealedRecord = z.discriminatedUnion('v', [SealedRecordV1, SealedRecordV2]);
/** @see SealedRecord */
export type SealedRecord = z.infer<typeof SealedRecord>;

/** The version counter of a record for ordering its versions: a v1 record counts as 0 (any v2 re-seal is newer). */
export function recordVersionOf(record: Pick<SealedRecord, 'v'> & { rv?: number }): number {
  return record.v === 2 && typeof record.rv === 'number' ? record.rv : 0;
}

/**
 * True when `candidate` is a newer version of the same record than `known`: the higher version counter wins; for two
 * v1 versions (no counter) the later `updatedAt`, and on a full tie the candidate (the later one handed over).
 */
export function isNewerVersion(known: SealedRecord, candidate: SealedRecord): boolean {
  const byVersion = recordVersionOf(candidate) - recordVersionOf(known);
  if (byVersion !== 0) return byVersion > 0;
  return candidate.updatedAt >= known.updatedAt;
}

/**
 * Most records in one delivery: a sync pull delivers up to this many at once (one page transaction for many,
 * src/main/sync/pull/pulledDeliveries.ts); main's own deliveries carry a turn's few records.
 */
export const MAX_RECORDS_PER_DELIVERY = 100;

/**
 * One delivery of sealed records (`vault.record`): what main sealed together for one turn — the session record and
 * the turn record — or a batch of pulled records, which the page writes in one transaction (all or none) and
 * acknowledges record by record.
 */
export const RecordDelivery = z.strictObject({ records: z.array(SealedRecord).min(1).max(MAX_RECORDS_PER_DELIVERY) });
/** @see RecordDelivery */
export type RecordDelivery = z.infer<typeof RecordDelivery>;

/**
 * One turn record as its session record lists it: the id, its position and the version main last sealed. Main checks
 * the turn records it is handed against this list (an older version, or a turn missing inside the history, is
 * refused), so a store that rolls a turn back or hides one cannot change what the model is told.
 */
export const ManifestEntry = z.strictObject({
  id: RecordId,
  seq: z.number().int().min(1),
  /** 0: the record is still the format-v1 version (not re-sealed yet); otherwise its v2 counter. */
  rv: z.number().int().min(0).max(MAX_RECORD_VERSION),
});
/** @see ManifestEntry */
export type ManifestEntry = z.infer<typeof ManifestEntry>;

/** Most turn records a session record lists. */
export const MAX_MANIFEST_ENTRIES = 20_000;

/** What a session record's sealed payload holds. */
export const SessionPayload = z.strictObject({
  /** The patient as of the session's latest turn. */
  patient: Patient,
  /** The list title: the chief complaint, shown only after main opens the record. */
  title: z.string(),
  /** Every turn record of the session with the version main last sealed (v2; absent in v1 payloads). */
  turns: z.array(ManifestEntry).max(MAX_MANIFEST_ENTRIES).optional(),
});
/** @see SessionPayload */
export type SessionPayload = z.infer<typeof SessionPayload>;

/** What a turn record's sealed payload holds. */
export const TurnPayload = z.strictObject({
  turnId: z.string(),
  userText: z.string(),
  /** Empty while the answer is pending; the partial answer when cut, cancelled or crashed. */
  answerText: z.string(),
  incompleteReason: IncompleteReason.nullable(),
  /** How the answer was produced; null while pending. */
  metadata: TurnMetadata.nullable(),
  /**
   * Where this turn continues from: the id of the turn that was the conversation's last (its live answer) when this
   * one was asked; null for the first turn. Absent on records sealed before it existed: their conversation is linear
   * by seq. Two or more turns that are not answers of one another with the same value are a fork — the session was
   * continued on two workstations while they could not sync (see shared/conversationPath.ts).
   */
  previousTurnId: z.string().min(1).max(64).nullable().optional(),
  /** The sync workstation label of the workstation the turn was asked on (policy or host name; no patient data). */
  workstationLabel: z.string().max(64).optional(),
});
/** @see TurnPayload */
export type TurnPayload = z.infer<typeof TurnPayload>;

/** Largest batch `api.vault.open` takes at once. */
export const MAX_OPEN_BATCH = 500;

/** Input of `api.vault.open`. */
export const OpenInput = z.strictObject({ records: z.array(SealedRecord).max(MAX_OPEN_BATCH) });
/** @see OpenInput */
export type OpenInput = z.input<typeof OpenInput>;

/**
 * Why main did not open a record — and what the page does with it:
 * - `tampered`: authentication failed (an altered bit or header field, a payload moved) — quarantined;
 * - `malformed`: not a record main writes — quarantined;
 * - `forbidden`: another clinician's record — left alone, never shown;
 * - `shredded`: its session's key was destroyed on purpose (deleted, or past retention; main keeps that list) — the
 *   ONLY reason the page deletes rows;
 * - `unknown-key`: main has no key for its session, and did not destroy one (a missing or restored key file, a key
 *   not synced yet) — kept as it is and reported, never deleted;
 * - `rolled-back`: authentic, but older than the version main last sealed (an older copy put back) — kept and
 *   reported, never shown as the session's history.
 */
export const OpenFailureReason = z.enum(['tampered', 'malformed', 'forbidden', 'shredded', 'unknown-key', 'rolled-back']);
/** @see OpenFailureReason */
export type OpenFailureReason = z.infer<typeof OpenFailureReason>;

/** One record's outcome: its payload, or why it could not be opened (see {@link OpenFailureReason}). */
export const OpenResult = z.discriminatedUnion('ok', [
  z.strictObject({ id: z.string(), ok: z.literal(true), payload: z.union([SessionPayload, TurnPayload]) }),
  z.strictObject({ id: z.string(), ok: z.literal(false), reason: OpenFailureReason }),
]);
/** @see OpenResult */
export type OpenResult = z.infer<typeof OpenResult>;

/** Output of `api.vault.open`, in input order. */
export const OpenOutput = z.strictObject({ results: z.array(OpenResult) });
/** @see OpenOutput */
export type OpenOutput = z.infer<typeof OpenOutput>;

/**
 * Input of `api.vault.index`: a batch of the clinician's sealed records for main to open and add to its search
 * index, nothing returned but what failed — the background indexing pass never brings plaintext back to the page.
 */
export const IndexInput = OpenInput;
/** @see IndexInput */
export type IndexInput = OpenInput;

/** Output of `api.vault.index`: how many records were indexed, and the ones that did not open (and why). */
export const IndexOutput = z.strictObject({
  indexed: z.number().int().nonnegative(),
  failures: z.array(OpenResult.options[1]),
});
/** @see IndexOutput */
export type IndexOutput = z.infer<typeof IndexOutput>;

/** Input of `api.vault.ack`: the page says whether it stored a record main delivered. */
export const AckInput = z.discriminatedUnion('stored', [
  z.strictObject({ recordId: RecordId, stored: z.literal(true) }),
  z.strictObject({
    recordId: RecordId,
    stored: z.literal(false),
    code: z.enum(['STORAGE_FULL', 'STORAGE_FAILED']),
    message: z.string().max(500),
  }),
]);
/** @see AckInput */
export type AckInput = z.input<typeof AckInput>;

/**
 * Input of `api.sessions.resume`: the session's sealed records as the page stored them. Main opens — and so
 * authenticates — every one before it rebuilds the live session; records it did not seal do not open.
 */
export const ResumeInput = z.strictObject({
  records: z.array(SealedRecord).min(1).max(MAX_RESUME_RECORDS),
  /**
   * A session continued on two workstations: the turn whose branch the clinician goes on from ("Go on from here").
   * The live session is rebuilt from the shared part and that branch only, so the next prompt holds nothing of the
   * other branch (which stays in history). Absent: the most recently used branch. Must be one of `records`' turns.
   */
  branchTurnId: RecordId.optional(),
});
/** @see ResumeInput */
export type ResumeInput = z.input<typeof ResumeInput>;

/** Input of `api.vault.search`: words to find in the clinician's opened history. */
export const SearchInput = z.strictObject({ query: z.string().trim().min(1, { error: 'query is empty' }).max(200) });
/** @see SearchInput */
export type SearchInput = z.input<typeof SearchInput>;

/** Output of `api.vault.search`: matching sessions with an excerpt (the clinician's own data, shown to them only). */
export const SearchOutput = z.strictObject({
  hits: z.array(z.strictObject({ sessionId: SessionId, snippet: z.string() })),
  /** Sessions the index covers (those opened since unlock). */
  indexedSessions: z.number().int().nonnegative(),
});
/** @see SearchOutput */
export type SearchOutput = z.infer<typeof SearchOutput>;
