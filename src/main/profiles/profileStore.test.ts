import { mkdtemp, readFile, readdir, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { FakeSecretStorage } from '../../../test/fakes/fakeSecretStorage';
import { TestClock, sequentialIds } from '../../../test/support/testClock';
import { AppError } from '../../shared/errors';
import { PAYLOAD_FORMAT_VERSION } from '../../shared/vault';
import { silentLogger } from '../core/logger';
import { openBatch } from '../vault/openBatch';
import { sealRecord } from '../vault/recordCrypto';
import { SESSION_KEYS_FILE, journalPathOf } from '../vault/sessionKeyFile';
import { SessionKeyStore } from '../vault/sessionKeyStore';
import { newWrappableAesKey, WRAPPING_KEY_USAGES } from '../vault/keyWrap';
import { PBKDF2_ITERATIONS } from './kdf';
import { PROFILES_FILE } from './profileFile';
import { WrongPassphraseError } from './profileErrors';
import { ProfileStore, type ProfilePolicy, type ProfileState } from './profileStore';

const PASS_A = 'correct horse battery staple';
const PASS_B = 'violet harbor lantern quietly';
const PASS_C = 'seven amber kites at noon';
const S1 = '0a1b2c3d-4e5f-4a6b-8c7d-000000000001';
const PROFILE_1 = '00000000-0000-4000-8000-000000000001';
const PROFILE_2 = '00000000-0000-4000-8000-000000000002';

async function setup(options: { storage?: FakeSecretStorage; policy?: Partial<ProfilePolicy>; productionKdf?: boolean } = {}) {
  const dir = await mkdtemp(join(tmpdir(), 'cpa-profiles-'));
  const clock = new TestClock();
  const storage = options.storage ?? new FakeSecretStorage();
  const sessionKeys = new SessionKeyStore(join(dir, SESSION_KEYS_FILE), silentLogger);
  await sessionKeys.load({ retentionCutoff: null, now: new Date() });
  const profiles = new ProfileStore({
    file: join(dir, PROFILES_FILE),
    storage,
    sessionKeys,
    policy: { allowBasicTextSecretStorage: false, recoveryPublicKeyPem: null, ...options.policy },
    clock,
    logger: silentLogger,
    newId: sequentialIds(),
    ...(options.productionKdf ? {} : { insecureKdfIterationsForTests: 1_000 }),
  });
  await profiles.load();
  const states: ProfileState[] = [];
  profiles.onStateChange((state) => states.push(state));
  return { dir, clock, storage, sessionKeys, profiles, states };
}

async function codeOf(run: Promise<unknown>): Promise<string> {
  try {
    await run;
    return 'ok';
  } catch (error) {
    if (error instanceof AppError) return error.code;
    throw error;
  }
}

/** Tracks whether a promise has settled, without awaiting it. */
function track<T>(promise: Promise<T>) {
  const state = { settled: false, promise };
  promise.then(
    () => (state.settled = true),
    () => (state.settled = true),
  );
  return state;
}

/** Lets pending promise callbacks (and WebCrypto's thread-pool work) run. */
const flush = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('creating profiles', () => {
  it('derives with the production PBKDF2 count (≥ 600,000) and stores it with the profile (check 18)', async () => {
    expect(PBKDF2_ITERATIONS).toBeGreaterThanOrEqual(600_000);
    const { dir, profiles } = await setup({ productionKdf: true });
    await profiles.createProfile('Dr. Ada Moreno', PASS_A);
    const file = JSON.parse(await readFile(join(dir, PROFILES_FILE), 'utf8'));
    expect(file.profiles[0].keys.kdf).toMatchObject({ algorithm: 'PBKDF2-SHA256', iterations: PBKDF2_ITERATIONS });
  }, 30_000);

  it('lists ids, names and creation times only; the file (mode 0600) holds no passphrase', async () => {
    const { dir, profiles } = await setup();
    const created = await profiles.createProfile('  Dr. Ada Moreno ', PASS_A);
    expect(created).toEqual({ profileId: PROFILE_1, name: 'Dr. Ada Moreno', createdAt: '2026-11-25T09:00:00.000Z' });
    expect(profiles.listProfiles()).toEqual([created]);
    const path = join(dir, PROFILES_FILE);
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    const text = await readFile(path, 'utf8');
    expect(text).not.toContain(PASS_A);
    expect(Object.keys(JSON.parse(text).profiles[0]).sort()).toEqual(['createdAt', 'id', 'keys', 'name']);
    // Written through a temporary file that was renamed into place: nothing else is left behind (beside the key
    // store's own files, which its first load writes).
    expect((await readdir(dir)).sort()).toEqual([PROFILES_FILE, SESSION_KEYS_FILE, 'session-keys.journal'].sort());
    expect(profiles.currentProfile()).toBeNull();
  });

  it('keeps names 1–80 characters and unique regardless of case', async () => {
    const { profiles } = await setup();
    await profiles.createProfile('Dr. Ada Moreno', PASS_A);
    expect(await codeOf(profiles.createProfile('dr. ADA moreno', PASS_B))).toBe('INVALID_INPUT');
    expect(await codeOf(profiles.createProfile('   ', PASS_B))).toBe('INVALID_INPUT');
    expect(await codeOf(profiles.createProfile('x'.repeat(81), PASS_B))).toBe('INVALID_INPUT');
    expect(await codeOf(profiles.createProfile('Dr.\u202eEvil', PASS_B))).toBe('INVALID_INPUT');
    expect(await codeOf(profiles.createProfile('é'.repeat(80), PASS_B))).toBe('ok');
  });

  it('asks for 12+ characters and refuses the most common passwords, also repeated to length', async () => {
    const { profiles } = await setup();
    expect(await codeOf(profiles.createProfile('A', 'short pass'))).toBe('INVALID_INPUT');
    for (const common of ['passwordpassword', '123456789012', 'QWERTYQWERTY', 'aaaaaaaaaaaa', 'iloveyouiloveyou']) {
      expect(await codeOf(profiles.createProfile('A', common))).toBe('INVALID_INPUT');
    }
    expect(await codeOf(profiles.createProfile('A', 'twelve chars'))).toBe('ok');
    const error = await profiles.createProfile('B', 'passwordpassword').catch((caught: unknown) => caught);
    expect((error as Error).message).not.toContain('passwordpassword');
  });

  it('refuses the basic_text secret store unless policy allows it (check 19)', async () => {
    const refused = await setup({ storage: new FakeSecretStorage({ backend: 'basic_text' }) });
    const error = await refused.profiles.createProfile('A', PASS_A).catch((caught: unknown) => caught);
    expect((error as AppError).code).toBe('FORBIDDEN');
    expect((error as Error).message).toContain('allowBasicTextKeyStorage');
    expect(refused.profiles.listProfiles()).toEqual([]);

    const allowed = await setup({ storage: new FakeSecretStorage({ backend: 'basic_text' }), policy: { allowBasicTextSecretStorage: true } });
    expect(await codeOf(allowed.profiles.createProfile('A', PASS_A))).toBe('ok');
    expect(allowed.storage.syncCalls).toBe(0);
  });
});

describe('unlocking and locking', () => {
  it('unlocks one profile at a time, idempotently, and tells listeners', async () => {
    const { profiles, sessionKeys, states } = await setup();
    await profiles.createProfile('A', PASS_A);
    await profiles.createProfile('B', PASS_B);
    const dropped = vi.spyOn(sessionKeys, 'dropUnwrapped');

    expect(await profiles.unlock(PROFILE_1, PASS_A)).toEqual({ profileId: PROFILE_1, name: 'A' });
    expect(await profiles.unlock(PROFILE_1, PASS_A)).toEqual({ profileId: PROFILE_1, name: 'A' });
    expect(states).toEqual([{ unlockedProfileId: PROFILE_1, reason: null }]);

    // Never a switch by itself: the other clinician must be signed out first (a full sign-out, done by the caller).
    expect(await codeOf(profiles.unlock(PROFILE_2, PASS_B))).toBe('LOCKED');
    expect(profiles.currentProfile()).toEqual({ profileId: PROFILE_1, name: 'A' });
    profiles.lock('switched');
    expect(dropped).toHaveBeenCalledWith(PROFILE_1);
    await profiles.unlock(PROFILE_2, PASS_B);
    expect(profiles.currentProfile()).toEqual({ profileId: PROFILE_2, name: 'B' });
    expect(profiles.unlockedOwner().ownerId).toBe(PROFILE_2);

    profiles.lock();
    expect(dropped).toHaveBeenLastCalledWith(PROFILE_2);
    expect(states.at(-1)).toEqual({ unlockedProfileId: null, reason: 'manual' });
    expect(profiles.currentProfile()).toBeNull();
    expect(() => profiles.unlockedOwner()).toThrowError(expect.objectContaining({ code: 'LOCKED' }));
  });

  it('answers a wrong passphrase clearly after min(250 ms × 2^(N−1), 30 s), and a success resets the count', async () => {
    const { profiles, clock } = await setup();
    await profiles.createProfile('A', PASS_A);

    for (const expectedDelay of [250, 500, 1_000]) {
      const attempt = track(profiles.unlock(PROFILE_1, 'not the passphrase at all'));
      await vi.waitFor(() => expect(clock.pendingTimers).toBe(1));
      expect(clock.requestedDelays.at(-1)).toBe(expectedDelay);
      clock.advance(expectedDelay - 1);
      await flush();
      expect(attempt.settled).toBe(false);
      clock.advance(1);
      const error = await attempt.promise.catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(WrongPassphraseError);
      expect((error as AppError).code).toBe('FORBIDDEN');
    }

    await profiles.unlock(PROFILE_1, PASS_A);
    profiles.lock();
    const attempt = profiles.unlock(PROFILE_1, 'not the passphrase at all').catch((caught: unknown) => caught);
    await vi.waitFor(() => expect(clock.pendingTimers).toBe(1));
    expect(clock.requestedDelays.at(-1)).toBe(250);
    clock.advance(250);
    expect(await attempt).toBeInstanceOf(WrongPassphraseError);
  });

  it('makes parallel guesses wait their turn, so the delays add up', async () => {
    const { profiles, clock } = await setup();
    await profiles.createProfile('A', PASS_A);
    const first = track(profiles.unlock(PROFILE_1, 'guess number one!'));
    const second = track(profiles.unlock(PROFILE_1, 'guess number two!'));
    await vi.waitFor(() => expect(clock.pendingTimers).toBe(1));
    clock.advance(250);
    await first.promise.catch(() => undefined);
    expect(second.settled).toBe(false);
    await vi.waitFor(() => expect(clock.pendingTimers).toBe(1));
    expect(clock.requestedDelays.at(-1)).toBe(500);
    clock.advance(500);
    await second.promise.catch(() => undefined);
  });

  it('does not finish an unlock that a lock overtook', async () => {
    const { profiles, states } = await setup();
    await profiles.createProfile('A', PASS_A);
    const unlocking = profiles.unlock(PROFILE_1, PASS_A);
    profiles.lock('os-lock');
    expect(await codeOf(unlocking)).toBe('LOCKED');
    expect(profiles.currentProfile()).toBeNull();
    expect(states).toEqual([]);
  });

  it('logs failures by profile id and count, never the passphrase', async () => {
    const lines: string[] = [];
    const record = (event: string, fields?: Record<string, unknown>) => lines.push(JSON.stringify({ event, ...fields }));
    const { dir } = await setup();
    const sessionKeys = new SessionKeyStore(join(dir, SESSION_KEYS_FILE), silentLogger);
    await sessionKeys.load({ retentionCutoff: null, now: new Date() });
    const clock = new TestClock();
    const profiles = new ProfileStore({
      file: join(dir, PROFILES_FILE),
      storage: new FakeSecretStorage(),
      sessionKeys,
      policy: { allowBasicTextSecretStorage: false, recoveryPublicKeyPem: null },
      clock,
      logger: { info: record, warn: record, error: record },
      newId: sequentialIds(),
      insecureKdfIterationsForTests: 1_000,
    });
    await profiles.load();
    await profiles.createProfile('A', PASS_A);
    const attempt = profiles.unlock(PROFILE_1, 'a guess that is wrong').catch((caught: unknown) => caught);
    await vi.waitFor(() => expect(clock.pendingTimers).toBe(1));
    clock.advance(250);
    await attempt;
    await profiles.unlock(PROFILE_1, PASS_A);
    expect(lines.map((line) => JSON.parse(line).event)).toEqual(['profile.created', 'profile.unlock_failed', 'profile.unlocked']);
    for (const line of lines) {
      expect(line).not.toContain('guess');
      expect(line).not.toContain(PASS_A);
    }
  });

  it('refuses an unknown profile', async () => {
    const { profiles } = await setup();
    expect(await codeOf(profiles.unlock(PROFILE_1, PASS_A))).toBe('INVALID_INPUT');
  });

  it('reports a changed secret-store backend as a clear error and leaves the profile as it was (check 19)', async () => {
    const { dir, profiles, storage } = await setup();
    await profiles.createProfile('A', PASS_A);
    const before = await readFile(join(dir, PROFILES_FILE));
    storage.changeBackend('kwallet5');
    const error = await profiles.unlock(PROFILE_1, PASS_A).catch((caught: unknown) => caught);
    expect((error as Error).message).toContain('not re-keyed');
    expect(await readFile(join(dir, PROFILES_FILE))).toEqual(before);
  });
});

describe('changing the passphrase (check 18)', () => {
  it('re-wraps only: the session keys file is byte-identical and sealed records still open', async () => {
    const { dir, profiles, sessionKeys } = await setup();
    await profiles.createProfile('A', PASS_A);
    await profiles.unlock(PROFILE_1, PASS_A);
    const key = await sessionKeys.create(S1, profiles.unlockedOwner(), new Date());
    const record = await sealRecord(
      key,
      {
        id: '6f1c1b2e-8a3d-4c5e-9f7a-0b1c2d3e4f50',
        kind: 'session',
        sessionId: S1,
        ownerId: PROFILE_1,
        seq: 0,
        parentTurnId: null,
        status: 'complete',
        createdAt: '2026-11-25T09:00:00.000Z',
        updatedAt: '2026-11-25T09:00:00.000Z',
        v: PAYLOAD_FORMAT_VERSION,
        rv: 1,
      },
      { title: 'kept' },
    );
    const keyFiles = () => Promise.all([readFile(join(dir, SESSION_KEYS_FILE)).catch(() => null), readFile(journalPathOf(join(dir, SESSION_KEYS_FILE)))]);
    const keysBefore = await keyFiles();

    expect(await codeOf(profiles.changePassphrase(PROFILE_1, PASS_A, 'short'))).toBe('INVALID_INPUT');
    await profiles.changePassphrase(PROFILE_1, PASS_A, PASS_C);
    expect(await keyFiles()).toEqual(keysBefore);

    profiles.lock();
    const fresh = new SessionKeyStore(join(dir, SESSION_KEYS_FILE), silentLogger);
    await fresh.load({ retentionCutoff: null, now: new Date() });
    await profiles.unlock(PROFILE_1, PASS_C);
    const [outcome] = await openBatch(fresh, profiles.unlockedOwner(), [record], silentLogger);
    expect(outcome).toMatchObject({ ok: true, payload: { title: 'kept' } });
  });

  it('needs the profile unlocked and the current passphrase (a wrong one is a throttled failure)', async () => {
    const { profiles, clock } = await setup();
    await profiles.createProfile('A', PASS_A);
    expect(await codeOf(profiles.changePassphrase(PROFILE_1, PASS_A, PASS_C))).toBe('LOCKED');
    await profiles.unlock(PROFILE_1, PASS_A);
    const attempt = codeOf(profiles.changePassphrase(PROFILE_1, PASS_B, PASS_C));
    await vi.waitFor(() => expect(clock.pendingTimers).toBe(1));
    clock.advance(250);
    expect(await attempt).toBe('FORBIDDEN');
    profiles.lock();
    expect(await codeOf(profiles.unlock(PROFILE_1, PASS_A))).toBe('ok');
  });
});

describe('IT paths', () => {
  it('removes a profile: locks it, destroys its session keys, keeps the others', async () => {
    const { profiles, sessionKeys, states } = await setup();
    await profiles.createProfile('A', PASS_A);
    await profiles.createProfile('B', PASS_B);
    await profiles.unlock(PROFILE_2, PASS_B);
    const S2 = '0a1b2c3d-4e5f-4a6b-8c7d-000000000002';
    await sessionKeys.create(S2, profiles.unlockedOwner(), new Date());
    profiles.lock();
    await profiles.unlock(PROFILE_1, PASS_A);
    await sessionKeys.create(S1, profiles.unlockedOwner(), new Date());

    expect(await profiles.removeProfile(PROFILE_1)).toEqual({ destroyedSessions: [S1] });
    expect(states.at(-1)).toEqual({ unlockedProfileId: null, reason: 'removed' });
    expect(profiles.listProfiles().map((profile) => profile.profileId)).toEqual([PROFILE_2]);
    expect(sessionKeys.has(S1)).toBe(false);
    expect(sessionKeys.has(S2)).toBe(true);
    expect(await codeOf(profiles.unlock(PROFILE_1, PASS_A))).toBe('INVALID_INPUT');
  });

  it('recovers a forgotten passphrase with IT’s private key', async () => {
    const subtle = globalThis.crypto.subtle;
    const pair = await subtle.generateKey({ name: 'RSA-OAEP', modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' }, true, [
      'wrapKey',
      'unwrapKey',
    ]);
    const pem = (label: string, der: ArrayBuffer) => `-----BEGIN ${label}-----\n${Buffer.from(der).toString('base64')}\n-----END ${label}-----\n`;
    const { profiles } = await setup({ policy: { recoveryPublicKeyPem: pem('PUBLIC KEY', await subtle.exportKey('spki', pair.publicKey)) } });
    await profiles.createProfile('A', PASS_A);
    await profiles.recoverWithPrivateKey(PROFILE_1, pem('PRIVATE KEY', await subtle.exportKey('pkcs8', pair.privateKey)), PASS_C);
    expect(await codeOf(profiles.unlock(PROFILE_1, PASS_C))).toBe('ok');
  });

  it('refuses to start with an unusable recovery key in policy', async () => {
    await expect(setup({ policy: { recoveryPublicKeyPem: '-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----' } })).rejects.toThrow(
      /policy setting recoveryPublicKey must/,
    );
  });
});

describe('a profile brought from the clinic sync server', () => {
  it('is refused for an id already here, and the local keys stay: the server and the id it hands over are untrusted', async () => {
    const { profiles } = await setup();
    const local = await profiles.createProfile('Dr. Bea Local', PASS_A);
    profiles.lock('manual');
    // Someone registered the local clinician's id on the server with their own data key and passphrase.
    const theirDataKey = await newWrappableAesKey(WRAPPING_KEY_USAGES);
    await expect(profiles.adoptProfile({ profileId: local.profileId, name: 'Mallory' }, theirDataKey, PASS_B, null)).rejects.toThrow(
      'already on this workstation',
    );
    expect(profiles.currentProfile()).toBeNull();
    // Replaced keys would be wrapped for Mallory's passphrase: the clinician's own still opens the profile.
    expect(await codeOf(profiles.unlock(local.profileId, PASS_A))).toBe('ok');
    expect(profiles.currentProfile()).toMatchObject({ profileId: local.profileId, name: 'Dr. Bea Local' });
  });
});
