/** The server's notion of now, injected so tests move time for token expiry, leases and sweeps instead of sleeping. */
export interface Clock {
  now(): Date;
}

/** The wall clock. Every process of one clinic must agree on it (NTP), as leases and tokens compare against it. */
export const systemClock: Clock = { now: () => new Date() };

/** The UTC calendar day of a moment, as `YYYY-MM-DD`. */
export function utcDay(at: Date): string {
  return at.toISOString().slice(0, 10);
}

/** The UTC day `days` days before `at`. */
export function utcDayBefore(at: Date, days: number): string {
  return utcDay(new Date(at.getTime() - days * 86_400_000));
}
