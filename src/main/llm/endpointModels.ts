import type { Clock } from '../core/clock';
import type { ServedModel } from './llmClient';

/** Each endpoint's `/v1/models`, remembered briefly so failover and context lookups do not ask every time. */
export interface EndpointModels {
  /** The endpoint's models, from the cache when fresh; a failure to list is thrown and not cached. */
  get(endpoint: string, signal?: AbortSignal): Promise<ServedModel[]>;
  /** Stores a fresh listing (from a health probe). */
  remember(endpoint: string, models: ServedModel[]): void;
}

/**
 * A cache of model listings, fresh for `ttlMs` of monotonic time. Short on purpose: a server redeployed with
 * another model must stop being a failover target soon.
 */
export function createEndpointModels(
  clock: Clock,
  ttlMs: number,
  list: (endpoint: string, signal?: AbortSignal) => Promise<ServedModel[]>,
): EndpointModels {
  const cache = new Map<string, { readonly models: ServedModel[]; readonly fetchedAt: number }>();
  // Many turns starting at once (a clinic's morning) share one listing request instead of each sending its own.
  const pending = new Map<string, Promise<ServedModel[]>>();
  const remember = (endpoint: string, models: ServedModel[]): void => {
    cache.set(endpoint, { models, fetchedAt: clock.monotonicMs() });
  };
  return {
    async get(endpoint, signal) {
      const cached = cache.get(endpoint);
      if (cached && clock.monotonicMs() - cached.fetchedAt < ttlMs) return cached.models;
      const inFlight = pending.get(endpoint);
      if (inFlight) return inFlight;
      const request = list(endpoint, signal).then((models) => {
        remember(endpoint, models);
        return models;
      });
      pending.set(endpoint, request);
      try {
        return await request;
      } finally {
        pending.delete(endpoint);
      }
    },
    remember,
  };
}
