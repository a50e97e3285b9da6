import { z } from 'zod';
import type { SecretStorage } from '../core/platformInterfaces';
import { fromBase64Strict, toBase64 } from '../vault/encoding';
import { SecretStorageError } from './profileErrors';

/** Linux's fallback backend: a hard-coded key, so no protection at all. */
export const WEAK_SECRET_STORAGE_BACKEND = 'basic_text';

/** What the OS secret store sealed, with the name of the backend that sealed it. */
export const SecretStorageSealed = z.strictObject({
  backend: z.string().min(1).max(64),
  sealed: z.string().min(1).max(16_384),
});
/** @see SecretStorageSealed */
export type SecretStorageSealed = z.infer<typeof SecretStorageSealed>;

/** Whether policy accepts the `basic_text` backend (policy setting `allowBasicTextKeyStorage`). */
export interface SecretStoragePolicy {
  readonly allowBasicTextSecretStorage: boolean;
}

/** The backend running now, if the store is available and policy accepts it. */
async function usableBackend(storage: SecretStorage, policy: SecretStoragePolicy): Promise<string> {
  if (!(await storage.isAvailable())) throw SecretStorageError.unavailable();
  const backend = storage.backend();
  if (backend === WEAK_SECRET_STORAGE_BACKEND && !policy.allowBasicTextSecretStorage) throw SecretStorageError.weakBackend();
  return backend;
}

/**
 * Seals `inner` (already encrypted under the passphrase KEK) with the OS secret store, an outer layer that ties the
 * profile to this OS account on this machine: a copy of the profiles file elsewhere needs more than the passphrase.
 * Uses only the asynchronous `safeStorage` API, which does not block main while the keyring answers.
 */
export async function sealWithSecretStorage(storage: SecretStorage, policy: SecretStoragePolicy, inner: string): Promise<SecretStorageSealed> {
  const backend = await usableBackend(storage, policy);
  return { backend, sealed: toBase64(await storage.encrypt(inner)) };
}

/**
 * Opens what {@link sealWithSecretStorage} sealed. A backend other than the one that sealed it is a clear error,
 * never a silent re-key: a changed backend can mean the keyring was reset or replaced, which IT should look at.
 */
export async function openWithSecretStorage(storage: SecretStorage, policy: SecretStoragePolicy, layer: SecretStorageSealed): Promise<string> {
  if (!(await storage.isAvailable())) throw SecretStorageError.unavailable();
  const backend = storage.backend();
  if (backend !== layer.backend) throw SecretStorageError.backendChanged(layer.backend, backend);
  await usableBackend(storage, policy);
  const sealed = fromBase64Strict(layer.sealed);
  if (!sealed) throw SecretStorageError.failed();
  try {
    return await storage.decrypt(sealed);
  } catch {
    throw SecretStorageError.failed();
  }
}
