/**
 * How many of the signed-in clinician's stored records are still in the older record format (v1), for the settings
 * screen: main re-seals them in the current format when their session is continued. A count from the store's `v`
 * index — no record is opened.
 */
import type { HistoryStore } from './history/historyStore';
import { signedInOwner } from './history/signedInPeriod';
import type { DataOf, SliceCreator } from './types';

/** Record-format data and actions. */
export interface HistoryFormatSlice {
  /** Records still in the older format; null until counted (or when the store could not be read). */
  olderFormatRecords: number | null;
  /** Counts them from the history store. */
  countOlderFormatRecords(): Promise<void>;
}

/** Not counted. */
export const initialHistoryFormatState: Readonly<DataOf<HistoryFormatSlice>> = Object.freeze({
  olderFormatRecords: null,
});

/** Builds the slice over the history store (null: nothing to count). */
export function createHistoryFormatSlice(history: HistoryStore | null): SliceCreator<HistoryFormatSlice> {
  return (set, get) => ({
    ...initialHistoryFormatState,

    async countOlderFormatRecords() {
      const owner = signedInOwner(get());
      if (history === null || owner === null) return;
      let count: number | null;
      try {
        count = await history.countOlderFormat(owner);
      } catch {
        count = null;
      }
      // A lock or another clinician meanwhile: the count is not theirs.
      if (signedInOwner(get()) === owner) set({ olderFormatRecords: count });
    },
  });
}
