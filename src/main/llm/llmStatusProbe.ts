import type { LlmStatus } from '../../shared/settings';
import type { Clock } from '../sessions/clock';
import type { LlmClient } from './llmClient';

/** Above this a reachable server is reported as degraded: a clinician will notice the wait. */
const DEGRADED_AFTER_MS = 2_000;
/** A health probe never waits longer than this, whatever the request timeout. */
const PROBE_TIMEOUT_MS = 5_000;

/**
 * Asks the model server which models it serves and how fast it answers. Never throws: an unreachable
 * server is a status, not an error.
 */
export async function probeLlmStatus(client: LlmClient, configuredModel: string, clock: Clock): Promise<LlmStatus> {
  const started = clock.monotonicMs();
  try {
    const models = await client.listModels(AbortSignal.timeout(PROBE_TIMEOUT_MS));
    const latencyMs = Math.max(0, Math.round(clock.monotonicMs() - started));
    const model = configuredModel || models[0]?.id || null;
    const served = model !== null && models.some((entry) => entry.id === model);
    const state = !served || latencyMs > DEGRADED_AFTER_MS ? 'degraded' : 'reachable';
    return { reachable: true, state, model, endpoint: client.endpoint, latencyMs };
  } catch {
    return { reachable: false, state: 'offline', model: configuredModel || null, endpoint: client.endpoint, latencyMs: null };
  }
}
