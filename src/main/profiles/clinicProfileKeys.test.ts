import { describe, expect, it, vi } from 'vitest';
import { FakeSecretStorage } from '../../../test/fakes/fakeSecretStorage';
import { additionalData } from '../vault/encoding';
import { RECORD_KEY_USAGES, WRAPPING_KEY_USAGES, newWrappableAesKey, unwrapAesKey, wrapAesKey } from '../vault/keyWrap';
import type { CryptoKey } from '../vault/webCryptoTypes';
import { WrongPassphraseError } from './profileErrors';
import { adoptProfileKeys, createProfileKeys, unlockProfileKeys, withExtractableDataKey, type ProfileKeyEnvironment } from './profileKeys';

/** The two hooks a clinic profile needs from the local profile keys: publishing one, and adopting one from the server. */
const ID = '11111111-1111-4111-8111-111111111111';
const PASS = 'correct horse battery staple';
const env = (storage = new FakeSecretStorage()): ProfileKeyEnvironment => ({
  storage,
  policy: { allowBasicTextSecretStorage: false, recoveryKey: null },
  iterations: 1_000,
});

async function sameKey(first: CryptoKey, second: CryptoKey): Promise<boolean> {
  const ad = additionalData('test');
  const wrapped = await wrapAesKey(await newWrappableAesKey(RECORD_KEY_USAGES), first, ad);
  return unwrapAesKey(wrapped, second, ad, RECORD_KEY_USAGES).then(
    () => true,
    () => false,
  );
}

describe('clinic profile keys', () => {
  it('lends the data key extractable for one call (to publish it), only with the right passphrase', async () => {
    const storage = new FakeSecretStorage();
    const created = await createProfileKeys(ID, PASS, env(storage));
    const lent = await withExtractableDataKey(ID, created.keys, PASS, env(storage), async (key) => key);
    expect(lent.extractable).toBe(true);
    expect(await sameKey(lent, created.dataKey)).toBe(true);

    const use = vi.fn(async () => 'used');
    await expect(withExtractableDataKey(ID, created.keys, 'not the passphrase', env(storage), use)).rejects.toBeInstanceOf(WrongPassphraseError);
    expect(use).not.toHaveBeenCalled();
  });

  it('stores a data key that came from the sync server under this workstation’s own layers, keeping IT’s escrow', async () => {
    const storage = new FakeSecretStorage();
    const fromServer = await newWrappableAesKey(WRAPPING_KEY_USAGES);
    const escrow = { keyId: 'a'.repeat(64), wrappedDataKey: 'ZXNjcm93ZWQ=' };
    const adopted = await adoptProfileKeys(ID, fromServer, PASS, escrow, env(storage));
    expect(adopted.dataKey.extractable).toBe(false);
    expect(adopted.keys.recovery).toEqual(escrow);
    const unlocked = await unlockProfileKeys(ID, adopted.keys, PASS, env(storage));
    expect(await sameKey(unlocked.dataKey, fromServer)).toBe(true);
    await expect(unlockProfileKeys(ID, adopted.keys, 'not the passphrase', env(storage))).rejects.toBeInstanceOf(WrongPassphraseError);
  });
});
