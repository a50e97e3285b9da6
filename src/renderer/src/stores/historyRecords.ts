/**
 * Reading a session back from the history store and having main open it: the pieces the history and session slices
 * share. The page never decrypts anything — payloads come only from `api.vault.open`, in batches of at most
 * {@link MAX_OPEN_BATCH} — and what main opens lives in memory only (the store state), never in IndexedDB.
 */
import type { AppApi } from '../../../preload/apiTypes';
import type { ErrorPayload, Result } from '../../../shared/errors';
import type { Patient } from '../../../shared/patient';
import { MAX_RESUME_RECORDS, type SessionInfo } from '../../../shared/sessions';
import { MAX_OPEN_BATCH, type OpenResult, type SealedRecord, type SessionPayload, type TurnPayload } from '../../../shared/vault';
import type { SessionRecordRow, TurnRow } from '../db/database';
import { MAX_PAGE_SIZE, type RecordStore } from '../db/recordStore';
import { STORAGE_READ_FAILED_MESSAGE } from '../db/storageErrors';
import type { Turn } from './turns';

/** What the slices need of the history store (the app passes `historyStore`; tests pass their own). */
export type HistoryStore = Pick<RecordStore, 'sessionsPage' | 'turnsOf' | 'deleteSessions' | 'quarantine'>;

/** Why main could not open a record. */
export type OpenFailureReason = Extract<OpenResult, { ok: false }>['reason'];

/** A record main could not open, and why. */
export interface FailedRecord {
  record: SealedRecord;
  reason: OpenFailureReason;
}

/** What `api.vault.open` made of a set of records. */
export interface OpenedRecords {
  /** Payloads of the records main opened, by record id (memory only). */
  sessions: Map<string, SessionPayload>;
  turns: Map<string, TurnPayload>;
  /** Records main could not open (to be quarantined, or — for `unknown-key` — their session deleted). */
  failed: FailedRecord[];
}

/** Shown when a read of the history store fails. */
export const READ_FAILED: ErrorPayload = { code: 'STORAGE_FAILED', message: STORAGE_READ_FAILED_MESSAGE };

/** Shown when the bridge throws instead of answering (it should not). */
export const BRIDGE_FAILED: ErrorPayload = { code: 'INTERNAL', message: 'The app did not answer. Please try again.' };

/** Shown when a session is no longer in the history store. */
export const NOT_STORED: ErrorPayload = {
  code: 'SESSION_NOT_FOUND',
  message: 'This session is no longer kept on this workstation. Start a new session.',
};

/** Shown when a session's key was destroyed (its retention period ended) and it was removed. */
export const RETENTION_ENDED_MESSAGE = 'That session is no longer kept on this workstation: its retention period ended, so it was removed.';

function isSessionPayload(payload: unknown): payload is SessionPayload {
  const candidate = payload as Partial<SessionPayload> | null;
  return typeof candidate === 'object' && candidate !== null && typeof candidate.title === 'string' && typeof candidate.patient === 'object' && candidate.patient !== null;
}

function isTurnPayload(payload: unknown): payload is TurnPayload {
  const candidate = payload as Partial<TurnPayload> | null;
  return (
    typeof candidate === 'object' &&
    candidate !== null &&
    typeof candidate.turnId === 'string' &&
    typeof candidate.userText === 'string' &&
    typeof candidate.answerText === 'string'
  );
}

/**
 * Has main open `records`, in batches of at most {@link MAX_OPEN_BATCH} (one call for a page of the list). Results
 * are matched by id. A payload that does not fit its record's kind counts as `malformed`. A failed call answers its
 * error (nothing is then known about any record).
 */
export async function openThroughMain(api: AppApi, records: readonly SealedRecord[]): Promise<Result<OpenedRecords>> {
  const opened: OpenedRecords = { sessions: new Map(), turns: new Map(), failed: [] };
  for (let start = 0; start < records.length; start += MAX_OPEN_BATCH) {
    const batch = records.slice(start, start + MAX_OPEN_BATCH);
    let answer: Awaited<ReturnType<AppApi['vault']['open']>>;
    try {
      answer = await api.vault.open({ records: batch });
    } catch {
      return { ok: false, error: BRIDGE_FAILED };
    }
    if (!answer.ok) return answer;
    const byId = new Map(answer.data.results.map((result) => [result.id, result]));
    for (const record of batch) {
      const result = byId.get(record.id);
      // Main answers every record; one it skipped is simply not shown (nothing is known about it to set it aside).
      if (result === undefined) continue;
      if (!result.ok) {
        opened.failed.push({ record, reason: result.reason });
      } else if (record.kind === 'session' && isSessionPayload(result.payload)) {
        opened.sessions.set(record.id, result.payload);
      } else if (record.kind === 'turn' && isTurnPayload(result.payload)) {
        opened.turns.set(record.id, result.payload);
      } else {
        opened.failed.push({ record, reason: 'malformed' });
      }
    }
  }
  return { ok: true, data: opened };
}

/** The ISO time one millisecond after `time` (a `before` bound that still includes `time`). */
function justAfter(time: string): string | undefined {
  const ms = Date.parse(time);
  return Number.isFinite(ms) ? new Date(ms + 1).toISOString() : undefined;
}

/** Pages scanned at most when looking a session up (× {@link MAX_PAGE_SIZE} sessions). */
export const MAX_SCAN_PAGES = 200;

/**
 * The stored session record of `sessionId`, or null. The store lists sessions newest first, so a recently used
 * session is on the first page; `hintUpdatedAt` (what the list last saw) jumps straight to an older one.
 * Throws the store's read error.
 */
export async function findSessionRecord(
  store: HistoryStore,
  ownerId: string,
  sessionId: string,
  hintUpdatedAt?: string,
): Promise<SessionRecordRow | null> {
  const hinted = hintUpdatedAt === undefined ? undefined : justAfter(hintUpdatedAt);
  if (hinted !== undefined) {
    const page = await store.sessionsPage(ownerId, { before: hinted, limit: MAX_PAGE_SIZE });
    const found = page.sessions.find((row) => row.id === sessionId);
    if (found !== undefined) return found;
  }
  let before: string | undefined;
  for (let pages = 0; pages < MAX_SCAN_PAGES; pages++) {
    const page = await store.sessionsPage(ownerId, { ...(before === undefined ? {} : { before }), limit: MAX_PAGE_SIZE });
    const found = page.sessions.find((row) => row.id === sessionId);
    if (found !== undefined) return found;
    if (page.nextBefore === null) return null;
    before = page.nextBefore;
  }
  return null;
}

/** A session's records as stored. */
export interface StoredSession {
  /** The session record, or null when it is not (or no longer) stored. */
  session: SessionRecordRow | null;
  /** Its turn records, siblings included, ordered by seq. */
  turns: TurnRow[];
}

/** Reads a session's records from the store. Throws the store's read error. */
export async function loadSessionRecords(
  store: HistoryStore,
  ownerId: string,
  sessionId: string,
  hintUpdatedAt?: string,
): Promise<StoredSession> {
  const [session, turns] = await Promise.all([findSessionRecord(store, ownerId, sessionId, hintUpdatedAt), store.turnsOf(sessionId)]);
  return { session, turns };
}

/** Per seq, the record that counts: the newest by `updatedAt` (the later in store order on a tie). */
export function newestPerSeq<R extends Pick<SealedRecord, 'seq' | 'updatedAt'>>(records: readonly R[]): R[] {
  const bySeq = new Map<number, R>();
  for (const record of records) {
    const seen = bySeq.get(record.seq);
    if (seen === undefined || record.updatedAt >= seen.updatedAt) bySeq.set(record.seq, record);
  }
  return [...bySeq.values()].sort((a, b) => a.seq - b.seq);
}

/** How many turns a session has (regenerated siblings count once). */
export function turnCountOf(turns: readonly Pick<SealedRecord, 'seq'>[]): number {
  return new Set(turns.map((turn) => turn.seq)).size;
}

/**
 * The records `api.sessions.resume` takes: the session record, then its turns, as stored. Only the clinician's own
 * records go (main refuses another owner's). Past {@link MAX_RESUME_RECORDS}, superseded siblings are left out, and
 * then the oldest turns (the prompt's token budget would leave those out anyway).
 */
export function resumeRecordsOf(stored: StoredSession, ownerId: string): SealedRecord[] {
  if (stored.session === null) return [];
  let turns = stored.turns.filter((turn) => turn.ownerId === ownerId);
  if (turns.length + 1 > MAX_RESUME_RECORDS) turns = newestPerSeq(turns);
  if (turns.length + 1 > MAX_RESUME_RECORDS) turns = turns.slice(turns.length - (MAX_RESUME_RECORDS - 1));
  return [stored.session, ...turns];
}

/** What resuming a session from the store came to. `stored` is false when the store had nothing to hand main. */
export type ResumeOutcome = { ok: true; info: SessionInfo } | { ok: false; error: ErrorPayload; stored: boolean };

/**
 * Rebuilds main's live session `sessionId` from the store: reads its sealed records and hands them, as stored, to
 * `api.sessions.resume` (main opens — and so authenticates — every one).
 */
export async function resumeFromStore(api: AppApi, store: HistoryStore, ownerId: string, sessionId: string): Promise<ResumeOutcome> {
  let stored: StoredSession;
  try {
    stored = await loadSessionRecords(store, ownerId, sessionId);
  } catch {
    return { ok: false, error: READ_FAILED, stored: false };
  }
  const records = resumeRecordsOf(stored, ownerId);
  if (records.length === 0) return { ok: false, error: NOT_STORED, stored: false };
  try {
    const answer = await api.sessions.resume({ records });
    return answer.ok ? { ok: true, info: answer.data } : { ok: false, error: answer.error, stored: true };
  } catch {
    return { ok: false, error: BRIDGE_FAILED, stored: true };
  }
}

/** A stored session as the conversation view shows it (plaintext: memory only). */
export interface StoredSessionView {
  sessionId: string;
  /** When the session was opened (its record's creation time); null when it is not stored. */
  createdAt?: string | null;
  /** The patient from the session record; null when that record could not be opened. */
  patient: Patient | null;
  title: string | null;
  turns: Turn[];
  turnCount: number;
  lastModel: string | null;
  lastInferenceMs: number | null;
  lastOmittedTurns: number;
  /** Records that could not be opened and were set aside. */
  setAsideCount: number;
}

function storedTurnStatus(record: TurnRow): Turn['status'] {
  switch (record.status) {
    case 'complete':
      return 'complete';
    case 'incomplete':
      return 'incomplete';
    case 'error':
      return 'error';
    default:
      return 'pending';
  }
}

/** A stored turn as the conversation shows it. */
export function storedTurn(record: TurnRow, payload: TurnPayload): Turn {
  return {
    key: `stored-${record.id}`,
    turnId: payload.turnId || record.id,
    seq: record.seq,
    // The first turn's question is the patient (main words it as a request); later ones are what was typed.
    kind: record.seq === 1 ? 'intake' : 'followUp',
    message: payload.userText,
    answer: payload.answerText,
    status: storedTurnStatus(record),
    incompleteReason: payload.incompleteReason,
    nextDeltaIndex: 0,
    metadata: payload.metadata,
  };
}

/**
 * The answers of one seq (regenerated siblings), oldest first by `updatedAt`, so the shown (newest) one comes last.
 * Failed and pending records are not answers, unless the seq has nothing else.
 */
function siblingAnswersOf(records: readonly TurnRow[], opened: OpenedRecords): Turn['answers'] {
  const answered = records.filter((record) => record.status === 'complete' || record.status === 'incomplete');
  if (answered.length < 2) return undefined;
  return [...answered]
    .sort((a, b) => (a.updatedAt < b.updatedAt ? -1 : a.updatedAt > b.updatedAt ? 1 : 0))
    .map((record) => {
      const turn = storedTurn(record, opened.turns.get(record.id)!);
      return { turnId: turn.turnId!, answer: turn.answer, status: turn.status as 'complete' | 'incomplete', incompleteReason: turn.incompleteReason, metadata: turn.metadata ?? null };
    });
}

/** The title a session payload gives the list. */
export function titleOf(payload: SessionPayload): string {
  return payload.title.trim() || payload.patient.chiefComplaint.trim() || 'Untitled session';
}

/**
 * Builds the view of a stored session from what main opened: per seq the newest turn that opened, the patient and
 * title from the session record, the last answer's model and time.
 */
export function storedSessionView(sessionId: string, stored: StoredSession, opened: OpenedRecords): StoredSessionView {
  const sessionPayload = stored.session === null ? undefined : opened.sessions.get(stored.session.id);
  const shown = newestPerSeq(stored.turns.filter((record) => opened.turns.has(record.id)));
  const openedTurns = stored.turns.filter((record) => opened.turns.has(record.id));
  const turns = shown.map((record) => {
    const answers = siblingAnswersOf(
      openedTurns.filter((sibling) => sibling.seq === record.seq),
      opened,
    );
    return { ...storedTurn(record, opened.turns.get(record.id)!), ...(answers ? { answers } : {}) };
  });
  const lastWithMetadata = [...shown].reverse().find((record) => opened.turns.get(record.id)!.metadata !== null);
  const metadata = lastWithMetadata === undefined ? null : opened.turns.get(lastWithMetadata.id)!.metadata;
  return {
    sessionId,
    createdAt: stored.session?.createdAt ?? null,
    patient: sessionPayload?.patient ?? null,
    title: sessionPayload === undefined ? null : titleOf(sessionPayload),
    turns,
    turnCount: turns.length,
    lastModel: metadata?.model ?? null,
    lastInferenceMs: metadata?.inferenceTimeMs ?? null,
    lastOmittedTurns:
      metadata !== null && lastWithMetadata !== undefined && metadata.historyTrimmed
        ? Math.max(0, lastWithMetadata.seq - 1 - metadata.historyTurnsIncluded)
        : 0,
    setAsideCount: opened.failed.length,
  };
}
