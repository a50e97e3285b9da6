/**
 * Exporting the open session: the page reads the session's sealed records from its store and hands them to main
 * (`api.sessions.export`), which opens them, renders the file and audits the export. The file is handed straight to
 * the caller to save and never kept in the store: it is patient data.
 */
import type { AppApi } from '../../../preload/apiTypes';
import type { ErrorPayload } from '../../../shared/errors';
import type { ExportFormat, ExportOutput } from '../../../shared/export';
import { BRIDGE_FAILED, historyError, NOT_STORED, READ_FAILED } from './history/historyErrors';
import type { HistoryStore } from './history/historyStore';
import { loadSessionRecords, resumeRecordsOf } from './history/storedRecords';
import type { DataOf, SliceCreator } from './types';

/** Export data and actions. */
export interface ExportSlice {
  /** IT policy `exportAllowed` as main reported it; null until known (main refuses anyway when it is off). */
  exportAllowed: boolean | null;
  /** The format being exported, if any. */
  exportBusy: ExportFormat | null;
  exportError: ErrorPayload | null;
  /** Reads whether policy allows exports (`api.settings.get`). */
  loadExportPolicy(): Promise<void>;
  /** Exports the open session; resolves with the file to save, or null (the reason is in {@link exportError}). */
  exportSession(format: ExportFormat): Promise<ExportOutput | null>;
}

/** Nothing known. */
export const initialExportState: Readonly<DataOf<ExportSlice>> = Object.freeze({
  exportAllowed: null,
  exportBusy: null,
  exportError: null,
});

/** Builds the export slice over `api` and the history store. */
export function createExportSlice(api: AppApi, history: HistoryStore | null): SliceCreator<ExportSlice> {
  return (set, get) => ({
    ...initialExportState,

    async loadExportPolicy() {
      try {
        const answer = await api.settings.get();
        if (answer.ok) set({ exportAllowed: answer.data.values.exportAllowed });
      } catch {
        // Unknown stays null: the buttons stay on and main's refusal, if any, is shown.
      }
    },

    async exportSession(format) {
      const auth = get().authState;
      const owner = auth?.state === 'unlocked' ? auth.profileId : null;
      const sessionId = get().sessionId;
      if (owner === null || sessionId === null || get().exportBusy !== null) return null;
      if (history === null) {
        set({ exportError: NOT_STORED });
        return null;
      }
      set({ exportBusy: format, exportError: null });
      let error: ErrorPayload | null = null;
      let file: ExportOutput | null = null;
      let records: ReturnType<typeof resumeRecordsOf> = [];
      try {
        records = resumeRecordsOf(await loadSessionRecords(history, owner, sessionId), owner);
        if (records.length === 0) error = NOT_STORED;
      } catch {
        error = READ_FAILED;
      }
      if (error === null) {
        try {
          const answer = await api.sessions.export({ format, records });
          if (answer.ok) file = answer.data;
          else error = historyError(answer.error, 'export');
        } catch {
          error = BRIDGE_FAILED;
        }
      }
      // A lock meanwhile: the file is dropped, never offered.
      if (get().authState?.state !== 'unlocked' || get().authState?.profileId !== owner) return null;
      set({ exportBusy: null, exportError: error });
      if (error?.code === 'FORBIDDEN' && /policy/i.test(error.message)) set({ exportAllowed: false });
      return file;
    },
  });
}
