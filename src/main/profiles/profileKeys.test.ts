import { describe, expect, it } from 'vitest';
import { FakeSecretStorage } from '../../../test/fakes/fakeSecretStorage';
import { additionalData } from '../vault/encoding';
import { RECORD_KEY_USAGES, newWrappableAesKey, unwrapAesKey, wrapAesKey } from '../vault/keyWrap';
import type { CryptoKey } from '../vault/webCryptoTypes';
import { RecoveryKeyError, SecretStorageError, WrongPassphraseError } from './profileErrors';
import { changeProfilePassphrase, createProfileKeys, recoverWithPrivateKey, unlockProfileKeys, type ProfileKeyEnvironment } from './profileKeys';
import { importRecoveryPublicKey, type RecoveryPublicKey } from './recoveryEscrow';

const subtle = globalThis.crypto.subtle;
/** Test-only PBKDF2 count: the production count is asserted and used once in profileStore.test.ts. */
const TEST_ITERATIONS = 1_000;
const A = '11111111-1111-4111-8111-111111111111';
const B = '22222222-2222-4222-8222-222222222222';
const PASS_A = 'correct horse battery staple';
const PASS_B = 'violet harbor lantern quietly';

function env(storage = new FakeSecretStorage(), options: { allowBasicText?: boolean; recoveryKey?: RecoveryPublicKey | null; iterations?: number } = {}): ProfileKeyEnvironment {
  return {
    storage,
    policy: { allowBasicTextSecretStorage: options.allowBasicText ?? false, recoveryKey: options.recoveryKey ?? null },
    iterations: options.iterations ?? TEST_ITERATIONS,
  };
}

function pem(label: string, der: ArrayBuffer): string {
  const lines = Buffer.from(der).toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}

/** An IT recovery key pair as PEM text, the way IT would hand it over. */
async function recoveryPair(bits = 2048) {
  const pair = await subtle.generateKey({ name: 'RSA-OAEP', modulusLength: bits, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' }, true, [
    'wrapKey',
    'unwrapKey',
  ]);
  return { publicPem: pem('PUBLIC KEY', await subtle.exportKey('spki', pair.publicKey)), privatePem: pem('PRIVATE KEY', await subtle.exportKey('pkcs8', pair.privateKey)) };
}

/** True when `first` and `second` are the same key: what one wraps, the other unwraps. */
async function sameKey(first: CryptoKey, second: CryptoKey): Promise<boolean> {
  const ad = additionalData('test');
  const wrapped = await wrapAesKey(await newWrappableAesKey(RECORD_KEY_USAGES), first, ad);
  return unwrapAesKey(wrapped, second, ad, RECORD_KEY_USAGES).then(
    () => true,
    () => false,
  );
}

async function failureOf(run: Promise<unknown>): Promise<string> {
  try {
    await run;
    return 'ok';
  } catch (error) {
    if (error instanceof SecretStorageError || error instanceof RecoveryKeyError) return `${error.constructor.name}:${error.reason}`;
    if (error instanceof Error) return error.constructor.name;
    throw error;
  }
}

describe('key derivation and wrapping (check 18)', () => {
  it('gives every profile its own random salt and data key, even with the same passphrase', async () => {
    const first = await createProfileKeys(A, PASS_A, env());
    const second = await createProfileKeys(B, PASS_A, env());
    expect(first.keys.kdf.salt).not.toBe(second.keys.kdf.salt);
    expect(Buffer.from(first.keys.kdf.salt, 'base64')).toHaveLength(16);
    expect(first.keys.kdf).toMatchObject({ algorithm: 'PBKDF2-SHA256', iterations: TEST_ITERATIONS });
    expect(await sameKey(first.dataKey, second.dataKey)).toBe(false);
  });

  it('does not unwrap with a wrong passphrase', async () => {
    const storage = new FakeSecretStorage();
    const { keys } = await createProfileKeys(A, PASS_A, env(storage));
    expect(await failureOf(unlockProfileKeys(A, keys, 'correct horse battery stapler', env(storage)))).toBe('WrongPassphraseError');
    expect(await failureOf(unlockProfileKeys(A, keys, PASS_A, env(storage)))).toBe('ok');
  });

  it('does not let profile B unwrap profile A’s data key — not with B’s passphrase, nor by taking over A’s wrapped key', async () => {
    const storage = new FakeSecretStorage();
    const a = await createProfileKeys(A, PASS_A, env(storage));
    await createProfileKeys(B, PASS_B, env(storage));
    expect(await failureOf(unlockProfileKeys(A, a.keys, PASS_B, env(storage)))).toBe('WrongPassphraseError');
    // A's stored keys copied under B's id: the wrap is bound to A's id, so even A's passphrase does not open it as B.
    expect(await failureOf(unlockProfileKeys(B, a.keys, PASS_A, env(storage)))).toBe('WrongPassphraseError');
  });

  it('hands out the data key non-extractable', async () => {
    const { keys, dataKey } = await createProfileKeys(A, PASS_A, env());
    expect(dataKey.extractable).toBe(false);
    await expect(subtle.exportKey('raw', dataKey)).rejects.toThrow();
    expect(JSON.stringify(keys)).not.toContain(PASS_A);
  });

  it('re-wraps only on a passphrase change: same data key, fresh salt, old passphrase refused', async () => {
    const storage = new FakeSecretStorage();
    const before = await createProfileKeys(A, PASS_A, env(storage));
    const after = await changeProfilePassphrase(A, before.keys, PASS_A, PASS_B, env(storage));
    expect(after.kdf.salt).not.toBe(before.keys.kdf.salt);
    const unlocked = await unlockProfileKeys(A, after, PASS_B, env(storage));
    expect(await sameKey(before.dataKey, unlocked.dataKey)).toBe(true);
    expect(await failureOf(unlockProfileKeys(A, after, PASS_A, env(storage)))).toBe('WrongPassphraseError');
    expect(await failureOf(changeProfilePassphrase(A, after, PASS_A, PASS_B, env(storage)))).toBe('WrongPassphraseError');
  });

  it('raises a profile’s iteration count at unlock when the app’s count went up, keeping the data key', async () => {
    const storage = new FakeSecretStorage();
    const created = await createProfileKeys(A, PASS_A, env(storage));
    const { dataKey, upgraded } = await unlockProfileKeys(A, created.keys, PASS_A, env(storage, { iterations: 2 * TEST_ITERATIONS }));
    expect(upgraded?.kdf.iterations).toBe(2 * TEST_ITERATIONS);
    expect(await sameKey(created.dataKey, dataKey)).toBe(true);
    const again = await unlockProfileKeys(A, upgraded!, PASS_A, env(storage, { iterations: 2 * TEST_ITERATIONS }));
    expect(again.upgraded).toBeNull();
  });
});

describe('safeStorage policy (check 19)', () => {
  it('refuses the basic_text backend unless policy allows it, naming the setting', async () => {
    const storage = new FakeSecretStorage({ backend: 'basic_text' });
    const error = await createProfileKeys(A, PASS_A, env(storage)).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(SecretStorageError);
    expect((error as SecretStorageError).reason).toBe('weak-backend');
    expect((error as SecretStorageError).code).toBe('FORBIDDEN');
    expect((error as Error).message).toContain('allowBasicTextKeyStorage');

    const allowed = await createProfileKeys(A, PASS_A, env(storage, { allowBasicText: true }));
    expect(allowed.keys.wrappedDataKey.backend).toBe('basic_text');
    // Policy withdrawn later: the profile no longer opens on the weak backend.
    expect(await failureOf(unlockProfileKeys(A, allowed.keys, PASS_A, env(storage)))).toBe('SecretStorageError:weak-backend');
  });

  it('stores the backend name, and a changed backend is a clear error — never a silent re-key', async () => {
    const storage = new FakeSecretStorage({ backend: 'kwallet5' });
    const { keys } = await createProfileKeys(A, PASS_A, env(storage));
    expect(keys.wrappedDataKey.backend).toBe('kwallet5');
    storage.changeBackend('gnome_libsecret');
    const error = await unlockProfileKeys(A, keys, PASS_A, env(storage)).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(SecretStorageError);
    expect((error as SecretStorageError).reason).toBe('backend-changed');
    expect((error as Error).message).toContain('"kwallet5"');
    expect((error as Error).message).toContain('"gnome_libsecret"');
    expect((error as Error).message).toContain('not re-keyed');
    expect(storage.calls.filter((call) => call === 'encrypt')).toHaveLength(1);
    // Even when the names match again, the new keyring cannot open the old seal: a clear failure, not a guess.
    storage.changeBackend('kwallet5');
    expect(await failureOf(unlockProfileKeys(A, keys, PASS_A, env(storage)))).toBe('SecretStorageError:failed');
  });

  it('refuses to create or unlock while the OS secret store is unavailable', async () => {
    const storage = new FakeSecretStorage();
    const { keys } = await createProfileKeys(A, PASS_A, env(storage));
    storage.available = false;
    expect(await failureOf(unlockProfileKeys(A, keys, PASS_A, env(storage)))).toBe('SecretStorageError:unavailable');
    expect(await failureOf(createProfileKeys(B, PASS_B, env(storage)))).toBe('SecretStorageError:unavailable');
  });

  it('uses only the asynchronous safeStorage API', async () => {
    const storage = new FakeSecretStorage();
    const { keys } = await createProfileKeys(A, PASS_A, env(storage));
    const changed = await changeProfilePassphrase(A, keys, PASS_A, PASS_B, env(storage));
    await unlockProfileKeys(A, changed, PASS_B, env(storage));
    expect(storage.syncCalls).toBe(0);
    expect(new Set(storage.calls)).toEqual(new Set(['isAvailable', 'backend', 'encrypt', 'decrypt']));
  });
});

describe('IT recovery escrow', () => {
  it('recovers with IT’s private key: a new passphrase, the same data key, and a wrong private key fails', async () => {
    const it = await recoveryPair();
    const other = await recoveryPair();
    const storage = new FakeSecretStorage();
    const recoveryKey = await importRecoveryPublicKey(it.publicPem);
    const created = await createProfileKeys(A, PASS_A, env(storage, { recoveryKey }));
    expect(created.keys.recovery?.keyId).toBe(recoveryKey.keyId);

    expect(await failureOf(recoverWithPrivateKey(other.privatePem, A, created.keys, PASS_B, env(storage, { recoveryKey })))).toBe(
      'RecoveryKeyError:wrong-key',
    );
    // The escrow is bound to the profile id: it does not recover another profile.
    expect(await failureOf(recoverWithPrivateKey(it.privatePem, B, created.keys, PASS_B, env(storage, { recoveryKey })))).toBe(
      'RecoveryKeyError:wrong-key',
    );

    const recovered = await recoverWithPrivateKey(it.privatePem, A, created.keys, PASS_B, env(storage, { recoveryKey }));
    const unlocked = await unlockProfileKeys(A, recovered, PASS_B, env(storage, { recoveryKey }));
    expect(await sameKey(created.dataKey, unlocked.dataKey)).toBe(true);
    expect(await failureOf(unlockProfileKeys(A, recovered, PASS_A, env(storage)))).toBe('WrongPassphraseError');
  });

  it('is also the way back after the OS secret store changed: it re-seals with the backend running now', async () => {
    const it = await recoveryPair();
    const storage = new FakeSecretStorage({ backend: 'kwallet5' });
    const recoveryKey = await importRecoveryPublicKey(it.publicPem);
    const { keys } = await createProfileKeys(A, PASS_A, env(storage, { recoveryKey }));
    storage.changeBackend('gnome_libsecret');
    const recovered = await recoverWithPrivateKey(it.privatePem, A, keys, PASS_B, env(storage, { recoveryKey }));
    expect(recovered.wrappedDataKey.backend).toBe('gnome_libsecret');
    expect(await failureOf(unlockProfileKeys(A, recovered, PASS_B, env(storage)))).toBe('ok');
  });

  it('escrows an existing profile at its next unlock when policy adds a recovery key', async () => {
    const it = await recoveryPair();
    const storage = new FakeSecretStorage();
    const created = await createProfileKeys(A, PASS_A, env(storage));
    expect(created.keys.recovery).toBeNull();
    const recoveryKey = await importRecoveryPublicKey(it.publicPem);
    const { upgraded } = await unlockProfileKeys(A, created.keys, PASS_A, env(storage, { recoveryKey }));
    expect(upgraded?.recovery?.keyId).toBe(recoveryKey.keyId);
    expect(upgraded?.kdf).toEqual(created.keys.kdf);
    expect(await failureOf(recoverWithPrivateKey(it.privatePem, A, upgraded!, PASS_B, env(storage)))).toBe('ok');
  });

  it('refuses what it cannot use: no escrow, a PKCS#1 or garbled PEM, an RSA key under 2048 bits', async () => {
    const it = await recoveryPair();
    const storage = new FakeSecretStorage();
    const { keys } = await createProfileKeys(A, PASS_A, env(storage));
    expect(await failureOf(recoverWithPrivateKey(it.privatePem, A, keys, PASS_B, env(storage)))).toBe('RecoveryKeyError:no-escrow');

    const escrowed = await createProfileKeys(A, PASS_A, env(storage, { recoveryKey: await importRecoveryPublicKey(it.publicPem) }));
    const pkcs1 = it.privatePem.replaceAll('PRIVATE KEY', 'RSA PRIVATE KEY');
    expect(await failureOf(recoverWithPrivateKey(pkcs1, A, escrowed.keys, PASS_B, env(storage)))).toBe('RecoveryKeyError:invalid-key');
    expect(await failureOf(importRecoveryPublicKey('not a key'))).toBe('RecoveryKeyError:invalid-key');
    const small = await recoveryPair(1024);
    const error = await importRecoveryPublicKey(small.publicPem).catch((caught: unknown) => caught);
    expect((error as RecoveryKeyError).reason).toBe('invalid-key');
    expect((error as Error).message).toContain('policy setting recoveryPublicKey must');
  });
});

describe('wrong passphrase', () => {
  it('is a WrongPassphraseError that says nothing about the passphrase', async () => {
    const storage = new FakeSecretStorage();
    const { keys } = await createProfileKeys(A, PASS_A, env(storage));
    const error = await unlockProfileKeys(A, keys, 'nearly the right passphrase', env(storage)).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(WrongPassphraseError);
    expect((error as Error).message).toBe('The passphrase is not correct for this profile.');
  });
});
