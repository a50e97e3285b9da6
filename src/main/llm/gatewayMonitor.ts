import { errorKind, type Logger } from '../core/logger';
import type { Clock, TimerHandle } from '../core/clock';

/**
 * Runs `probe` now and then every `intervalMs` after the previous probe finished, on one timer of `clock` at a
 * time (the system clock's timers are unref'd, so monitoring never keeps the app alive). Probes never overlap.
 * Returns the stop function.
 */
export function startGatewayMonitor(clock: Clock, intervalMs: number, probe: () => Promise<unknown>, logger: Logger): () => void {
  let stopped = false;
  let timer: TimerHandle | null = null;
  const run = async (): Promise<void> => {
    timer = null;
    try {
      await probe();
    } catch (error) {
      logger.warn('llm.monitor_probe_failed', { error: errorKind(error) });
    }
    if (!stopped) timer = clock.setTimer(() => void run(), intervalMs);
  };
  void run();
  return () => {
    stopped = true;
    if (timer !== null) clock.clearTimer(timer);
    timer = null;
  };
}
