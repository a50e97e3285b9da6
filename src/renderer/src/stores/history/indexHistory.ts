/**
 * The background indexing pass (once per unlock): every record of every session of the clinician goes to main's
 * search index (`api.vault.index`), so a search covers the whole history, not only what the list has loaded. Main
 * sends no plaintext back — only the records it did not open, which the pass reports sorted by what the page does
 * about them (openFailures.ts).
 *
 * A plain function, not a store action: the slice that runs it (historyIndexingSlice.ts) supplies where progress and
 * failures go, and when the pass must stop.
 */
import type { AppApi } from '../../../../preload/apiTypes';
import type { ErrorPayload } from '../../../../shared/errors';
import { MAX_OPEN_BATCH, type SealedRecord } from '../../../../shared/vault';
import { sessionPages } from '../../db/sessionPages';
import type { HistoryStore } from './historyStore';
import { judgeOpenFailures, type OpenFailureVerdict } from './openFailures';
import type { FailedRecord } from './openThroughMain';

/** Sessions read per page by the pass. */
export const INDEX_PAGE_SIZE = 200;

/** Progress of the pass: sessions handed to main so far, of how many (null while counting). */
export interface HistoryIndexing {
  done: number;
  total: number | null;
}

/** What the pass needs, and where it reports. */
export interface IndexHistoryOptions {
  /** `api.vault.index`. */
  index: AppApi['vault']['index'];
  store: Pick<HistoryStore, 'sessionsPage' | 'turnsOf'>;
  /** The signed-in clinician: only their sessions and records are read and sent. */
  ownerId: string;
  /** False once the pass must stop (the signed-in period ended: a lock). Asked after every wait. */
  live(): boolean;
  /** Progress, as it changes. */
  onProgress(progress: HistoryIndexing): void;
  /** What main did not open in one batch; awaited before the pass goes on (the caller deletes shredded sessions). */
  onFailures(verdict: OpenFailureVerdict): Promise<void>;
  /** Main refused a batch (a lock, the audit log unavailable): the pass stops there. */
  onRefused(error: ErrorPayload): void;
  /** Awaited between batches so the page stays responsive; default: a macrotask. */
  yieldToPage?: () => Promise<void>;
  /** Sessions per page read; default {@link INDEX_PAGE_SIZE}. */
  pageSize?: number;
}

/** `finished`: every session was handed to main; `stopped`: the pass ended early (a lock, or main refused). */
export type IndexOutcome = 'finished' | 'stopped';

/** Lets the page run (input, rendering) before the next step: a macrotask. */
function nextMacrotask(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/**
 * Runs the pass: counts the sessions first (ciphertext rows only, nothing opened) so progress can say "N of M", then
 * hands each session's records — its session record, then its turns — to main in batches of at most
 * {@link MAX_OPEN_BATCH}. One batch is with main while the page reads the next, never more. Sessions found shredded
 * are not read further. Throws the store's read error.
 */
export async function indexHistory(options: IndexHistoryOptions): Promise<IndexOutcome> {
  const { index, store, ownerId, live, onProgress, onFailures, onRefused } = options;
  const yieldToPage = options.yieldToPage ?? nextMacrotask;
  const limit = options.pageSize ?? INDEX_PAGE_SIZE;
  if (!live()) return 'stopped';
  onProgress({ done: 0, total: null });

  let total = 0;
  for await (const rows of sessionPages(store, ownerId, { limit })) {
    if (!live()) return 'stopped';
    total += rows.length;
    await yieldToPage();
    if (!live()) return 'stopped';
  }
  onProgress({ done: 0, total });

  let done = 0;
  let batch: SealedRecord[] = [];
  /** Sessions whose last records are in `batch`. */
  let completing = 0;
  const shredded = new Set<string>();
  /** The batch main is working on (at most one), resolving to false when the pass must stop. */
  let inFlight: Promise<boolean> | null = null;

  /** Has main index `records`; reports what did not open. False when the pass must stop. */
  const send = async (records: SealedRecord[], completed: number): Promise<boolean> => {
    let answer: Awaited<ReturnType<AppApi['vault']['index']>>;
    try {
      answer = await index({ records });
    } catch {
      return false;
    }
    if (!live()) return false;
    if (!answer.ok) {
      onRefused(answer.error);
      return false;
    }
    const byId = new Map(records.map((record) => [record.id, record]));
    const failed: FailedRecord[] = answer.data.failures.flatMap((failure) => {
      const record = byId.get(failure.id);
      return record === undefined ? [] : [{ record, reason: failure.reason }];
    });
    if (failed.length > 0) {
      const verdict = judgeOpenFailures(failed);
      verdict.shredded.forEach((sessionId) => shredded.add(sessionId));
      await onFailures(verdict);
    }
    done += completed;
    if (!live()) return false;
    onProgress({ done, total: Math.max(total, done) });
    await yieldToPage();
    return live();
  };

  /** Hands `batch` to main once main has finished the previous one; false when the pass must stop. */
  const flush = async (): Promise<boolean> => {
    if (batch.length === 0) return true;
    const records = batch;
    const completed = completing;
    batch = [];
    completing = 0;
    if (inFlight !== null && !(await inFlight)) return false;
    inFlight = send(records, completed);
    return true;
  };

  for await (const rows of sessionPages(store, ownerId, { limit })) {
    if (!live()) return 'stopped';
    for (const row of rows) {
      if (shredded.has(row.id)) continue;
      const turns = (await store.turnsOf(row.id)).filter((turn) => turn.ownerId === ownerId);
      if (!live()) return 'stopped';
      let records: SealedRecord[] = [row, ...turns];
      while (records.length > 0) {
        const room = MAX_OPEN_BATCH - batch.length;
        batch.push(...records.slice(0, room));
        records = records.slice(room);
        if (records.length === 0) completing++;
        if (batch.length >= MAX_OPEN_BATCH && !(await flush())) return 'stopped';
      }
    }
  }
  if (!(await flush()) || (inFlight !== null && !(await inFlight))) return 'stopped';
  return 'finished';
}
