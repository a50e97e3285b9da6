import { useEffect } from 'react';
import type { LlmStatus } from '../../../../shared/settings';
import { useAppStore } from '../../stores/appStore';
import { FocusKeepingButton } from '../../components/FocusKeepingButton';

/** One line of text for the model server's state. */
export function describeLlmStatus(status: LlmStatus | null, error: string | null, checking: boolean): string {
  if (error !== null) return `Model server: status unknown (${error})`;
  if (status === null) return checking ? 'Model server: checking…' : 'Model server: not checked yet';
  const model = status.model ? `, ${status.model}` : '';
  const latency = status.latencyMs !== null ? `, ${Math.round(status.latencyMs)} ms` : '';
  // Which endpoint: with fallbacks configured, "offline" alone would not say which server to ask IT about.
  return `Model server: ${status.state}${model}${latency} (${status.endpoint})`;
}

/**
 * While main reports the server offline, the page asks again this often, so sending (paused while offline, see
 * useSendAvailability) comes back within seconds of the server, not at main's next background probe (30 s).
 */
export const OFFLINE_RECHECK_MS = 5_000;

/** The model server's status (`data-testid="llm-status"`) with a "Check again" button. */
export function LlmStatusLine() {
  const status = useAppStore((s) => s.llmStatus);
  const error = useAppStore((s) => s.llmStatusError);
  const checking = useAppStore((s) => s.llmStatusChecking);
  const checkLlmStatus = useAppStore((s) => s.checkLlmStatus);
  const state = error !== null ? 'unknown' : (status?.state ?? 'unknown');
  const offline = status?.state === 'offline';

  useEffect(() => {
    if (!offline) return;
    const timer = setInterval(() => void checkLlmStatus(), OFFLINE_RECHECK_MS);
    return () => clearInterval(timer);
  }, [offline, checkLlmStatus]);

  return (
    <div className="llm-status">
      <span className={`llm-status-dot llm-status-${state}`} aria-hidden="true" />
      {/* role=status (not alert): a server going offline is news, not an error in what the clinician did. */}
      <span data-testid="llm-status" role="status">
        {describeLlmStatus(status, error, checking)}
      </span>
      <FocusKeepingButton className="button-quiet" unavailable={checking} onPress={() => void checkLlmStatus()}>
        Check again
      </FocusKeepingButton>
    </div>
  );
}
