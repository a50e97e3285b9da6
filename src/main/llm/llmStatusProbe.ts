import type { LlmStatus } from '../../shared/settings';
import type { Clock } from '../core/clock';
import type { LlmClient, ServedModel } from './llmClient';
import { LlmRequestError } from './llmErrors';

/** Above this a reachable server is reported as degraded: a clinician will notice the wait. */
export const DEGRADED_AFTER_MS = 2_000;
/** A health probe never waits longer than this, whatever the request timeout. */
export const PROBE_TIMEOUT_MS = 5_000;

/** What one look at an endpoint's `/v1/models` found. */
export interface EndpointProbe {
  readonly endpoint: string;
  /** The listing, or null when it failed. */
  readonly models: ServedModel[] | null;
  /** True when a server answered at all, even with an HTTP error (401, 503): it is there, but not usable. */
  readonly answered: boolean;
  /** Null when nothing answered. */
  readonly latencyMs: number | null;
}

/**
 * Asks one endpoint which models it serves, timing the answer on `clock`. Never throws: an unreachable server is
 * a finding, not an error.
 */
export async function probeEndpoint(
  client: Pick<LlmClient, 'endpoint' | 'listModels'>,
  clock: Clock,
  timeoutMs: number = PROBE_TIMEOUT_MS,
): Promise<EndpointProbe> {
  const started = clock.monotonicMs();
  const latency = (): number => Math.max(0, Math.round(clock.monotonicMs() - started));
  try {
    const models = await client.listModels(AbortSignal.timeout(Math.min(timeoutMs, PROBE_TIMEOUT_MS)));
    return { endpoint: client.endpoint, models, answered: true, latencyMs: latency() };
  } catch (error) {
    const answered = error instanceof LlmRequestError && error.status !== null;
    return { endpoint: client.endpoint, models: null, answered, latencyMs: answered ? latency() : null };
  }
}

/** The model a status is about: the configured one, else (development builds) the first the server lists. */
export function statusModel(configuredModel: string, models: readonly ServedModel[] | null): string | null {
  return configuredModel || models?.[0]?.id || null;
}

/** Whether a listing includes `model` (a null model — nothing configured, nothing listed — is never served). */
export function servesModel(models: readonly ServedModel[] | null, model: string | null): boolean {
  return model !== null && models !== null && models.some((entry) => entry.id === model);
}

/**
 * The status one probe supports. Reachable only for the primary, answering fast with the model served; anything
 * less that still answers — slow, model missing, an HTTP error, or a fallback standing in — is degraded.
 */
export function judgeProbe(probe: EndpointProbe, configuredModel: string, isPrimary: boolean): LlmStatus {
  if (!probe.answered) return offlineStatus(probe.endpoint, configuredModel);
  const model = statusModel(configuredModel, probe.models);
  const fast = probe.latencyMs !== null && probe.latencyMs <= DEGRADED_AFTER_MS;
  const state = isPrimary && fast && servesModel(probe.models, model) ? 'reachable' : 'degraded';
  return { reachable: true, state, model, endpoint: probe.endpoint, latencyMs: probe.latencyMs };
}

/** The status when no endpoint answers. */
export function offlineStatus(endpoint: string, configuredModel: string): LlmStatus {
  return { reachable: false, state: 'offline', model: configuredModel || null, endpoint, latencyMs: null };
}

/**
 * The status of a single endpoint (see the gateway's `status` for several). Never throws: an unreachable server
 * is a status, not an error.
 */
export async function probeLlmStatus(client: LlmClient, configuredModel: string, clock: Clock): Promise<LlmStatus> {
  return judgeProbe(await probeEndpoint(client, clock), configuredModel, true);
}
