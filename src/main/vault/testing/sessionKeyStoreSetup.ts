/**
 * Test helpers for the session key store (imported by its tests only): a fresh data folder per test, profiles'
 * data keys, a writer that can be made to fail, and the reason a refused call gave.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '../../core/logger';
import { SessionKeyError } from '../sessionKeyError';
import { SESSION_KEYS_FILE, durableSessionKeyFileWriter, journalPathOf, type SessionKeyContents, type SessionKeyFileWriter } from '../sessionKeyFile';
import type { SessionKeyChange } from '../sessionKeyFileFormat';
import { SessionKeyStore } from '../sessionKeyStore';
import type { UnlockedOwner } from '../unlockedOwner';

export const DAY_MS = 86_400_000;
export const S1 = '0a1b2c3d-4e5f-4a6b-8c7d-000000000001';
export const S2 = '0a1b2c3d-4e5f-4a6b-8c7d-000000000002';
export const S3 = '0a1b2c3d-4e5f-4a6b-8c7d-000000000003';
/** The tests' "now": a Wednesday morning, UTC. */
export const T0 = new Date('2026-11-25T09:00:00.000Z');

/** A profile data key as the profile store holds it: non-extractable, wrap/unwrap only. */
export async function owner(ownerId: string): Promise<UnlockedOwner> {
  const dataKey = await globalThis.crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, ['wrapKey', 'unwrapKey']);
  return { ownerId, dataKey };
}

/**
 * The real writer, with switches: while `failing` is set every write throws ENOSPC before touching the disk; the
 * writes that reached the disk are counted.
 */
export class SwitchableWriter implements SessionKeyFileWriter {
  failing = false;
  readonly appended: (readonly SessionKeyChange[])[] = [];
  rewrites = 0;

  async rewrite(path: string, contents: SessionKeyContents, generation: number): Promise<void> {
    this.#failIfAsked();
    await durableSessionKeyFileWriter.rewrite(path, contents, generation);
    this.rewrites += 1;
  }

  async append(path: string, changes: readonly SessionKeyChange[], generation: number): Promise<void> {
    this.#failIfAsked();
    await durableSessionKeyFileWriter.append(path, changes, generation);
    this.appended.push(changes);
  }

  #failIfAsked(): void {
    if (this.failing) throw Object.assign(new Error('no space left on device'), { code: 'ENOSPC' });
  }
}

/** A key store folder: its file, its journal, and a way to open a store on it as a restart would. */
export interface KeyStoreFolder {
  readonly dir: string;
  readonly file: string;
  readonly journal: string;
  /** A new store on the folder, loaded at `now` (default {@link T0}) with `retentionCutoff` (default none). */
  open(options?: { retentionCutoff?: Date | null; now?: Date; writer?: SessionKeyFileWriter }): Promise<{ store: SessionKeyStore; dropped: string[] }>;
}

/** A new, empty folder for a key store. */
export async function keyStoreFolder(): Promise<KeyStoreFolder> {
  const dir = await mkdtemp(join(tmpdir(), 'cpa-keys-'));
  const file = join(dir, SESSION_KEYS_FILE);
  return {
    dir,
    file,
    journal: journalPathOf(file),
    async open(options = {}) {
      const store = new SessionKeyStore(file, silentLogger, options.writer);
      const { dropped } = await store.load({ retentionCutoff: options.retentionCutoff ?? null, now: options.now ?? T0 });
      return { store, dropped };
    },
  };
}

/** `CODE/reason` of the {@link SessionKeyError} `run` rejected with, or `ok`; any other error is rethrown. */
export async function reasonOf(run: Promise<unknown>): Promise<string> {
  try {
    await run;
    return 'ok';
  } catch (error) {
    if (error instanceof SessionKeyError) return `${error.code}/${error.reason}`;
    throw error;
  }
}
