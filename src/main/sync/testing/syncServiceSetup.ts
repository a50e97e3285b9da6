/**
 * Test helpers for the sync service (imported by its tests only): a profile store that locks and unlocks by hand, an
 * in-memory sync server behind the client's interfaces (pushes kept, pages served, feeds and leases counted, any
 * call made to wait), sync state files that can be made to fail, and the service wired to them on a test clock.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TestClock } from '../../../../test/support/testClock';
import type { Change, ChangeEvent, PushItem, PushOutput } from '../../../shared/sync/changes';
import type { ProfileOutput, SignInOutput } from '../../../shared/sync/identity';
import { PAYLOAD_FORMAT_VERSION, type SealedRecordV2 } from '../../../shared/vault';
import { silentLogger } from '../../core/logger';
import type { ProfileStore } from '../../profiles/profileStore';
import { sealRecord } from '../../vault/recordCrypto';
import type { SessionKeyStore } from '../../vault/sessionKeyStore';
import { keyStoreFolder } from '../../vault/testing/sessionKeyStoreSetup';
import type { UnlockedOwner } from '../../vault/unlockedOwner';
import type { SyncClient, SyncSession } from '../http/syncClient';
import { SyncOfflineError } from '../http/syncClientErrors';
import { durableSyncStateFiles, syncPathsOf, type SyncStateFiles } from '../outbox/outboxFiles';
import { SyncService, type SyncAuditEvent, type SyncServiceDeps } from '../syncService';

export const ADA = '5e0c2a1b-3d4f-4a6b-8c7d-9e0f1a2b3c4d';
export const BEN = '6f1d3b2c-4e5a-4b7c-9d8e-0f1a2b3c4d5e';
export const PASSPHRASE = 'correct horse battery staple';

const KDF = { algorithm: 'PBKDF2-SHA256', iterations: 600_000, salt: Buffer.alloc(16, 7).toString('base64') } as const;

/**
 * A hand-driven profile store: one data key per profile, as a new (non-extractable) key object at each unlock, as
 * the real one does — an owner from before a lock is not signed in, even for the same clinician.
 */
export class FakeProfiles {
  #unlocked: { readonly name: string; readonly owner: UnlockedOwner } | null = null;
  readonly #listeners = new Set<(state: { unlockedProfileId: string | null }) => void>();
  readonly #rawKeys = new Map<string, ArrayBuffer>();

  /** The profile's data key as a new object (what any workstation of the clinician unwraps). */
  async ownerOf(profileId: string): Promise<UnlockedOwner> {
    let raw = this.#rawKeys.get(profileId);
    if (!raw) {
      const key = await globalThis.crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, true, ['wrapKey', 'unwrapKey']);
      raw = await globalThis.crypto.subtle.exportKey('raw', key);
      this.#rawKeys.set(profileId, raw);
    }
    const dataKey = await globalThis.crypto.subtle.importKey('raw', raw, { name: 'AES-GCM' }, false, ['wrapKey', 'unwrapKey']);
    return { ownerId: profileId, dataKey };
  }

  async unlock(profileId: string, name = profileId === ADA ? 'Dr Ada' : 'Dr Ben'): Promise<UnlockedOwner> {
    this.#unlocked = { name, owner: await this.ownerOf(profileId) };
    for (const listener of this.#listeners) listener({ unlockedProfileId: profileId });
    return this.#unlocked.owner;
  }

  lock(): void {
    this.#unlocked = null;
    for (const listener of this.#listeners) listener({ unlockedProfileId: null });
  }

  currentProfile(): { profileId: string; name: string } | null {
    return this.#unlocked ? { profileId: this.#unlocked.owner.ownerId, name: this.#unlocked.name } : null;
  }

  unlockedOwner(): UnlockedOwner {
    if (!this.#unlocked) throw new Error('locked');
    return { ...this.#unlocked.owner };
  }

  isSignedIn(candidate: UnlockedOwner): boolean {
    return this.#unlocked !== null && this.#unlocked.owner.ownerId === candidate.ownerId && this.#unlocked.owner.dataKey === candidate.dataKey;
  }

  onStateChange(listener: (state: { unlockedProfileId: string | null }) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  withExtractableDataKey(): Promise<never> {
    return Promise.reject(new Error('not in these tests'));
  }
}

/** A call held until the test lets it go. */
export class Gate {
  #open: () => void = () => undefined;
  readonly opened = new Promise<void>((resolve) => (this.#open = resolve));
  release(): void {
    this.#open();
  }
}

function abortable(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new SyncOfflineError('unreachable');
}

/** The sync server, in memory, as one clinician's sessions see it. */
export class FakeSyncServer {
  /** Stored items by `kind:id`. */
  readonly items = new Map<string, PushItem>();
  /** Every push, items in order. */
  readonly pushes: PushItem[][] = [];
  /** Changes served to pulls, in change-number order (tests add their own). */
  readonly changes: Change[] = [];
  readonly feeds = { opened: 0, open: 0 };
  readonly leases = { acquired: 0, releaseCalls: 0, released: [] as { sessionId: string; fencing: number }[] };
  /** Prelogin calls: one per sign-in with the passphrase. */
  prelogins = 0;
  /** Set to hold the next push until released. */
  pushGate: Gate | null = null;
  /** Set to make lease releases never answer (they end only when their signal aborts). */
  releaseHangs = false;
  #fencing = 0;

  addChange(change: Omit<Change, 'changeNo'>): void {
    this.changes.push({ ...change, changeNo: this.changes.length + 1 } as Change);
  }

  readonly client: SyncClient = {
    prelogin: async () => (this.prelogins++, { kdf: KDF }),
    register: async () => this.#signedIn(ADA),
    signIn: async (input, signal) => {
      abortable(signal);
      return this.#signedIn(input.name === 'Dr Ben' ? BEN : ADA);
    },
    session: () => this.#session,
  };

  #signedIn(profileId: string): SignInOutput {
    return {
      token: 't'.repeat(43),
      expiresAt: '2026-11-26T09:00:00.000Z',
      profileId,
      name: profileId === ADA ? 'Dr Ada' : 'Dr Ben',
      keysVersion: 1,
      keys: { kdf: KDF } as SignInOutput['keys'],
    };
  }

  readonly #session: SyncSession = {
    profile: async () => ({}) as ProfileOutput,
    changeKeys: async () => ({}) as ProfileOutput,
    push: async (input, signal): Promise<PushOutput> => {
      const gate = this.pushGate;
      if (gate) {
        this.pushGate = null;
        await gate.opened;
      }
      abortable(signal);
      this.pushes.push(input.items);
      return {
        results: input.items.map((item) => {
          this.items.set(`${item.kind}:${item.id}`, item);
          this.addChange({ kind: item.kind, id: item.id, sessionId: item.sessionId, version: item.version, day: item.day, blob: item.blob } as Change);
          return { kind: item.kind, id: item.id, status: 'stored', changeNo: this.changes.length, serverVersion: item.version, holderLabel: null };
        }),
      };
    },
    tombstones: async () => ({ changeNos: [] }),
    pull: async (query, signal) => {
      abortable(signal);
      const changes = this.changes.filter((change) => change.changeNo > query.after);
      return { changes, next: changes.at(-1)?.changeNo ?? query.after, more: false, resync: false };
    },
    acquireLease: async (input) => {
      this.leases.acquired += 1;
      return { sessionId: input.sessionId, fencing: ++this.#fencing, ttlMs: 30_000 };
    },
    renewLease: async (input) => ({ sessionId: input.sessionId, fencing: input.fencing, ttlMs: 30_000 }),
    releaseLease: async (input, signal) => {
      this.leases.releaseCalls += 1;
      if (this.releaseHangs) {
        await new Promise<void>((resolve) => signal?.addEventListener('abort', () => resolve()));
      }
      abortable(signal);
      this.leases.released.push(input);
    },
    signOut: async () => undefined,
    events: async (signal) => {
      abortable(signal);
      this.feeds.opened += 1;
      this.feeds.open += 1;
      const feeds = this.feeds;
      // A quiet feed: no change announced until it is stopped.
      const quiet = async function* (): AsyncGenerator<ChangeEvent> {
        try {
          await new Promise<void>((resolve) => {
            if (signal?.aborted) resolve();
            signal?.addEventListener('abort', () => resolve());
          });
          yield* [];
        } finally {
          feeds.open -= 1;
        }
      };
      return quiet();
    },
  };
}

/** Sync state files that can be made to fail (ENOSPC) while `failing` is set; the real files otherwise. */
export class SwitchableSyncFiles implements SyncStateFiles {
  failing = false;
  /** Set to hold the next append until released; `held` tells it is waiting. */
  appendGate: Gate | null = null;
  held = false;
  /** Set to tear the next append half-way (and fail every write after it, as a crash would). */
  tearNext = false;
  /** Appends that reached the disk, by text. */
  readonly appended: string[] = [];

  /** Every path read, in order. */
  readonly reads: string[] = [];

  read(path: string): Promise<string | null> {
    this.reads.push(path);
    return durableSyncStateFiles.read(path);
  }

  async append(path: string, text: string, cutBackTo?: number): Promise<number> {
    const gate = this.appendGate;
    if (gate) {
      this.appendGate = null;
      this.held = true;
      await gate.opened;
      this.held = false;
    }
    if (this.tearNext) {
      // A crash mid-write: part of the text reached the disk, the rest never will.
      this.tearNext = false;
      this.failing = true;
      await durableSyncStateFiles.append(path, text.slice(0, Math.floor(text.length / 2)), cutBackTo);
    }
    this.#failIfAsked();
    const size = await durableSyncStateFiles.append(path, text, cutBackTo);
    this.appended.push(text);
    return size;
  }

  async replace(path: string, text: string): Promise<void> {
    this.#failIfAsked();
    await durableSyncStateFiles.replace(path, text);
  }

  #failIfAsked(): void {
    if (this.failing) throw Object.assign(new Error('no space left on device'), { code: 'ENOSPC' });
  }
}

/** The service on fakes, with what the tests look at. */
export interface SyncServiceSetup {
  readonly service: SyncService;
  readonly server: FakeSyncServer;
  readonly profiles: FakeProfiles;
  readonly keys: SessionKeyStore;
  readonly files: SwitchableSyncFiles;
  readonly clock: TestClock;
  readonly dataDir: string;
  readonly delivered: SealedRecordV2[];
  readonly audits: SyncAuditEvent[];
  /** Builds another service over the same data folder and key store (a restart of main). */
  restart(overrides?: Partial<SyncServiceDeps>): SyncService;
  /** A sealed turn record of `sessionId` (its key created in the key store when missing) for `clinician`. */
  /** Another workstation's key store (sessions made there arrive here by sync). */
  readonly elsewhere: SessionKeyStore;
  record(clinician: UnlockedOwner, sessionId: string, header?: Partial<SealedRecordV2>, store?: SessionKeyStore): Promise<SealedRecordV2>;
}

/** Marks `profileId` as published from this data folder, so an unlock signs in (prelogin) instead of registering. */
export async function markPublished(dataDir: string, profileId: string): Promise<void> {
  const folder = join(syncPathsOf(dataDir, profileId).outbox, '..');
  await mkdir(folder, { recursive: true });
  await durableSyncStateFiles.replace(join(folder, 'published'), '');
}

/** The sync service wired to fakes; `overrides` replace deps. */
export async function syncServiceSetup(overrides: Partial<SyncServiceDeps> = {}): Promise<SyncServiceSetup> {
  const dataDir = await mkdtemp(join(tmpdir(), 'cpa-sync-service-'));
  const server = new FakeSyncServer();
  const profiles = new FakeProfiles();
  const keys = (await (await keyStoreFolder()).open()).store;
  const elsewhere = (await (await keyStoreFolder()).open()).store;
  const files = new SwitchableSyncFiles();
  const clock = new TestClock();
  const delivered: SealedRecordV2[] = [];
  const audits: SyncAuditEvent[] = [];
  const build = (more: Partial<SyncServiceDeps>): SyncService =>
    new SyncService({
      client: server.client,
      workstation: { id: randomUUID(), label: 'Triage 1' },
      dataDir,
      profiles: profiles as unknown as ProfileStore,
      keys,
      shred: async () => undefined,
      deliver: (records) => delivered.push(...records),
      continuedElsewhere: () => undefined,
      audit: (event) => audits.push(event),
      clock,
      logger: silentLogger,
      pullIntervalMs: 60_000,
      debounceMs: 0,
      files,
      ...overrides,
      ...more,
    });
  return {
    service: build({}),
    server,
    profiles,
    keys,
    files,
    clock,
    dataDir,
    delivered,
    audits,
    elsewhere,
    restart: (more = {}) => build(more),
    async record(clinician, sessionId, header = {}, store = keys) {
      if (!store.has(sessionId)) await store.create(sessionId, clinician, clock.now());
      return sealRecord(
        await store.keyFor(sessionId, clinician),
        {
          id: randomUUID(),
          kind: 'turn',
          sessionId,
          ownerId: clinician.ownerId,
          seq: 1,
          parentTurnId: null,
          status: 'complete',
          createdAt: clock.now().toISOString(),
          updatedAt: clock.now().toISOString(),
          v: PAYLOAD_FORMAT_VERSION,
          rv: 1,
          ...header,
        },
        { text: 'sealed' },
      );
    },
  };
}
