import type { Clock } from '../core/clock';

/** Which endpoints failed recently, and until when they are passed over. */
export interface EndpointHealth {
  /** True unless the endpoint failed within its cooldown. */
  isHealthy(endpoint: string): boolean;
  /** Passes the endpoint over for the cooldown, or for `atLeastMs` when that is longer (a long `Retry-After`). */
  markUnhealthy(endpoint: string, atLeastMs?: number): void;
  /** Ends a cooldown early: the endpoint answered. */
  markHealthy(endpoint: string): void;
  /**
   * The endpoints in the order to try them: healthy ones in configured order, then those cooling down, in
   * configured order. A cooling endpoint is a last resort, not a forbidden one: with a single endpoint, a turn
   * after a blip must still reach the server rather than fail without trying.
   */
  order(endpoints: readonly string[]): string[];
}

/** Health by monotonic time on `clock`, so cooldowns are exact under a test clock. */
export function createEndpointHealth(clock: Clock, cooldownMs: number): EndpointHealth {
  const unhealthyUntil = new Map<string, number>();
  const isHealthy = (endpoint: string): boolean => {
    const until = unhealthyUntil.get(endpoint);
    if (until === undefined) return true;
    if (clock.monotonicMs() < until) return false;
    unhealthyUntil.delete(endpoint);
    return true;
  };
  return {
    isHealthy,
    markUnhealthy(endpoint, atLeastMs = 0) {
      unhealthyUntil.set(endpoint, clock.monotonicMs() + Math.max(cooldownMs, atLeastMs));
    },
    markHealthy(endpoint) {
      unhealthyUntil.delete(endpoint);
    },
    order(endpoints) {
      return [...endpoints.filter(isHealthy), ...endpoints.filter((endpoint) => !isHealthy(endpoint))];
    },
  };
}
