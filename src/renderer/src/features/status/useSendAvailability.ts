import type { LlmStatus } from '../../../../shared/settings';
import { useAppStore } from '../../stores/appStore';

/** Whether a message can be sent to the model now, and if not, why and what to do (shown beside the send button). */
export interface SendAvailability {
  readonly canSend: boolean;
  /** Null when sending is possible. */
  readonly reason: string | null;
}

/**
 * Sending is held back only when main has said the model server is offline: an unknown status (not checked yet,
 * or the check itself failed) leaves sending on, since main answers a clear error if the call cannot go through.
 * Reviewing past sessions never depends on the server, so it is not affected.
 */
export function sendAvailability(status: LlmStatus | null): SendAvailability {
  if (status?.state !== 'offline') return { canSend: true, reason: null };
  return {
    canSend: false,
    reason:
      `Sending is paused: the model server (${status.endpoint}) is offline. You can still review past sessions. ` +
      'Check the network cable or Wi-Fi, or ask IT whether the server is running; sending comes back by itself when it answers (or press "Check again").',
  };
}

/**
 * {@link sendAvailability} for the current model-server status, for every send control (the intake's "Get protocol"
 * and the conversation's follow-up box). Re-renders only when the answer changes.
 */
export function useSendAvailability(): SendAvailability {
  const canSend = useAppStore((s) => sendAvailability(s.llmStatus).canSend);
  const reason = useAppStore((s) => sendAvailability(s.llmStatus).reason);
  return { canSend, reason };
}
