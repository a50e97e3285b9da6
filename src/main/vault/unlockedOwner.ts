import type { CryptoKey } from './webCryptoTypes';

/**
 * A profile that is unlocked right now: its id (the owner id on every record and session key) and its data key,
 * a non-extractable AES-GCM key that can only wrap and unwrap session keys.
 *
 * Warning: hold it for the length of one call. After a lock the profile store has dropped its copy; a reference
 * kept elsewhere would outlive the lock.
 */
export interface UnlockedOwner {
  readonly ownerId: string;
  readonly dataKey: CryptoKey;
}
