import { randomUUID } from 'node:crypto';
import { describe, expect, it, vi } from 'vitest';
import { TestClock } from '../../../../test/support/testClock';
import type { RegisterInput, SignInOutput } from '../../../shared/sync/identity';
import { WrongPassphraseError } from '../../profiles/profileErrors';
import { WRAPPING_KEY_USAGES, newWrappableAesKey } from '../../vault/keyWrap';
import { createSyncClient } from '../http/syncClient';
import { SyncRequestError } from '../http/syncClientErrors';
import type { SyncFetch } from '../http/syncTransport';
import { ClinicKdfRefusedError } from './clinicKdfRefusedError';
import { ClinicKeysError, clinicRegistration, signInWithClinicProfile } from './clinicProfile';

/**
 * The sign-in flow against a server that misbehaves: what a hostile or broken sync server can and cannot make the
 * workstation do. (The honest server is in ../againstSyncServer.test.ts.)
 */
const PASSPHRASE = 'four calm otters read charts';
const WORKSTATION = { id: randomUUID(), label: 'Exam room 2' };
const json = (body: unknown, status = 200) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

/** What an honest server would hold for a published profile. */
async function published(): Promise<RegisterInput> {
  const dataKey = await newWrappableAesKey(WRAPPING_KEY_USAGES);
  return clinicRegistration({ profileId: randomUUID(), name: 'Dr Ada', passphrase: PASSPHRASE, dataKey, escrow: null, workstation: WORKSTATION });
}

function signedInAs(registration: RegisterInput, keys: Partial<SignInOutput['keys']> = {}): SignInOutput {
  return {
    token: 'T'.repeat(43),
    expiresAt: '2026-12-02T15:00:00.000Z',
    profileId: registration.profileId,
    name: registration.name,
    keysVersion: 1,
    keys: { ...registration.keys, ...keys },
  };
}

/** A server answering prelogin with `kdf` and sign-in with `signIn`. */
function server(kdf: unknown, signIn: () => Response) {
  const paths: string[] = [];
  const fetch: SyncFetch = async (url) => {
    const path = new URL(url).pathname;
    paths.push(path);
    return path === '/v1/prelogin' ? json({ kdf }) : signIn();
  };
  return { client: createSyncClient({ serverUrl: 'https://sync.clinic.example', allowInsecureHttp: false, fetch, clock: new TestClock(), timeoutMs: 10_000 }), paths };
}

const signIn = (client: ReturnType<typeof server>['client'], adopt = vi.fn(async () => 'adopted')) =>
  signInWithClinicProfile(client, { name: 'Dr Ada', passphrase: PASSPHRASE, workstation: WORKSTATION }, adopt);

describe('signing in with a clinic profile', () => {
  it('lends the data key to adopt once the server’s keys open with the passphrase', async () => {
    const registration = await published();
    const { client } = server(registration.keys.kdf, () => json(signedInAs(registration)));
    const adopt = vi.fn(async ({ dataKey }: { dataKey: { extractable: boolean } }) => dataKey.extractable);
    await expect(signInWithClinicProfile(client, { name: 'Dr Ada', passphrase: PASSPHRASE, workstation: WORKSTATION }, adopt)).resolves.toBe(true);
  });

  it('refuses KDF parameters a server weakened, before signing in with anything', async () => {
    const registration = await published();
    const { client, paths } = server({ ...registration.keys.kdf, iterations: 1_000 }, () => json(signedInAs(registration)));
    await expect(signIn(client)).rejects.toBeInstanceOf(ClinicKdfRefusedError);
    expect(paths).toEqual(['/v1/prelogin']);
  });

  it('refuses keys that do not open with the passphrase the server accepted (another profile’s, or garbage), adopting nothing', async () => {
    const registration = await published();
    const other = await published();
    const adopt = vi.fn(async () => 'adopted');
    const swapped = server(registration.keys.kdf, () => json(signedInAs(registration, { wrappedDataKey: other.keys.wrappedDataKey })));
    await expect(signIn(swapped.client, adopt)).rejects.toBeInstanceOf(ClinicKeysError);
    const badEscrow = server(registration.keys.kdf, () => json(signedInAs(registration, { escrow: '{"keyId":"not hex"}' })));
    await expect(signIn(badEscrow.client, adopt)).rejects.toBeInstanceOf(ClinicKeysError);
    expect(adopt).not.toHaveBeenCalled();
  });

  it('says "wrong passphrase" for UNAUTHORIZED, and passes a rate limit on with its wait', async () => {
    const registration = await published();
    const wrong = server(registration.keys.kdf, () => json({ error: { code: 'UNAUTHORIZED', message: 'Sign in again.' } }, 401));
    await expect(signIn(wrong.client)).rejects.toBeInstanceOf(WrongPassphraseError);
    const limited = server(registration.keys.kdf, () => json({ error: { code: 'RATE_LIMITED', message: 'Wait.', retryAfterMs: 8000 } }, 429));
    const refused = await signIn(limited.client).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(SyncRequestError);
    expect(refused).toMatchObject({ code: 'RATE_LIMITED', retryAfterMs: 8000 });
  });
});
