/**
 * Turning a page of stored session rows into list entries: rows the list already shows unchanged keep their title
 * and count; the others are counted from the store and their session records opened by main in ONE call.
 */
import type { AppApi } from '../../../../preload/apiTypes';
import type { ErrorPayload } from '../../../../shared/errors';
import type { SessionRecordRow } from '../../db/database';
import type { HistoryEntry } from './historyEntry';
import { historyError } from './historyErrors';
import type { HistoryStore } from './historyStore';
import { judgeOpenFailures, noFailures, type OpenFailureVerdict } from './openFailures';
import { openThroughMain } from './openThroughMain';
import { patientLine } from './patientLine';
import { titleOf } from './storedSessionView';
import { summariseRecords, type TurnSummary } from './turnSummary';

/** Entries for a page of rows, what main's refusals ask of the list, and main's error if the call failed. */
export interface DescribedRows {
  /** One entry per row, in row order, except sessions whose key was destroyed (`shredded`): they leave the list. */
  entries: HistoryEntry[];
  /** The sessions main did not open, sorted (the caller deletes the shredded ones and counts the others). */
  verdict: OpenFailureVerdict;
  /** Sessions whose record main opened in this call (so their key is here). */
  opened: Set<string>;
  error: ErrorPayload | null;
}

async function summariseTurns(store: HistoryStore, sessionId: string): Promise<TurnSummary | null> {
  try {
    return summariseRecords(await store.turnsOf(sessionId));
  } catch {
    return null;
  }
}

/**
 * Describes `rows` for the list. `known` is what the list shows now (by session id). A session record main does not
 * open is listed without a title — marked when its key is not here or it was rolled back — and never set aside here.
 */
export async function describeRows(
  api: AppApi,
  store: HistoryStore,
  rows: readonly SessionRecordRow[],
  known: ReadonlyMap<string, HistoryEntry>,
): Promise<DescribedRows> {
  const isKnown = (row: SessionRecordRow): boolean => {
    const entry = known.get(row.id);
    return entry !== undefined && entry.updatedAt === row.updatedAt && entry.title !== null;
  };
  const changed = rows.filter((row) => !isKnown(row));
  const [summaries, opened] = await Promise.all([
    Promise.all(changed.map(async (row) => [row.id, await summariseTurns(store, row.id)] as const)).then((pairs) => new Map(pairs)),
    changed.length === 0 ? Promise.resolve(null) : openThroughMain(api, changed),
  ]);
  const error = opened !== null && !opened.ok ? historyError(opened.error, 'open') : null;
  const verdict = opened?.ok ? judgeOpenFailures(opened.data.failed) : noFailures();
  const entries = rows
    .filter((row) => !verdict.shredded.has(row.id))
    .map((row): HistoryEntry => {
      if (isKnown(row)) return { ...known.get(row.id)!, status: row.status };
      const payload = opened?.ok ? opened.data.sessions.get(row.id) : undefined;
      return {
        sessionId: row.id,
        createdAt: row.createdAt,
        updatedAt: row.updatedAt,
        status: row.status,
        title: payload === undefined ? null : titleOf(payload),
        patientLine: payload === undefined ? null : patientLine(payload.patient),
        turnCount: summaries.get(row.id)?.turnCount ?? null,
        sessionState: summaries.get(row.id)?.sessionState ?? null,
        problem: verdict.keyMissing.has(row.id) ? 'key-missing' : verdict.rolledBack.has(row.id) ? 'rolled-back' : null,
      };
    });
  return { entries, verdict, error, opened: new Set(opened?.ok ? opened.data.sessions.keys() : []) };
}
