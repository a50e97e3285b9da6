/**
 * Rebuilding main's live session from the history store: the page reads the session's sealed records and hands them,
 * as stored, to `api.sessions.resume` — main opens (and so authenticates) every one, and checks them against the
 * session's list of turns, before it rebuilds anything.
 */
import type { AppApi } from '../../../../preload/apiTypes';
import type { ErrorPayload } from '../../../../shared/errors';
import type { SessionInfo } from '../../../../shared/sessions';
import { BRIDGE_FAILED, historyError, NOT_STORED, READ_FAILED } from './historyErrors';
import type { HistoryStore } from './historyStore';
import { loadSessionRecords, resumeRecordsOf, type StoredSession } from './storedRecords';

/** What resuming a session from the store came to. `stored` is false when the store had nothing to hand main. */
export type ResumeOutcome = { ok: true; info: SessionInfo } | { ok: false; error: ErrorPayload; stored: boolean };

/**
 * Rebuilds main's live session `sessionId` from the store's records of the signed-in clinician `ownerId`; for a
 * session continued on two workstations, along the branch of `branchTurnId` when given.
 */
export async function resumeFromStore(api: AppApi, store: HistoryStore, ownerId: string, sessionId: string, branchTurnId: string | null = null): Promise<ResumeOutcome> {
  let stored: StoredSession;
  try {
    stored = await loadSessionRecords(store, ownerId, sessionId);
  } catch {
    return { ok: false, error: READ_FAILED, stored: false };
  }
  const records = resumeRecordsOf(stored, ownerId);
  if (records.length === 0) return { ok: false, error: NOT_STORED, stored: false };
  try {
    const answer = await api.sessions.resume(branchTurnId === null ? { records } : { records, branchTurnId });
    return answer.ok ? { ok: true, info: answer.data } : { ok: false, error: historyError(answer.error, 'continue'), stored: true };
  } catch {
    return { ok: false, error: BRIDGE_FAILED, stored: true };
  }
}
