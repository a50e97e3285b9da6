/**
 * The sync protocol spoken directly over HTTP, for the server benchmarks: register a clinician with made-up keys,
 * sign more workstations in, push, pull and hold the live feed open. The blobs are random bytes of a sealed record's
 * size: the server never opens them, so its work is the same as for real ones.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { PullOutput, type PushItem } from '../../src/shared/sync/changes';
import { MIN_CLINIC_KDF_ITERATIONS, type RegisterInput, type SignInOutput } from '../../src/shared/sync/identity';

/** One signed-in workstation of a clinician. */
export interface BenchWorkstation {
  readonly profileName: string;
  readonly authKey: string;
  readonly token: string;
}

async function post<T>(base: string, path: string, body: unknown, token?: string): Promise<{ status: number; body: T }> {
  const response = await fetch(`${base}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: JSON.parse(text) as T };
}

/** Registers a new clinician (one workstation); registrations go one at a time (the server limits them per address). */
export async function registerClinician(base: string): Promise<BenchWorkstation> {
  const input: RegisterInput = {
    profileId: randomUUID(),
    name: `Bench ${randomUUID().slice(0, 12)}`,
    authKey: randomBytes(32).toString('base64'),
    keys: {
      kdf: { algorithm: 'PBKDF2-SHA256', iterations: MIN_CLINIC_KDF_ITERATIONS, salt: randomBytes(16).toString('base64') },
      wrappedDataKey: randomBytes(60).toString('base64'),
      escrow: null,
    },
    workstation: { id: randomUUID(), label: 'Bench 1' },
  };
  const answer = await post<SignInOutput>(base, '/v1/profiles', input);
  if (answer.status !== 201) throw new Error(`register failed: ${answer.status}`);
  return { profileName: input.name, authKey: input.authKey, token: answer.body.token };
}

/** Signs `clinician` in on another workstation (a new token). */
export async function signInAnother(base: string, clinician: BenchWorkstation, label: string): Promise<BenchWorkstation> {
  const answer = await post<SignInOutput>(base, '/v1/sessions', {
    name: clinician.profileName,
    authKey: clinician.authKey,
    workstation: { id: randomUUID(), label },
  });
  if (answer.status !== 200) throw new Error(`sign-in failed: ${answer.status}`);
  return { ...clinician, token: answer.body.token };
}

/** A record item of `sessionId` whose blob is `bytes` random bytes (a sealed turn is 2–4 KB). */
export function benchRecordItem(sessionId: string, bytes: number): PushItem {
  return { kind: 'record', id: randomUUID(), sessionId, version: 1, day: null, blob: randomBytes(bytes).toString('base64') };
}

/** Pushes `items` as one batch; throws unless every item was stored. */
export async function pushBatch(base: string, token: string, items: readonly PushItem[]): Promise<void> {
  const answer = await post<{ results: { status: string }[] }>(base, '/v1/push', { items, fencing: [] }, token);
  if (answer.status !== 200) throw new Error(`push failed: ${answer.status}`);
  const refused = answer.body.results.filter((result) => result.status !== 'stored').length;
  if (refused > 0) throw new Error(`push: ${refused} items not stored`);
}

/**
 * One pull page: the HTTP round trip and the JSON parse, as a workstation does it (the schema check too). Answers
 * the page and how long the HTTP part took (until the whole body was read).
 */
export async function pullPage(base: string, token: string, after: number, limit: number): Promise<{ page: PullOutput; httpMs: number }> {
  const startedAt = performance.now();
  const response = await fetch(`${base}/v1/changes?after=${after}&limit=${limit}`, { headers: { authorization: `Bearer ${token}` } });
  if (response.status !== 200) throw new Error(`pull failed: ${response.status}`);
  const text = await response.text();
  const httpMs = performance.now() - startedAt;
  return { page: PullOutput.parse(JSON.parse(text)), httpMs };
}

/** An open `/v1/events` stream; resolves once the server's first event (the current change number) arrived. */
export async function openLiveFeed(base: string, token: string): Promise<{ close(): void }> {
  const controller = new AbortController();
  const response = await fetch(`${base}/v1/events`, { headers: { authorization: `Bearer ${token}` }, signal: controller.signal });
  if (response.headers.get('content-type') !== 'text/event-stream') throw new Error(`no event stream: ${response.status}`);
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const first = await reader.read();
  if (first.done) throw new Error('the event stream ended at once');
  // Keep reading (and dropping) so the stream never backs up, until closed.
  void (async () => {
    for (;;) {
      const { done } = await reader.read().catch(() => ({ done: true }));
      if (done) return;
    }
  })();
  return { close: () => controller.abort() };
}

/** The server's own push and pull handler times so far (`/metrics`: sums in seconds, and counts). */
export interface HandlerTimes {
  readonly pushSeconds: number;
  readonly pushes: number;
  readonly pullSeconds: number;
  readonly pulls: number;
}

/** Reads {@link HandlerTimes} from the server's Prometheus text. */
export async function handlerTimes(base: string): Promise<HandlerTimes> {
  const text = await (await fetch(`${base}/metrics`)).text();
  const value = (name: string) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1] ?? Number.NaN);
  return {
    pushSeconds: value('cpa_sync_push_duration_seconds_sum'),
    pushes: value('cpa_sync_push_duration_seconds_count'),
    pullSeconds: value('cpa_sync_pull_duration_seconds_sum'),
    pulls: value('cpa_sync_pull_duration_seconds_count'),
  };
}

/** Mean handler ms per push and per pull between two readings. */
export function meanHandlerMs(before: HandlerTimes, after: HandlerTimes): { pushMs: number; pullMs: number } {
  return {
    pushMs: (1_000 * (after.pushSeconds - before.pushSeconds)) / (after.pushes - before.pushes),
    pullMs: (1_000 * (after.pullSeconds - before.pullSeconds)) / (after.pulls - before.pulls),
  };
}
