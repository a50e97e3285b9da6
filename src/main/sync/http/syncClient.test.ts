import { describe, expect, it } from 'vitest';
import { TestClock } from '../../../../test/support/testClock';
import type { PushInput } from '../../../shared/sync/changes';
import type { SignInOutput } from '../../../shared/sync/identity';
import { createSyncClient } from './syncClient';
import { SyncOfflineError, SyncProtocolError, SyncRequestError } from './syncClientErrors';
import type { SyncFetch } from './syncTransport';

const PROFILE_ID = '5b0c8a7e-2f4d-4c1a-9e3b-7d6f5a4b3c21';
const SESSION_ID = '0d9a1c3e-5b7f-4a2c-8e6d-1f3b5a7c9e0d';
const RECORD_ID = '7e6d5c4b-3a29-4817-a6b5-c4d3e2f1a0b9';
const TOKEN = 'T'.repeat(43);
const KEYS = {
  kdf: { algorithm: 'PBKDF2-SHA256', iterations: 600_000, salt: 'AAAAAAAAAAAAAAAAAAAAAA==' },
  wrappedDataKey: 'd3JhcHBlZA==',
  escrow: null,
} as const;
const SIGNED_IN: SignInOutput = {
  token: TOKEN,
  expiresAt: '2026-12-02T15:00:00.000Z',
  profileId: PROFILE_ID,
  name: 'Dr Ada',
  keysVersion: 1,
  keys: { ...KEYS, kdf: { ...KEYS.kdf } },
};
const WORKSTATION = { id: '1c2d3e4f-5a6b-4c7d-8e9f-a0b1c2d3e4f5', label: 'Triage 2' };

interface Sent {
  readonly url: string;
  readonly init: RequestInit;
}

/** A fetch that records what it is asked and answers with `answer(request)`. */
function fakeFetch(answer: (sent: Sent) => Response | Promise<Response>) {
  const sent: Sent[] = [];
  const fetch: SyncFetch = async (url, init) => {
    sent.push({ url, init });
    return answer({ url, init });
  };
  return { fetch, sent };
}

const json = (body: unknown, status = 200) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

function clientWith(fetch: SyncFetch, clock = new TestClock()) {
  return createSyncClient({ serverUrl: 'https://sync.clinic.example/cpa', allowInsecureHttp: false, fetch, clock, timeoutMs: 10_000 });
}

describe('the sync client', () => {
  it('signs in with the auth key over POST, without a token, and returns the checked answer', async () => {
    const { fetch, sent } = fakeFetch(() => json(SIGNED_IN));
    const answer = await clientWith(fetch).signIn({ name: 'Dr Ada', authKey: 'A'.repeat(43) + '=', workstation: WORKSTATION });
    expect(answer).toEqual(SIGNED_IN);
    expect(sent[0]?.url).toBe('https://sync.clinic.example/cpa/v1/sessions');
    expect(sent[0]?.init.method).toBe('POST');
    expect(new Headers(sent[0]?.init.headers).has('authorization')).toBe(false);
    expect(JSON.parse(String(sent[0]?.init.body))).toMatchObject({ name: 'Dr Ada' });
  });

  it('sends the bearer token on a signed-in call, and the cursor as the query of a pull', async () => {
    const { fetch, sent } = fakeFetch(() => json({ changes: [], next: 42, more: false, resync: false }));
    const page = await clientWith(fetch).session(TOKEN).pull({ after: 42 });
    expect(page.next).toBe(42);
    expect(sent[0]?.url).toBe('https://sync.clinic.example/cpa/v1/changes?after=42&limit=500');
    expect(new Headers(sent[0]?.init.headers).get('authorization')).toBe(`Bearer ${TOKEN}`);
  });

  it("turns the server's error body into a SyncRequestError with its code, wait and holder", async () => {
    const busy = fakeFetch(() => json({ error: { code: 'SESSION_BUSY', message: 'Open on Exam 1.', holderLabel: 'Exam 1' } }, 423));
    const refused = await clientWith(busy.fetch).session(TOKEN).acquireLease({ sessionId: SESSION_ID }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(SyncRequestError);
    expect(refused).toMatchObject({ code: 'SESSION_BUSY', holderLabel: 'Exam 1', status: 423, retryAfterMs: null });

    const limited = fakeFetch(() => json({ error: { code: 'RATE_LIMITED', message: 'Wait.', retryAfterMs: 4000 } }, 429));
    await expect(clientWith(limited.fetch).prelogin({ name: 'Dr Ada' })).rejects.toMatchObject({ code: 'RATE_LIMITED', retryAfterMs: 4000 });
  });

  it.each([
    ['a body that is not JSON', () => new Response('<html>welcome</html>', { status: 200 })],
    ['JSON of another shape', () => json({ token: TOKEN })],
    ['an extra field', () => json({ ...SIGNED_IN, passphrase: 'x' })],
    ['KDF parameters with a bad salt', () => json({ ...SIGNED_IN, keys: { ...KEYS, kdf: { ...KEYS.kdf, salt: 'short' } } })],
    ['an error status without the error body', () => new Response('nope', { status: 400 })],
    ['a redirect (the token must not follow it)', () => new Response(null, { status: 302, headers: { location: 'https://elsewhere.example/' } })],
  ])('refuses %s as a protocol error, never as data', async (_name, answer) => {
    const { fetch } = fakeFetch(answer);
    await expect(clientWith(fetch).signIn({ name: 'Dr Ada', authKey: 'A'.repeat(43) + '=', workstation: WORKSTATION })).rejects.toBeInstanceOf(
      SyncProtocolError,
    );
  });

  it('asks fetch not to follow redirects', async () => {
    const { fetch, sent } = fakeFetch(() => json({ kdf: KEYS.kdf }));
    await clientWith(fetch).prelogin({ name: 'Dr Ada' });
    expect(sent[0]?.init.redirect).toBe('manual');
  });

  it('reports a network failure, and a proxy whose server is down, as offline', async () => {
    const down: SyncFetch = () => Promise.reject(new TypeError('fetch failed'));
    await expect(clientWith(down).prelogin({ name: 'Dr Ada' })).rejects.toMatchObject({ kind: 'offline', reason: 'unreachable' });
    const proxy = fakeFetch(() => new Response('<h1>502 Bad Gateway</h1>', { status: 502 }));
    await expect(clientWith(proxy.fetch).prelogin({ name: 'Dr Ada' })).rejects.toBeInstanceOf(SyncOfflineError);
  });

  it('gives up after the timeout on the clock, and reports it as offline', async () => {
    const clock = new TestClock();
    const hanging: SyncFetch = (_url, init) =>
      new Promise((_resolve, reject) => init.signal?.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError'))));
    const call = clientWith(hanging, clock).prelogin({ name: 'Dr Ada' });
    let settled = false;
    void call.catch(() => undefined).finally(() => (settled = true));
    clock.advance(9_999);
    await Promise.resolve();
    expect(settled).toBe(false);
    clock.advance(1);
    await expect(call).rejects.toMatchObject({ kind: 'offline', reason: 'timeout' });
    expect(clock.pendingTimers).toBe(0);
  });

  it("rejects with the caller's own reason when the caller cancels", async () => {
    const hanging: SyncFetch = (_url, init) => new Promise((_resolve, reject) => init.signal?.addEventListener('abort', () => reject(init.signal?.reason)));
    const controller = new AbortController();
    const call = clientWith(hanging).prelogin({ name: 'Dr Ada' }, controller.signal);
    const reason = new Error('locked');
    controller.abort(reason);
    await expect(call).rejects.toBe(reason);
  });

  it('refuses a push answer about other items than were pushed', async () => {
    const input: PushInput = { items: [{ kind: 'record', id: RECORD_ID, sessionId: SESSION_ID, version: 1, day: null, blob: 'AAAA' }] };
    const result = { kind: 'record', id: RECORD_ID, status: 'stored', changeNo: 7, serverVersion: 1, holderLabel: null };
    const right = fakeFetch(() => json({ results: [result] }));
    await expect(clientWith(right.fetch).session(TOKEN).push(input)).resolves.toEqual({ results: [result] });
    const swapped = fakeFetch(() => json({ results: [{ ...result, id: SESSION_ID }] }));
    await expect(clientWith(swapped.fetch).session(TOKEN).push(input)).rejects.toBeInstanceOf(SyncProtocolError);
    const missing = fakeFetch(() => json({ results: [] }));
    await expect(clientWith(missing.fetch).session(TOKEN).push(input)).rejects.toBeInstanceOf(SyncProtocolError);
  });

  it('does not send a request that breaks the protocol (a bug of this workstation)', async () => {
    const { fetch, sent } = fakeFetch(() => json({}));
    const input: PushInput = { items: [{ kind: 'record', id: RECORD_ID, sessionId: SESSION_ID, version: 0, day: null, blob: 'AAAA' }] };
    await expect(clientWith(fetch).session(TOKEN).push(input)).rejects.toBeInstanceOf(TypeError);
    expect(sent).toHaveLength(0);
  });

  it('accepts a void answer for a lease release and a sign-out', async () => {
    const { fetch, sent } = fakeFetch(() => new Response(null, { status: 204 }));
    const session = clientWith(fetch).session(TOKEN);
    await session.releaseLease({ sessionId: SESSION_ID, fencing: 3 });
    await session.signOut();
    expect(sent.map((request) => request.init.method)).toEqual(['POST', 'DELETE']);
  });
});
