import type { LlmStatus } from '../../shared/settings';
import { errorKind, type Logger } from '../core/logger';

/** The gateway's last known status, and who wants to hear when it changes. */
export interface GatewayStatusFeed {
  /** The last status published, or null before the first probe or turn. */
  current(): LlmStatus | null;
  /** Records `status`; listeners hear of it only when the state, endpoint or model differ (latency jitters). */
  publish(status: LlmStatus): void;
  /** Adds a listener; returns its removal. */
  subscribe(listener: (status: LlmStatus) => void): () => void;
  /** Drops every listener. */
  clear(): void;
}

/** A status feed; a listener that throws is logged (by error class) and does not stop the others. */
export function createGatewayStatusFeed(logger: Logger): GatewayStatusFeed {
  const listeners = new Set<(status: LlmStatus) => void>();
  let last: LlmStatus | null = null;
  return {
    current: () => last,
    publish(status) {
      const previous = last;
      last = status;
      if (previous && previous.state === status.state && previous.endpoint === status.endpoint && previous.model === status.model) return;
      logger.info('llm.status_changed', { state: status.state, endpoint: status.endpoint, model: status.model });
      for (const listener of [...listeners]) {
        try {
          listener(status);
        } catch (error) {
          logger.error('llm.status_listener_failed', { error: errorKind(error) });
        }
      }
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
    clear() {
      listeners.clear();
    },
  };
}
