/**
 * The workstation's sync client against the real sync server: `src/server/cli.ts` started as IT starts it
 * (`npm run sync-server -- --port 0 --data-dir <dir>`, embedded PostgreSQL), reached only over HTTP through the
 * client's fetch seam — nothing of the server is imported, as nothing of it is in the app.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../core/clock';
import { utf8 } from '../vault/encoding';
import { FakeSecretStorage } from '../../../test/fakes/fakeSecretStorage';
import { WrongPassphraseError } from '../profiles/profileErrors';
import { adoptProfileKeys, createProfileKeys, unlockProfileKeys, withExtractableDataKey, type ProfileKeyEnvironment } from '../profiles/profileKeys';
import { RECORD_KEY_USAGES, newWrappableAesKey, unwrapAesKey, wrapAesKey } from '../vault/keyWrap';
import type { CryptoKey } from '../vault/webCryptoTypes';
import type { UnlockedOwner } from '../vault/unlockedOwner';
import { sealKeyEntryForSync, sealRecordForSync } from './envelope/syncItems';
import { createSyncClient, type SyncClient } from './http/syncClient';
import { clinicKeyChange, clinicRegistration, signInWithClinicProfile } from './identity/clinicProfile';
import { syncPathsOf } from './outbox/outboxFiles';
import { pushOutbox } from './outbox/pushOutbox';
import { SyncOutbox } from './outbox/syncOutbox';
import { pullChanges, type PulledPage } from './pull/pullChanges';

const ROOT = join(import.meta.dirname, '..', '..', '..');
const PASSPHRASE = 'four calm otters read charts';

let dataDir = '';
let server: ChildProcess | null = null;
let client: SyncClient;

/** True when `first` and `second` are the same data key: a session key one wraps, the other unwraps. */
async function sameKey(first: CryptoKey, second: CryptoKey): Promise<boolean> {
  const wrapped = await wrapAesKey(await newWrappableAesKey(RECORD_KEY_USAGES), first, utf8('session'));
  return unwrapAesKey(wrapped, second, utf8('session'), RECORD_KEY_USAGES).then(
    () => true,
    () => false,
  );
}

/** Starts the server CLI on a free port; resolves with the base URL from its one stdout line. */
async function startServer(folder: string): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server/cli.ts', '--port', '0', '--data-dir', folder], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).once('line', (line) => {
      const match = /^sync server listening on (http:\/\/127\.0\.0\.1:\d+)$/.exec(line);
      if (match?.[1]) resolve(match[1]);
      else reject(new Error(`unexpected first line: ${line}`));
    });
    child.once('exit', () => reject(new Error(`the sync server exited: ${stderr}`)));
  });
  return { child, url };
}

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'cpa-sync-client-'));
  // As root the embedded PostgreSQL runs as the `postgres` user, which must be able to reach its folder.
  await chmod(dataDir, 0o755);
  const started = await startServer(join(dataDir, 'server'));
  server = started.child;
  client = createSyncClient({ serverUrl: started.url, allowInsecureHttp: false, fetch: (url, init) => fetch(url, init), clock: systemClock, timeoutMs: 15_000 });
}, 90_000);

afterAll(async () => {
  if (server && server.exitCode === null) {
    const exited = new Promise((resolve) => server?.once('exit', resolve));
    server.kill('SIGTERM');
    await exited;
  }
  await rm(dataDir, { recursive: true, force: true });
}, 30_000);

/** A workstation's local profile keys: a fake OS secret store, a test PBKDF2 count (the clinic KDF is real). */
const localEnv = (): ProfileKeyEnvironment => ({
  storage: new FakeSecretStorage(),
  policy: { allowBasicTextSecretStorage: false, recoveryKey: null },
  iterations: 1_000,
});

/** A local profile published at its first unlock with sync on: the same id, the data key wrapped for the clinic. */
async function publishProfile(name: string) {
  const profileId = randomUUID();
  const env = localEnv();
  const local = await createProfileKeys(profileId, PASSPHRASE, env);
  const input = await withExtractableDataKey(profileId, local.keys, PASSPHRASE, env, (dataKey) =>
    clinicRegistration({ profileId, name, passphrase: PASSPHRASE, dataKey, escrow: null, workstation: { id: randomUUID(), label: 'Triage 1' } }),
  );
  const registered = await client.register(input);
  return { profileId, registered, kdf: input.keys.kdf, local, env, owner: { ownerId: profileId, dataKey: local.dataKey } satisfies UnlockedOwner };
}

/** A new workstation: "Sign in with a clinic profile", the data key stored under its own layers. */
async function signInElsewhere(name: string, passphrase: string) {
  const env = localEnv();
  return signInWithClinicProfile(client, { name, passphrase, workstation: { id: randomUUID(), label: 'Exam room 2' } }, async ({ signedIn, dataKey, escrow }) => {
    const adopted = await adoptProfileKeys(signedIn.profileId, dataKey, passphrase, escrow, env);
    return { session: signedIn, adopted, env, owner: { ownerId: signedIn.profileId, dataKey: adopted.dataKey } satisfies UnlockedOwner };
  });
}

describe('the sync client against the sync server', () => {
  it('publishes a profile, then signs in on another workstation with the passphrase and opens the same data key', async () => {
    const name = `Dr Ada ${randomUUID().slice(0, 8)}`;
    const first = await publishProfile(name);
    const second = await signInElsewhere(name, PASSPHRASE);
    expect(second.session.profileId).toBe(first.profileId);
    // Later unlocks there work offline, from what it stored.
    const offline = await unlockProfileKeys(first.profileId, second.adopted.keys, PASSPHRASE, second.env);
    expect(await sameKey(offline.dataKey, first.owner.dataKey)).toBe(true);

  }, 30_000);

  it('refuses a wrong passphrase, and an unknown name, alike', async () => {
    const name = `Dr Bea ${randomUUID().slice(0, 8)}`;
    await publishProfile(name);
    await expect(signInElsewhere(name, 'four calm otters read chart')).rejects.toBeInstanceOf(WrongPassphraseError);
    await expect(signInElsewhere(`Nobody ${randomUUID().slice(0, 8)}`, PASSPHRASE)).rejects.toBeInstanceOf(WrongPassphraseError);
  }, 30_000);

  it('changes the passphrase on one workstation: the old one then signs in nowhere, the new one opens the same data key', async () => {
    const name = `Dr Eve ${randomUUID().slice(0, 8)}`;
    const first = await publishProfile(name);
    const next = 'seven quiet herons fold maps';
    const change = await withExtractableDataKey(first.profileId, first.local.keys, PASSPHRASE, first.env, (dataKey) =>
      clinicKeyChange({ profileId: first.profileId, currentKdf: first.kdf, currentPassphrase: PASSPHRASE, nextPassphrase: next, dataKey, escrow: null }),
    );
    const changed = await client.session(first.registered.token).changeKeys(change);
    expect(changed.keysVersion).toBeGreaterThan(first.registered.keysVersion);
    await expect(signInElsewhere(name, PASSPHRASE)).rejects.toBeInstanceOf(WrongPassphraseError);
    const second = await signInElsewhere(name, next);
    expect(await sameKey(second.owner.dataKey, first.owner.dataKey)).toBe(true);
  }, 30_000);

  it('pushes sealed items from the outbox and pulls them on another workstation, where they open; a delete follows them', async () => {
    const name = `Dr Cy ${randomUUID().slice(0, 8)}`;
    const first = await publishProfile(name);
    const second = await signInElsewhere(name, PASSPHRASE);
    const sessionId = randomUUID();
    const record = {
      id: randomUUID(),
      kind: 'session',
      sessionId,
      ownerId: first.profileId,
      seq: 0,
      parentTurnId: null,
      status: 'complete',
      createdAt: '2026-12-02T09:12:44.120Z',
      updatedAt: '2026-12-02T09:20:01.007Z',
      v: 2,
      rv: 2,
      iv: 'AAAAAAAAAAAAAAAA',
      ct: 'c2VhbGVkIGJ5IHRoZSBzZXNzaW9uIGtleQ==',
    } as const;
    const entry = { sessionId, ownerId: first.profileId, wrappedKey: 'd3JhcHBlZA==', lastTurnAt: '2026-12-02T09:20:01.007Z', rv: 2 };

    const outbox = await SyncOutbox.open(syncPathsOf(join(dataDir, 'workstation-a'), first.profileId).outbox);
    await outbox.add(await sealKeyEntryForSync(first.owner, { entry, version: 2 }));
    await outbox.add(await sealRecordForSync(first.owner, record));
    const pushing = first.registered.token;
    const items = outbox.waiting();
    expect(await pushOutbox(client.session(pushing), outbox, () => null)).toEqual({ tombstones: 0, settled: 2, stale: [], fenced: [] });
    expect(outbox.size).toBe(0);
    // The same push again (a crash before the outbox recorded the answer) is a duplicate, stored once.
    expect((await client.session(pushing).push({ items })).results.map((result) => result.status)).toEqual(['duplicate', 'duplicate']);

    const pages: PulledPage[] = [];
    const cursorPath = syncPathsOf(join(dataDir, 'workstation-b'), first.profileId).cursor;
    await pullChanges(client.session(second.session.token), second.owner, async (page) => void pages.push(page), { cursorPath });
    expect(pages.flatMap((page) => page.changes)).toEqual([
      { changeNo: 1, kind: 'key', entry, version: 2 },
      { changeNo: 2, kind: 'record', record, sealed: expect.objectContaining({ kind: 'record', id: record.id, version: record.rv }) },
    ]);

    // Deleted on the first workstation (offline first: the tombstone waits in the outbox), then reaches the second.
    const tombstone = { sessionId, reason: 'deleted', day: '2026-12-02' } as const;
    await outbox.addTombstone(tombstone);
    expect(await pushOutbox(client.session(pushing), outbox, () => null)).toMatchObject({ tombstones: 1 });
    const later: PulledPage[] = [];
    await pullChanges(client.session(second.session.token), second.owner, async (page) => void later.push(page), { cursorPath });
    expect(later.flatMap((page) => page.changes)).toEqual([{ kind: 'tombstone', changeNo: 3, ...tombstone }]);
  }, 30_000);

  it('hears about a push on the live feed', async () => {
    const name = `Dr Di ${randomUUID().slice(0, 8)}`;
    const first = await publishProfile(name);
    const controller = new AbortController();
    const feed = await client.session(first.registered.token).events(controller.signal);
    const firstEvent = await feed.next();
    expect(firstEvent.value).toEqual({ changeNo: 0 });
    const entry = { sessionId: randomUUID(), ownerId: first.profileId, wrappedKey: 'd3JhcHBlZA==', lastTurnAt: '2026-12-02T10:00:00.000Z', rv: 0 };
    await client.session(first.registered.token).push({ items: [await sealKeyEntryForSync(first.owner, { entry, version: 1 })] });
    const next = await feed.next();
    expect(next.value).toEqual({ changeNo: 1 });
    controller.abort();
    expect((await feed.next()).done).toBe(true);
  }, 30_000);
});
