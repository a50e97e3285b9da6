import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { SecretStorage } from '../core/platformInterfaces';
import { AuditError } from './auditError';
import { readBytesIfExists } from '../core/durableFiles';
import { auditPaths, fileExists } from './auditFiles';
import { writeFileAtomic } from '../core/durableFiles';

/** HMAC-SHA256 key size: 256 bits. */
export const AUDIT_KEY_BYTES = 32;

/**
 * Linux's fallback secret store: a hard-coded key, so no protection at all. (Profiles refuse it by the same name;
 * the audit folder may not import theirs.)
 */
const WEAK_BACKEND = 'basic_text';

/** The key-storage policy the audit key follows, the same one profile keys follow. */
export interface AuditKeyPolicy {
  /** IT's `allowBasicTextKeyStorage`: accept Linux's `basic_text` secret store (off by default). */
  readonly allowBasicTextKeyStorage: boolean;
}

/**
 * `audit.key`: the HMAC key as the secret store wrapped it, never the key itself, with the backend that wrapped
 * it so that a changed backend is named in the error rather than guessed at.
 */
const KeyFile = z.strictObject({
  v: z.literal(1),
  backend: z.string(),
  /** `SecretStorage.encrypt(base64(key))`, base64. */
  wrapped: z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/),
});

/**
 * Unwraps the audit HMAC key of a data folder, or returns null when there is no `audit.key`. Never creates one,
 * so a verifier cannot disturb the folder it checks.
 *
 * @throws AuditError `key-unavailable` when the file is damaged or the secret store cannot unwrap it.
 */
export async function loadAuditKey(dir: string, secrets: SecretStorage): Promise<Buffer | null> {
  const { key: path } = auditPaths(dir);
  const bytes = await readBytesIfExists(path).catch((error: unknown) => {
    throw new AuditError('key-unavailable', 'audit.key could not be read', { cause: error });
  });
  if (bytes === null) return null;
  let file: z.infer<typeof KeyFile>;
  try {
    file = KeyFile.parse(JSON.parse(bytes.toString('utf8')));
  } catch (error) {
    throw new AuditError('key-unavailable', 'audit.key is damaged', { cause: error });
  }
  let key: Buffer;
  try {
    key = Buffer.from(await secrets.decrypt(Buffer.from(file.wrapped, 'base64')), 'base64');
  } catch (error) {
    const backend = secrets.backend();
    const why = backend === file.backend ? '' : ` (it was wrapped by the "${file.backend}" secret store; this one is "${backend}")`;
    throw new AuditError('key-unavailable', `audit.key could not be unwrapped by the OS secret store${why}`, { cause: error });
  }
  if (key.length !== AUDIT_KEY_BYTES) throw new AuditError('key-unavailable', 'audit.key does not hold a 256-bit key');
  return key;
}

/**
 * The audit HMAC key of a data folder, created on first use: 256 random bits, wrapped by `secrets` and written
 * atomically to `audit.key`. `created` tells the log whether the key is new: beside an existing key, a log that
 * is gone is a removed log, not a fresh start.
 *
 * A key is created only for a folder with no audit log yet. A missing or unreadable key beside an existing log
 * is an error, never a fresh key: a new key would silently start a chain that nothing before it can be checked
 * against.
 *
 * The key follows the key-storage policy of profile keys: on Linux's `basic_text` store, which anyone who can
 * read the folder can undo, whoever holds the files could forge entries, so it is refused unless IT allows it.
 * (Reading a key to verify a log, {@link loadAuditKey}, writes nothing and is not refused.)
 *
 * @throws AuditError `key-storage-refused` or `key-unavailable`.
 */
export async function loadOrCreateAuditKey(dir: string, secrets: SecretStorage, policy: AuditKeyPolicy): Promise<{ key: Buffer; created: boolean }> {
  if (secrets.backend() === WEAK_BACKEND && !policy.allowBasicTextKeyStorage) {
    throw new AuditError(
      'key-storage-refused',
      'The operating system’s secret store on this workstation is "basic_text", which stores keys without protection, so it cannot protect the audit log’s key. ' +
        'Install or unlock a keyring (GNOME Keyring, KWallet), or IT can accept the risk with the policy setting allowBasicTextKeyStorage.',
    );
  }
  const existing = await loadAuditKey(dir, secrets);
  if (existing) return { key: existing, created: false };
  const paths = auditPaths(dir);
  if ((await fileExists(paths.log)) || (await fileExists(paths.head))) {
    throw new AuditError('key-unavailable', 'audit.key is missing but an audit log exists; refusing to start a new chain with a new key');
  }
  if (!(await secrets.isAvailable())) throw new AuditError('key-unavailable', 'the OS secret store is not available to protect the audit key');
  const key = randomBytes(AUDIT_KEY_BYTES);
  try {
    const wrapped = Buffer.from(await secrets.encrypt(key.toString('base64'))).toString('base64');
    const file: z.infer<typeof KeyFile> = { v: 1, backend: secrets.backend(), wrapped };
    // Rename, not link-without-overwrite: the single-instance app and the log's serialized start make a race
    // between two creators impossible here.
    await writeFileAtomic(paths.key, `${JSON.stringify(file)}\n`);
  } catch (error) {
    throw new AuditError('key-unavailable', 'the audit key could not be wrapped and stored', { cause: error });
  }
  return { key, created: true };
}
