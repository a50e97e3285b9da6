import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { SecretStorage } from '../../src/main/core/platformInterfaces';

/** Options of {@link FakeSecretStorage}. */
export interface FakeSecretStorageOptions {
  /** Backend name as Electron reports it on Linux (`gnome_libsecret`, `kwallet5`, `basic_text`…); default `gnome_libsecret`. */
  readonly backend?: string;
  /** Whether encryption is available; default true. */
  readonly available?: boolean;
}

/**
 * A fake of Electron's `safeStorage` for tests: real AES-GCM under a per-instance key standing in for the OS
 * keyring, a settable backend name and availability, and a way to simulate the backend changing under the app.
 *
 * It also carries the names of Electron's synchronous API (`encryptString`, `decryptString`,
 * `isEncryptionAvailable`), which throw and are counted, so a test can prove that only the asynchronous API is used.
 */
export class FakeSecretStorage implements SecretStorage {
  #backend: string;
  #key = randomBytes(32);
  /** Whether `isAvailable()` answers true. */
  available: boolean;
  /** Every call, by method name, in order. */
  readonly calls: string[] = [];

  constructor(options: FakeSecretStorageOptions = {}) {
    this.#backend = options.backend ?? 'gnome_libsecret';
    this.available = options.available ?? true;
  }

  async isAvailable(): Promise<boolean> {
    this.calls.push('isAvailable');
    return this.available;
  }

  backend(): string {
    this.calls.push('backend');
    return this.#backend;
  }

  async encrypt(plainText: string): Promise<Uint8Array> {
    this.calls.push('encrypt');
    if (!this.available) throw new Error('encryption is not available');
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.#key, iv);
    const body = Buffer.concat([cipher.update(plainText, 'utf8'), cipher.final()]);
    return new Uint8Array(Buffer.concat([iv, cipher.getAuthTag(), body]));
  }

  async decrypt(cipherText: Uint8Array): Promise<string> {
    this.calls.push('decrypt');
    if (!this.available) throw new Error('encryption is not available');
    const data = Buffer.from(cipherText);
    const decipher = createDecipheriv('aes-256-gcm', this.#key, data.subarray(0, 12));
    decipher.setAuthTag(data.subarray(12, 28));
    return Buffer.concat([decipher.update(data.subarray(28)), decipher.final()]).toString('utf8');
  }

  /**
   * Simulates the OS secret store changing under the app (e.g. KWallet replaced by libsecret, or a fallback to
   * `basic_text`): a new backend name and a new keyring, so what the old one sealed no longer opens.
   */
  changeBackend(backend: string): void {
    this.#backend = backend;
    this.#key = randomBytes(32);
  }

  /** Electron's synchronous API: blocks main while the keyring answers. Must never be called. */
  encryptString(_plainText: string): never {
    this.calls.push('encryptString');
    throw new Error('the synchronous safeStorage API must not be used');
  }

  /** Electron's synchronous API: must never be called. */
  decryptString(_cipherText: Uint8Array): never {
    this.calls.push('decryptString');
    throw new Error('the synchronous safeStorage API must not be used');
  }

  /** Electron's synchronous API: must never be called. */
  isEncryptionAvailable(): never {
    this.calls.push('isEncryptionAvailable');
    throw new Error('the synchronous safeStorage API must not be used');
  }

  /** Calls made to the synchronous API (zero when the code under test behaves). */
  get syncCalls(): number {
    return this.calls.filter((name) => name === 'encryptString' || name === 'decryptString' || name === 'isEncryptionAvailable').length;
  }
}
