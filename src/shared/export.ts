/**
 * Exporting a session to a file: the operation's input and output, and the schema of the JSON export — the
 * documented, versioned format (docs/export-schema.md) that the JSON file is validated against in tests.
 */
import { z } from 'zod';
import { SessionId } from './ids';
import { Patient } from './patient';
import { IncompleteReason } from './protocol';
import { SealedRecord } from './vault';

/** The file formats a session can be exported to. */
export const ExportFormat = z.enum(['markdown', 'json', 'pdf'], { error: 'format must be markdown, json or pdf' });
/** @see ExportFormat */
export type ExportFormat = z.infer<typeof ExportFormat>;

/** Largest session (records) one export takes: the same bound as `sessions.resume`. */
export const MAX_EXPORT_RECORDS = 2_000;

/**
 * Input of `api.sessions.export`: the format, and the session's sealed records as the page stored them (session record
 * and every turn record). Main opens — and so authenticates — every one; another clinician's records do not open.
 */
export const ExportInput = z.strictObject({
  format: ExportFormat,
  records: z.array(SealedRecord).min(1).max(MAX_EXPORT_RECORDS),
});
/** @see ExportInput */
export type ExportInput = z.input<typeof ExportInput>;

/**
 * Output of `api.sessions.export`: one file for the page to offer for saving. Text formats come as UTF-8 text; a PDF
 * as base64. A build that cannot print (the browser harness) answers the print-ready HTML document instead of a PDF
 * (`text/html`), for a browser to print.
 */
export const ExportOutput = z.strictObject({
  format: ExportFormat,
  /** Session id and date only: a file name never carries patient data. */
  fileName: z.string().regex(/^[A-Za-z0-9._-]{1,120}$/),
  mimeType: z.enum(['text/markdown', 'application/json', 'application/pdf', 'text/html']),
  encoding: z.enum(['utf8', 'base64']),
  content: z.string(),
});
/** @see ExportOutput */
export type ExportOutput = z.infer<typeof ExportOutput>;

/** Identifies the JSON export format; {@link SESSION_EXPORT_VERSION} changes with any incompatible change. */
export const SESSION_EXPORT_SCHEMA = 'clinic-protocol-assistant/session-export';
/** Version of the JSON export format. */
export const SESSION_EXPORT_VERSION = 1;

/** One turn of an exported session (a regenerated answer is its own entry, with `parentTurnId` set). */
export const ExportedTurn = z.strictObject({
  /** 1-based position in the session; regenerated answers share their original's. */
  seq: z.number().int().positive(),
  turnId: z.string(),
  parentTurnId: z.string().nullable(),
  status: z.enum(['pending', 'complete', 'incomplete', 'error']),
  incompleteReason: IncompleteReason.nullable(),
  /** When the clinician's message was recorded (ISO 8601 UTC). */
  askedAt: z.iso.datetime(),
  /** When the turn's record last changed: the answer's end for a finished turn (ISO 8601 UTC). */
  answeredAt: z.iso.datetime(),
  message: z.string(),
  /** The model's answer, Markdown as written. */
  answerMarkdown: z.string(),
  /** Null while the answer was pending (or when the turn failed before the model answered). */
  model: z.string().nullable(),
  endpoint: z.string().nullable(),
  inferenceTimeMs: z.number().nonnegative().nullable(),
  /** Whether older turns were left out of this answer's prompt to fit the model's context. */
  historyTrimmed: z.boolean().nullable(),
});
/** @see ExportedTurn */
export type ExportedTurn = z.infer<typeof ExportedTurn>;

/** The JSON export of a session (docs/export-schema.md). */
export const SessionExport = z.strictObject({
  schema: z.literal(SESSION_EXPORT_SCHEMA),
  version: z.literal(SESSION_EXPORT_VERSION),
  exportedAt: z.iso.datetime(),
  session: z.strictObject({
    sessionId: SessionId,
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
    title: z.string(),
  }),
  patient: Patient,
  /** The pinned patient summary, as the model sees it at the top of every prompt. */
  patientSummary: z.array(z.string()),
  /** Every turn record, by seq then time. */
  turns: z.array(ExportedTurn),
  /** Turn records that could not be opened (damaged) and are missing from `turns`. */
  unreadableTurns: z.number().int().nonnegative(),
});
/** @see SessionExport */
export type SessionExport = z.infer<typeof SessionExport>;
