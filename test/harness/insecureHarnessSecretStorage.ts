import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { SecretStorage } from '../../src/main/core/platformInterfaces';

/** File name of the stand-in's key inside the harness data folder. */
export const INSECURE_KEY_FILE = 'INSECURE-harness-safe-storage.key';

/**
 * INSECURE stand-in for Electron's `safeStorage`, for the browser harness only. It keeps its key in a plain
 * file in the harness data folder (so a restart with the same folder finds its data again), which protects
 * nothing. It reports the `basic_text` backend so every policy that refuses weak storage refuses it too.
 * Never part of a release build: package:check fails if it is in the asar.
 */
export class InsecureHarnessSecretStorage implements SecretStorage {
  #key: Buffer | null = null;

  constructor(private readonly dataDir: string) {}

  async isAvailable(): Promise<boolean> {
    return true;
  }

  backend(): string {
    return 'basic_text';
  }

  async encrypt(plainText: string): Promise<Uint8Array> {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', await this.#loadKey(), iv);
    const body = Buffer.concat([cipher.update(plainText, 'utf8'), cipher.final()]);
    return Buffer.concat([iv, cipher.getAuthTag(), body]);
  }

  async decrypt(cipherText: Uint8Array): Promise<string> {
    const data = Buffer.from(cipherText);
    const decipher = createDecipheriv('aes-256-gcm', await this.#loadKey(), data.subarray(0, 12));
    decipher.setAuthTag(data.subarray(12, 28));
    return Buffer.concat([decipher.update(data.subarray(28)), decipher.final()]).toString('utf8');
  }

  async #loadKey(): Promise<Buffer> {
    if (this.#key) return this.#key;
    const path = join(this.dataDir, INSECURE_KEY_FILE);
    try {
      this.#key = await readFile(path);
    } catch {
      this.#key = randomBytes(32);
      await writeFile(path, this.#key, { mode: 0o600 });
    }
    return this.#key;
  }
}
