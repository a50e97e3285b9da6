import type { Result } from './errors';
import { channelOf, EVENT_NAMES, OPERATION_NAMES, type EventName, type OperationName } from './channels';
import type { EventPayload, OperationInput, OperationOutput } from './contract';

/** Stops a subscription. Calling it twice is harmless. */
export type Unsubscribe = () => void;

type DomainOf<N extends string> = N extends `${infer Domain}.${string}` ? Domain : never;

type OperationFunction<N extends OperationName> = [OperationInput<N>] extends [undefined]
  ? () => Promise<Result<OperationOutput<N>>>
  : (input: OperationInput<N>) => Promise<Result<OperationOutput<N>>>;

type DomainApi<D extends string> = {
  readonly [N in OperationName as N extends `${D}.${infer Verb}` ? Verb : never]: OperationFunction<N>;
} & {
  readonly [N in EventName as N extends `${D}.${infer Event}` ? `on${Capitalize<Event>}` : never]: (
    listener: (payload: EventPayload<N>) => void,
  ) => Unsubscribe;
};

/**
 * The shape of `window.api`, derived from the contract: `api.protocol.generate(input)`,
 * `api.protocol.onDelta(listener)`, `api.llm.status()` and so on. Every function answers a {@link Result}.
 */
export type AppApi = {
  readonly [D in DomainOf<OperationName | EventName>]: DomainApi<D>;
};

/** What a bridge (Electron's preload, or the browser harness) must provide to carry calls and events. */
export interface ApiCarrier {
  /** Sends one call on `channel` and resolves with main's envelope. */
  invoke(channel: string, payload: unknown): Promise<unknown>;
  /** Listens on `channel`; the listener receives the payload only, never a raw transport event. */
  subscribe(channel: string, listener: (payload: unknown) => void): Unsubscribe;
}

function splitName(name: string): [domain: string, member: string] {
  const dot = name.indexOf('.');
  return [name.slice(0, dot), name.slice(dot + 1)];
}

/** `delta` → `onDelta`. */
export function eventMemberName(event: string): string {
  return `on${event.charAt(0).toUpperCase()}${event.slice(1)}`;
}

/**
 * Builds `window.api` from the contract over a carrier: one function per operation, one `on…` per event,
 * nothing generic (no channel name can be passed in from the page). Both the preload and the harness use this,
 * so the page sees exactly the same shape in either.
 */
export function buildApi(carrier: ApiCarrier): AppApi {
  const domains: Record<string, Record<string, unknown>> = {};
  const domainOf = (domain: string): Record<string, unknown> => (domains[domain] ??= {});
  for (const name of OPERATION_NAMES) {
    const [domain, verb] = splitName(name);
    const channel = channelOf(name);
    domainOf(domain)[verb] = (input?: unknown) => carrier.invoke(channel, input);
  }
  for (const name of EVENT_NAMES) {
    const [domain, event] = splitName(name);
    const channel = channelOf(name);
    domainOf(domain)[eventMemberName(event)] = (listener: (payload: unknown) => void): Unsubscribe => {
      if (typeof listener !== 'function') throw new TypeError('listener must be a function');
      return carrier.subscribe(channel, (payload) => listener(payload));
    };
  }
  for (const domain of Object.values(domains)) Object.freeze(domain);
  return Object.freeze(domains) as unknown as AppApi;
}
