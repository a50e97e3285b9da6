/** What the store's slices need of the history database (the app passes `historyStore`; tests pass their own). */
import type { RecordStore } from '../../db/recordStore';

/** The part of the record store the slices read, delete and set aside with. */
export type HistoryStore = Pick<RecordStore, 'sessionsPage' | 'turnsOf' | 'deleteSessions' | 'quarantine' | 'countOlderFormat'>;
