import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InsecureHarnessSecretStorage } from '../../../test/harness/insecureHarnessSecretStorage';
import type { SecretStorage } from '../core/platformInterfaces';
import { AuditError } from './auditError';
import { AUDIT_KEY_FILE, AUDIT_LOG_FILE } from './auditFiles';
import { AUDIT_KEY_BYTES, loadAuditKey, loadOrCreateAuditKey } from './auditKey';

const tempDir = () => mkdtemp(join(tmpdir(), 'cpa-audit-key-'));
/** The policy of the harness, whose stand-in secret store reports `basic_text`. */
const BASIC_TEXT_ALLOWED = { allowBasicTextKeyStorage: true };
/** The default policy. */
const BASIC_TEXT_REFUSED = { allowBasicTextKeyStorage: false };
/** The key alone, as a verifier or a test wants it. */
const keyOf = async (result: Promise<{ key: Buffer }>) => (await result).key;

/** A stand-in secret store whose backend name and availability a test can set. */
function storeWith(overrides: Partial<SecretStorage>, dir: string): SecretStorage {
  const inner = new InsecureHarnessSecretStorage(dir);
  return {
    isAvailable: () => inner.isAvailable(),
    backend: () => inner.backend(),
    encrypt: (text) => inner.encrypt(text),
    decrypt: (bytes) => inner.decrypt(bytes),
    ...overrides,
  };
}

async function kindOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof AuditError) return `${error.kind}: ${error.message}`;
    throw error;
  }
  return 'no error';
}

describe('audit HMAC key (check 25: kept via safeStorage)', () => {
  it('creates a random 256-bit key once, stores it wrapped by the secret store, and finds it again', async () => {
    const dir = await tempDir();
    const secrets = new InsecureHarnessSecretStorage(dir);
    expect(await loadAuditKey(dir, secrets)).toBeNull();
    const { key, created } = await loadOrCreateAuditKey(dir, secrets, BASIC_TEXT_ALLOWED);
    expect(key).toHaveLength(AUDIT_KEY_BYTES);
    expect(created).toBe(true);
    expect(await loadOrCreateAuditKey(dir, new InsecureHarnessSecretStorage(dir), BASIC_TEXT_ALLOWED)).toEqual({ key, created: false });
    expect(await keyOf(loadOrCreateAuditKey(await tempDir(), secrets, BASIC_TEXT_ALLOWED))).not.toEqual(key);
  });

  it('keeps only the wrapped key on disk: the raw key appears in no form in audit.key', async () => {
    const dir = await tempDir();
    const key = await keyOf(loadOrCreateAuditKey(dir, new InsecureHarnessSecretStorage(dir), BASIC_TEXT_ALLOWED));
    const file = await readFile(join(dir, AUDIT_KEY_FILE));
    const text = file.toString('utf8');
    expect(file.includes(key)).toBe(false);
    for (const form of [key.toString('hex'), key.toString('base64'), key.toString('base64url')]) expect(text).not.toContain(form);
    const stored = JSON.parse(text) as { v: number; backend: string; wrapped: string };
    expect(stored).toMatchObject({ v: 1, backend: 'basic_text' });
    // The wrapped bytes open only through the secret store that wrapped them.
    expect(await new InsecureHarnessSecretStorage(dir).decrypt(Buffer.from(stored.wrapped, 'base64'))).toBe(key.toString('base64'));
    await expect(new InsecureHarnessSecretStorage(await tempDir()).decrypt(Buffer.from(stored.wrapped, 'base64'))).rejects.toThrow();
  });

  it('fails clearly, and never re-keys, when the secret store cannot unwrap the key (a changed backend named)', async () => {
    const dir = await tempDir();
    await loadOrCreateAuditKey(dir, new InsecureHarnessSecretStorage(dir), BASIC_TEXT_ALLOWED);
    const before = await readFile(join(dir, AUDIT_KEY_FILE), 'utf8');
    const changed = storeWith({ backend: () => 'kwallet6', decrypt: () => Promise.reject(new Error('cannot decrypt')) }, dir);
    expect(await kindOf(loadOrCreateAuditKey(dir, changed, BASIC_TEXT_REFUSED))).toBe(
      'key-unavailable: audit.key could not be unwrapped by the OS secret store (it was wrapped by the "basic_text" secret store; this one is "kwallet6")',
    );
    expect(await readFile(join(dir, AUDIT_KEY_FILE), 'utf8')).toBe(before);
  });

  it('refuses to create a key beside an existing log, or without a secret store', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, AUDIT_LOG_FILE), '');
    expect(await kindOf(loadOrCreateAuditKey(dir, new InsecureHarnessSecretStorage(dir), BASIC_TEXT_ALLOWED))).toMatch(/^key-unavailable: audit.key is missing but an audit log exists/);
    const empty = await tempDir();
    expect(await kindOf(loadOrCreateAuditKey(empty, storeWith({ isAvailable: async () => false }, empty), BASIC_TEXT_ALLOWED))).toMatch(/^key-unavailable: the OS secret store is not available/);
  });

  it('reports a damaged key file', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, AUDIT_KEY_FILE), 'not json');
    expect(await kindOf(loadAuditKey(dir, new InsecureHarnessSecretStorage(dir)))).toBe('key-unavailable: audit.key is damaged');
  });

  it('refuses the basic_text secret store unless policy allows it, like profile keys, and writes no key then', async () => {
    const dir = await tempDir();
    expect(await kindOf(loadOrCreateAuditKey(dir, new InsecureHarnessSecretStorage(dir), BASIC_TEXT_REFUSED))).toBe(
      'key-storage-refused: The operating system’s secret store on this workstation is "basic_text", which stores keys without protection, ' +
        'so it cannot protect the audit log’s key. Install or unlock a keyring (GNOME Keyring, KWallet), or IT can accept the risk with the policy setting allowBasicTextKeyStorage.',
    );
    await expect(readFile(join(dir, AUDIT_KEY_FILE))).rejects.toThrow();
    // An existing key wrapped by basic_text is refused the same way once policy no longer allows it.
    await loadOrCreateAuditKey(dir, new InsecureHarnessSecretStorage(dir), BASIC_TEXT_ALLOWED);
    expect(await kindOf(loadOrCreateAuditKey(dir, new InsecureHarnessSecretStorage(dir), BASIC_TEXT_REFUSED))).toMatch(/^key-storage-refused: /);
    // A real keyring needs no permission.
    const keyring = await tempDir();
    const libsecret = storeWith({ backend: () => 'gnome_libsecret' }, keyring);
    expect((await loadOrCreateAuditKey(keyring, libsecret, BASIC_TEXT_REFUSED)).created).toBe(true);
    expect(JSON.parse(await readFile(join(keyring, AUDIT_KEY_FILE), 'utf8'))).toMatchObject({ backend: 'gnome_libsecret' });
  });
});
