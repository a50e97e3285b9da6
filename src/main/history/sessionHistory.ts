import { AppError } from '../../shared/errors';
import { isNewerVersion, type ManifestEntry, type SealedRecord, type SessionPayload, type TurnPayload } from '../../shared/vault';
import { MAX_RESUME_RECORDS } from '../../shared/sessions';
import { SessionPayload as SessionPayloadSchema, TurnPayload as TurnPayloadSchema } from '../../shared/vault';
import type { OpenOutcome } from '../vault/openBatch';
import type { UnlockedOwner } from '../vault/unlockedOwner';
import { openRecords, type OpenedRecordsDeps } from './openedRecords';

/** A record main opened, with its authenticated payload. */
export interface OpenedRecord<P> {
  readonly record: SealedRecord;
  readonly payload: P;
}

/** One session's history as main opened — and checked — it. */
export interface SessionHistory {
  readonly sessionId: string;
  /** The newest session record: the patient, the title, and (format v2) the manifest of turn records. */
  readonly session: OpenedRecord<SessionPayload>;
  /** The newest version of every turn record, in seq order (regenerated siblings after the answer they redo). */
  readonly turns: OpenedRecord<TurnPayload>[];
  /** Turn records handed over that did not open (damaged): counted, never shown (format-v1 sessions only). */
  readonly unreadableTurns: number;
  /** True when the session or any of its turns is still a format-v1 record (re-sealed when main next writes it). */
  readonly hasV1Records: boolean;
  /** Notes what opened in main's history memory — once the access is audited (see `OpenedBatch.remember`). */
  remember(): void;
}

/** The integrity refusal: the stored history is not the one main last wrote. */
function integrityError(detail: string): AppError {
  return new AppError(
    'HISTORY_INTEGRITY',
    `This session's stored history failed an integrity check (${detail}), so it cannot be continued or exported. It can still be reviewed; ask IT if this persists.`,
  );
}

/** Orders turns as history shows them: by seq, then when asked, then id. */
function byPosition(a: OpenedRecord<TurnPayload>, b: OpenedRecord<TurnPayload>): number {
  return a.record.seq - b.record.seq || a.record.createdAt.localeCompare(b.record.createdAt) || (a.record.id < b.record.id ? -1 : 1);
}

/** Keeps, per id, the newest version (by version counter; see `isNewerVersion`). */
function newestPerId<P>(opened: readonly OpenedRecord<P>[]): OpenedRecord<P>[] {
  const byId = new Map<string, OpenedRecord<P>>();
  for (const item of opened) {
    const known = byId.get(item.record.id);
    if (!known || isNewerVersion(known.record, item.record)) byId.set(item.record.id, item);
  }
  return [...byId.values()];
}

/**
 * Checks the turns against the manifest the session record carries (format v2): every listed turn must be there in
 * at least its listed version. When the page handed over a whole cut (see {@link isCutToNewest}), turns older than the
 * oldest one handed over, and earlier answers of a turn it kept, may be left out; any other gap is a turn hidden from
 * the history the model would be told. A turn the session record does not list is kept: it is authentic, and can only
 * come from a delivery the page stored without confirming it (the session record itself passed the rollback anchor).
 */
function checkAgainstManifest(manifest: readonly ManifestEntry[], turns: readonly OpenedRecord<TurnPayload>[], cutToNewest: boolean): void {
  const byId = new Map(turns.map((turn) => [turn.record.id, turn]));
  const seqs = new Set(turns.map((turn) => turn.record.seq));
  const oldestSeq = turns.reduce((lowest, turn) => Math.min(lowest, turn.record.seq), Number.POSITIVE_INFINITY);
  for (const entry of manifest) {
    const turn = byId.get(entry.id);
    if (!turn) {
      // A page cut to its newest records leaves out the oldest turns and superseded answers of turns it keeps.
      if (cutToNewest && (entry.seq < oldestSeq || seqs.has(entry.seq))) continue;
      throw integrityError('a turn is missing or unreadable');
    }
    if (turn.record.v === 2 ? turn.record.rv < entry.rv : entry.rv > 0) throw integrityError('a turn is an older copy than the one last saved');
  }
}

/**
 * True when the page handed over a very long session cut to its newest records, as it must past
 * {@link MAX_RESUME_RECORDS}: exactly that many records, all distinct, every one opened. Padding with copies or with
 * records that do not open does not count — otherwise a store could hide the oldest turns by filling the request.
 */
function isCutToNewest(records: readonly SealedRecord[], failed: number): boolean {
  return records.length === MAX_RESUME_RECORDS && failed === 0 && new Set(records.map((record) => record.id)).size === records.length;
}

/**
 * Opens one session's records for resume or export, strictly: refuses another clinician's session (`FORBIDDEN`), a
 * shredded one or one whose key is not here (`SESSION_NOT_FOUND`), and — format v2 — a history that is not the
 * one main last wrote (`HISTORY_INTEGRITY`): an older session record than the anchor this workstation keeps, a turn
 * older than listed, a turn missing inside the history, or one the session record does not list.
 */
export async function openSessionHistory(deps: OpenedRecordsDeps, owner: UnlockedOwner, records: readonly SealedRecord[]): Promise<SessionHistory> {
  const sessionIds = new Set(records.map((record) => record.sessionId));
  const [sessionId] = sessionIds;
  if (sessionIds.size !== 1 || sessionId === undefined) throw new AppError('INVALID_INPUT', 'records: all records must belong to one session');

  if (records.some((record) => record.kind === 'session' && record.id !== sessionId)) {
    throw new AppError('INVALID_INPUT', "records: a session record's id must be its session id");
  }
  const batch = await openRecords(deps, owner, records);
  const { outcomes } = batch;
  const failed = outcomes.filter((outcome): outcome is Extract<OpenOutcome, { ok: false }> => !outcome.ok);
  if (failed.some((outcome) => outcome.reason === 'wrong-owner')) throw new AppError('FORBIDDEN', 'This session belongs to another clinician.');
  if (failed.some((outcome) => outcome.reason === 'shredded')) {
    throw new AppError('SESSION_NOT_FOUND', 'This session is no longer kept: it was deleted, or its retention period ended.');
  }
  if (failed.length > 0 && failed.length === outcomes.length && failed.every((outcome) => outcome.reason === 'unknown-key')) {
    throw new AppError('SESSION_NOT_FOUND', 'This session cannot be opened here: its key is not on this workstation.');
  }

  const kindOf = new Map(records.map((record) => [record.id, record.kind]));
  const sessions: OpenedRecord<SessionPayload>[] = [];
  const turns: OpenedRecord<TurnPayload>[] = [];
  for (const outcome of outcomes) {
    if (!outcome.ok) continue;
    if (outcome.record.kind === 'session') sessions.push({ record: outcome.record, payload: SessionPayloadSchema.parse(outcome.payload) });
    else turns.push({ record: outcome.record, payload: TurnPayloadSchema.parse(outcome.payload) });
  }
  const [session] = newestPerId(sessions);
  if (!session) {
    const sessionFailed = failed.some((outcome) => kindOf.get(outcome.id) === 'session');
    if (sessionFailed) throw integrityError('the session record did not open');
    throw new AppError('INVALID_INPUT', 'records: the session record is missing');
  }
  const newestTurns = newestPerId(turns).sort(byPosition);
  // An older copy handed over beside the newest version of the same record is superseded, not missing.
  const openedIds = new Set([...newestTurns.map((turn) => turn.record.id), session.record.id]);
  const unreadable = failed.filter((outcome) => !(outcome.reason === 'rolled-back' && openedIds.has(outcome.id)));
  const manifest = session.payload.turns;
  if (session.record.v === 2) {
    // Whatever its kind claims: in a v2 history every record handed over must open (or be superseded).
    if (unreadable.length > 0) throw integrityError('a record is unreadable');
    if (manifest) checkAgainstManifest(manifest, newestTurns, isCutToNewest(records, failed.length));
  }
  return {
    sessionId,
    session,
    turns: newestTurns,
    unreadableTurns: unreadable.filter((outcome) => kindOf.get(outcome.id) === 'turn').length,
    hasV1Records: session.record.v === 1 || newestTurns.some((turn) => turn.record.v === 1),
    remember: batch.remember,
  };
}
