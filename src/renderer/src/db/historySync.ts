/**
 * The page's durable history, started once at start-up: every sealed record main delivers (whichever code in the
 * page started the turn) is written to IndexedDB and acknowledged, before main asks the model.
 */
import { api } from '../lib/api';
import { openHistoryDb } from './database';
import { createRecordStore, type RecordStore } from './recordStore';
import { ackInputOf, startRecordSync } from './recordSync';

/** The app's history store, over the one database. */
export const historyStore: RecordStore = createRecordStore(openHistoryDb());

/** Subscribes the store to main's sealed records. Call once, before the first turn can start. */
export function startHistorySync(): { stop(): void } {
  return startRecordSync(
    {
      onRecord: (listener) => api.vault.onRecord(listener),
      ack: (recordId, result) => api.vault.ack(ackInputOf(recordId, result)),
    },
    historyStore,
  );
}
