/**
 * Small HTTP helpers for the server tests: register a clinician with made-up keys and call routes with its token.
 * The blobs are random bytes: the server never opens them, so tests need no real sealing.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { MIN_CLINIC_KDF_ITERATIONS, type RegisterInput, type SignInOutput } from '../../src/shared/sync/identity';
import { ChangeEvent, type PushItem } from '../../src/shared/sync/changes';
import { SyncErrorBody } from '../../src/shared/sync/syncErrors';

/** An answer: status and parsed JSON body (null when empty). */
export interface Answer<T = unknown> {
  readonly status: number;
  readonly body: T;
  readonly text: string;
}

/** Calls `method path` on `base` with an optional token and JSON body. */
export async function call<T = unknown>(base: string, method: string, path: string, options: { token?: string; body?: unknown } = {}): Promise<Answer<T>> {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: {
      ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
      ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  const text = await response.text();
  return { status: response.status, body: (text === '' ? null : JSON.parse(text)) as T, text };
}

/** 32 random bytes in base64: an auth key. */
export const randomKey = () => randomBytes(32).toString('base64');

/** A registration body for a new clinician (random name unless given). */
export function registration(name = `Dr ${randomUUID().slice(0, 8)}`, authKey = randomKey()): RegisterInput {
  return {
    profileId: randomUUID(),
    name,
    authKey,
    keys: {
      kdf: { algorithm: 'PBKDF2-SHA256', iterations: MIN_CLINIC_KDF_ITERATIONS, salt: randomBytes(16).toString('base64') },
      wrappedDataKey: randomBytes(60).toString('base64'),
      escrow: null,
    },
    workstation: { id: randomUUID(), label: 'Triage 1' },
  };
}

/** A registered clinician: its registration and its first token. */
export interface Clinician {
  readonly input: RegisterInput;
  readonly session: SignInOutput;
  readonly token: string;
}

/** Registers a clinician on `base`. */
export async function newClinician(base: string, name?: string): Promise<Clinician> {
  const input = registration(name);
  const answer = await call<SignInOutput>(base, 'POST', '/v1/profiles', { body: input });
  if (answer.status !== 201) throw new Error(`register failed: ${answer.text}`);
  return { input, session: answer.body, token: answer.body.token };
}

/** Signs `clinician` in again from another workstation; answers the token. */
export async function signInElsewhere(base: string, clinician: Clinician, label = 'Exam room 2'): Promise<{ token: string; workstationId: string }> {
  const workstationId = randomUUID();
  const answer = await call<SignInOutput>(base, 'POST', '/v1/sessions', {
    body: { name: clinician.input.name, authKey: clinician.input.authKey, workstation: { id: workstationId, label } },
  });
  if (answer.status !== 200) throw new Error(`sign-in failed: ${answer.text}`);
  return { token: answer.body.token, workstationId };
}

/** A record item of `sessionId` with `bytes` random bytes. */
export function recordItem(sessionId: string, version = 1, id = randomUUID(), bytes = 48): PushItem {
  return { kind: 'record', id, sessionId, version, day: null, blob: randomBytes(bytes).toString('base64') };
}

/** The key item of `sessionId`, last turn on `day`. */
export function keyItem(sessionId: string, day: string, version = 1): PushItem {
  return { kind: 'key', id: sessionId, sessionId, version, day, blob: randomBytes(48).toString('base64') };
}

/** An open `/v1/events` stream: the change numbers it has announced so far, a way to wait for one, and its end. */
export async function openEvents(base: string, token: string) {
  const controller = new AbortController();
  const response = await fetch(`${base}/v1/events`, { headers: { authorization: `Bearer ${token}` }, signal: controller.signal });
  if (response.headers.get('content-type') !== 'text/event-stream') throw new Error(`no event stream: ${response.status}`);
  const seen: number[] = [];
  let refusal: SyncErrorBody | null = null;
  let endedResolve = () => undefined as void;
  const ended = new Promise<void>((resolve) => (endedResolve = resolve));
  const waiters: { test: (n: number) => boolean; resolve: () => void }[] = [];
  const reader = (response.body as ReadableStream<Uint8Array>).pipeThrough(new TextDecoderStream()).getReader();
  void (async () => {
    let buffer = '';
    for (;;) {
      const { value, done } = await reader.read().catch(() => ({ value: undefined, done: true as const }));
      if (done) return endedResolve();
      buffer += value;
      let end;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const refused = /^event: error\ndata: (.*)$/m.exec(block)?.[1];
        if (refused !== undefined) refusal = SyncErrorBody.parse(JSON.parse(refused));
        const data = /^event: change\ndata: (.*)$/m.exec(block)?.[1];
        if (data === undefined) continue;
        const { changeNo } = ChangeEvent.parse(JSON.parse(data));
        seen.push(changeNo);
        for (const waiter of waiters.filter((w) => w.test(changeNo))) waiter.resolve();
      }
    }
  })();
  return {
    seen,
    /** Resolves when the server ends the stream; answers the `error` event it sent last, if any. */
    ended: () => ended.then(() => refusal),
    until: (test: (n: number) => boolean) =>
      seen.some(test) ? Promise.resolve() : new Promise<void>((resolve) => waiters.push({ test, resolve })),
    close: () => controller.abort(),
  };
}
