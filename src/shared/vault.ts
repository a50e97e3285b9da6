import { z } from 'zod';
import { SessionId } from './ids';
import { Patient } from './patient';
import { IncompleteReason, TurnMetadata } from './protocol';

/** Version of the sealed payload format; bound into every record's additional data. */
export const PAYLOAD_FORMAT_VERSION = 1;

/** Largest ciphertext accepted over IPC (base64 characters): a turn with a long answer fits many times over. */
const MAX_CIPHERTEXT = 1_000_000;

const RecordId = z.uuid({ version: 'v4', error: 'record id must be a UUID v4' });
const Base64 = (max: number) =>
  z
    .string()
    .max(max)
    .regex(/^[A-Za-z0-9+/]*={0,2}$/, { error: 'must be base64' });

/**
 * A record as the renderer stores it in IndexedDB: plaintext ids, owner, times, counts and status only — never
 * patient data — and the payload sealed by main (AES-256-GCM; the additional data binds id, session id, owner,
 * kind and format version, so a payload moved to another record or owner does not open).
 */
export const SealedRecord = z.strictObject({
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
  v: z.literal(PAYLOAD_FORMAT_VERSION),
  /** 96-bit IV, base64. */
  iv: Base64(16),
  /**
   * Ciphertext with its 128-bit tag, base64. Only its size is checked here: main decodes it strictly when it opens
   * the record, so damage fails that record alone (`malformed`) — and a character scan of every ciphertext at the
   * boundary cost more than the decryption behind it.
   */
  ct: z.string().min(1).max(MAX_CIPHERTEXT),
});
/** @see SealedRecord */
export type SealedRecord = z.infer<typeof SealedRecord>;

/**
 * One delivery of sealed records (`vault.record`): what main sealed together for one turn — the session record and
 * the turn record — which the page writes in one transaction (both or neither) and acknowledges record by record.
 */
export const RecordDelivery = z.strictObject({ records: z.array(SealedRecord).min(1).max(8) });
/** @see RecordDelivery */
export type RecordDelivery = z.infer<typeof RecordDelivery>;

/** What a session record's sealed payload holds. */
export const SessionPayload = z.strictObject({
  /** The patient as of the session's latest turn. */
  patient: Patient,
  /** The list title: the chief complaint, shown only after main opens the record. */
  title: z.string(),
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
});
/** @see TurnPayload */
export type TurnPayload = z.infer<typeof TurnPayload>;

/** Largest batch `api.vault.open` takes at once. */
export const MAX_OPEN_BATCH = 500;

/** Input of `api.vault.open`. */
export const OpenInput = z.strictObject({ records: z.array(SealedRecord).max(MAX_OPEN_BATCH) });
/** @see OpenInput */
export type OpenInput = z.input<typeof OpenInput>;

/** One record's outcome: its payload, or why it could not be opened (it is then quarantined by the page). */
export const OpenResult = z.discriminatedUnion('ok', [
  z.strictObject({ id: z.string(), ok: z.literal(true), payload: z.union([SessionPayload, TurnPayload]) }),
  z.strictObject({ id: z.string(), ok: z.literal(false), reason: z.enum(['tampered', 'unknown-key', 'malformed', 'forbidden']) }),
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
export const ResumeInput = z.strictObject({ records: z.array(SealedRecord).min(1).max(2_000) });
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
