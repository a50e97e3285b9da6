/**
 * The model server's health as main last saw it, for the status line. Purely informative: sending is never
 * blocked on it, because main is the one that knows whether a call can go through.
 */
import type { AppApi } from '../../../preload/apiTypes';
import type { LlmStatus } from '../../../shared/settings';
import type { DataOf, SliceCreator } from './types';

/** Model-server status data and actions. */
export interface LlmStatusSlice {
  llmStatus: LlmStatus | null;
  /** Why the status could not be read, if it could not. */
  llmStatusError: string | null;
  llmStatusChecking: boolean;
  /** Asks main for the status; a check already under way is not doubled. */
  checkLlmStatus(): Promise<void>;
  /** Main's status event: a failover, the server going away or coming back. */
  receiveLlmStatus(status: LlmStatus): void;
}

/** No status known yet. */
export const initialLlmStatusState: Readonly<DataOf<LlmStatusSlice>> = Object.freeze({
  llmStatus: null,
  llmStatusError: null,
  llmStatusChecking: false,
});

/** Builds the status slice over `api`. */
export function createLlmStatusSlice(api: AppApi): SliceCreator<LlmStatusSlice> {
  return (set, get) => ({
    ...initialLlmStatusState,

    async checkLlmStatus() {
      if (get().llmStatusChecking) return;
      set({ llmStatusChecking: true });
      const result = await api.llm.status();
      set(
        result.ok
          ? { llmStatus: result.data, llmStatusError: null, llmStatusChecking: false }
          : { llmStatusError: result.error.message, llmStatusChecking: false },
      );
    },

    receiveLlmStatus(status) {
      set({ llmStatus: status, llmStatusError: null });
    },
  });
}
