/**
 * Having main open sealed records (`api.vault.open`, in batches of at most {@link MAX_OPEN_BATCH}). The page never
 * decrypts anything; what main opens lives in memory only (the store state), never in IndexedDB.
 */
import type { AppApi } from '../../../../preload/apiTypes';
import type { Result } from '../../../../shared/errors';
import { MAX_OPEN_BATCH, type OpenFailureReason, type SealedRecord, type SessionPayload, type TurnPayload } from '../../../../shared/vault';
import { BRIDGE_FAILED } from './historyErrors';

/** A record main did not open, and why. */
export interface FailedRecord {
  record: SealedRecord;
  reason: OpenFailureReason;
}

/** What `api.vault.open` made of a set of records. */
export interface OpenedRecords {
  /** Payloads of the records main opened, by record id (memory only). */
  sessions: Map<string, SessionPayload>;
  turns: Map<string, TurnPayload>;
  /** Records main did not open (what the page does about each: see openFailures.ts). */
  failed: FailedRecord[];
}

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
