/**
 * The sync protocol's calls, one method each, over {@link sendSyncRequest}. What is sent is checked against the
 * shared schema too — a bug of this workstation is caught here, not answered as `INVALID_INPUT` by the server — and
 * every answer before it is returned.
 *
 * Signed-out calls (prelogin, register, sign-in) are on the client; the rest on {@link SyncSession}, which holds the
 * bearer token. Warning: the token is one clinician's; drop the session object at lock and sign-out, never keep it
 * beside the profile (it would outlive the lock).
 */
import type { z } from 'zod';
import {
  ChangeKeysInput,
  PreloginInput,
  PreloginOutput,
  ProfileOutput,
  RegisterInput,
  SignInInput,
  SignInOutput,
} from '../../../shared/sync/identity';
import {
  LeaseHeldInput,
  LeaseInput,
  LeaseOutput,
  PullOutput,
  PullQuery,
  PushInput,
  PushOutput,
  TombstoneInput,
  TombstoneOutput,
  type ChangeEvent,
} from '../../../shared/sync/changes';
import { formatIssues } from '../../../shared/formatIssues';
import type { Clock } from '../../core/clock';
import { readChangeEvents } from './changeEventStream';
import { SyncProtocolError } from './syncClientErrors';
import { parseSyncServerUrl } from './syncServerUrl';
import { sendSyncRequest, type SyncCall, type SyncFetch, type SyncTransport } from './syncTransport';

/** Where the client sends, from policy and the composition root. */
export interface SyncClientOptions {
  /** Policy's `syncServerUrl`; checked by `parseSyncServerUrl` (throws `SyncServerUrlError`). */
  readonly serverUrl: string;
  readonly allowInsecureHttp: boolean;
  readonly fetch: SyncFetch;
  readonly clock: Clock;
  /** Longest wait for one whole answer; the live feed's is only for its headers. */
  readonly timeoutMs: number;
  /** Longest silence of the live feed before it counts as dead (the server's keep-alive comes every 15 s). */
  readonly feedIdleTimeoutMs?: number;
}

/** Checks what this workstation is about to send; a failure is this workstation's bug, thrown as a TypeError. */
function outgoing<S extends z.ZodType>(schema: S, value: z.input<S>): z.output<S> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new TypeError(`sync request does not match the protocol: ${formatIssues(parsed.error)}`);
  return parsed.data;
}

/** The calls of a signed-in clinician: everything is theirs only, as the token says. */
export interface SyncSession {
  /** The profile's current keys (`keysVersion` tells a passphrase changed elsewhere). */
  profile(signal?: AbortSignal): Promise<ProfileOutput>;
  /** Replaces the profile's keys after a passphrase change; the current auth key proves it. */
  changeKeys(input: ChangeKeysInput, signal?: AbortSignal): Promise<ProfileOutput>;
  /** Pushes items; the answer has one result per item, in order (checked). */
  push(input: PushInput, signal?: AbortSignal): Promise<PushOutput>;
  tombstones(input: TombstoneInput, signal?: AbortSignal): Promise<TombstoneOutput>;
  /** One page of changes after `after`. */
  pull(query: { after: number; limit?: number }, signal?: AbortSignal): Promise<PullOutput>;
  acquireLease(input: LeaseInput, signal?: AbortSignal): Promise<LeaseOutput>;
  renewLease(input: LeaseHeldInput, signal?: AbortSignal): Promise<LeaseOutput>;
  releaseLease(input: LeaseHeldInput, signal?: AbortSignal): Promise<void>;
  /** Ends the token on the server (it expires by itself too). */
  signOut(signal?: AbortSignal): Promise<void>;
  /**
   * The live feed: yields each `change` event until the server closes it or `signal` aborts. Reconnecting (with a
   * growing delay) is the caller's, as is the periodic pull that covers a feed that died unnoticed.
   */
  events(signal?: AbortSignal): Promise<AsyncGenerator<ChangeEvent>>;
}

/** The signed-out calls, and a way to make a {@link SyncSession} from a token. */
export interface SyncClient {
  /** The KDF parameters for a profile name (fake but stable ones for a name nobody has). */
  prelogin(input: PreloginInput, signal?: AbortSignal): Promise<PreloginOutput>;
  register(input: RegisterInput, signal?: AbortSignal): Promise<SignInOutput>;
  signIn(input: SignInInput, signal?: AbortSignal): Promise<SignInOutput>;
  session(token: string): SyncSession;
}

/** Builds the client; throws `SyncServerUrlError` when policy's address breaks the transport rule. */
export function createSyncClient(options: SyncClientOptions): SyncClient {
  const transport: SyncTransport = {
    baseUrl: parseSyncServerUrl(options.serverUrl, options.allowInsecureHttp),
    fetch: options.fetch,
    clock: options.clock,
    timeoutMs: options.timeoutMs,
  };
  const send = <T>(call: SyncCall<T>) => sendSyncRequest(transport, call);
  return {
    prelogin: (input, signal) => send({ method: 'POST', path: 'v1/prelogin', body: outgoing(PreloginInput, input), output: PreloginOutput, signal }),
    register: (input, signal) => send({ method: 'POST', path: 'v1/profiles', body: outgoing(RegisterInput, input), output: SignInOutput, signal }),
    signIn: (input, signal) => send({ method: 'POST', path: 'v1/sessions', body: outgoing(SignInInput, input), output: SignInOutput, signal }),
    session: (token) => createSyncSession(transport, token, options.feedIdleTimeoutMs ?? DEFAULT_FEED_IDLE_TIMEOUT_MS),
  };
}

/** Three of the server's 15-second keep-alives missed: the feed is dead, not quiet. */
export const DEFAULT_FEED_IDLE_TIMEOUT_MS = 45_000;

function createSyncSession(transport: SyncTransport, token: string, feedIdleTimeoutMs: number): SyncSession {
  const send = <T>(call: Omit<SyncCall<T>, 'token'>) => sendSyncRequest(transport, { ...call, token });
  return {
    profile: (signal) => send({ method: 'GET', path: 'v1/profile', output: ProfileOutput, signal }),
    changeKeys: (input, signal) => send({ method: 'PUT', path: 'v1/profile/keys', body: outgoing(ChangeKeysInput, input), output: ProfileOutput, signal }),
    async push(input, signal) {
      const body = outgoing(PushInput, input);
      const answer = await send({ method: 'POST', path: 'v1/push', body, output: PushOutput, signal });
      checkResultsMatch(body, answer);
      return answer;
    },
    tombstones: (input, signal) => send({ method: 'POST', path: 'v1/tombstones', body: outgoing(TombstoneInput, input), output: TombstoneOutput, signal }),
    pull(query, signal) {
      const { after, limit } = outgoing(PullQuery, query);
      return send({ method: 'GET', path: 'v1/changes', query: { after: String(after), limit: String(limit) }, output: PullOutput, signal });
    },
    acquireLease: (input, signal) => send({ method: 'POST', path: 'v1/leases', body: outgoing(LeaseInput, input), output: LeaseOutput, signal }),
    renewLease: (input, signal) => send({ method: 'POST', path: 'v1/leases/renew', body: outgoing(LeaseHeldInput, input), output: LeaseOutput, signal }),
    releaseLease: (input, signal) => send({ method: 'POST', path: 'v1/leases/release', body: outgoing(LeaseHeldInput, input), output: null, signal }),
    signOut: (signal) => send({ method: 'DELETE', path: 'v1/sessions/current', output: null, signal }),
    async events(signal) {
      const response = await sendSyncRequest(transport, { method: 'GET', path: 'v1/events', token, output: null, accept: 'text/event-stream', signal }, true);
      const type = response.headers.get('content-type') ?? '';
      if (!type.startsWith('text/event-stream') || !response.body) {
        await response.body?.cancel().catch(() => undefined);
        throw new SyncProtocolError(response.status, 'the live feed is not an event stream');
      }
      return readChangeEvents(response.body, signal, { clock: transport.clock, idleTimeoutMs: feedIdleTimeoutMs });
    },
  };
}

/**
 * A push's answer names the items pushed, in order: an answer about other items (or another number of them) would
 * make the outbox clear what the server never stored.
 */
function checkResultsMatch(sent: z.output<typeof PushInput>, answer: PushOutput): void {
  const matches =
    answer.results.length === sent.items.length &&
    answer.results.every((result, index) => result.kind === sent.items[index]?.kind && result.id === sent.items[index]?.id);
  if (!matches) throw new SyncProtocolError(200, 'the push answer is not about the items pushed');
}
