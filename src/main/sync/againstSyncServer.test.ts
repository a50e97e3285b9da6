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
import type { RegisterInput } from '../../shared/sync/identity';
import { systemClock } from '../core/clock';
import { utf8 } from '../vault/encoding';
import { RECORD_KEY_USAGES, WRAPPING_KEY_USAGES, newWrappableAesKey, unwrapAesKey, wrapAesKey } from '../vault/keyWrap';
import type { UnlockedOwner } from '../vault/unlockedOwner';
import { openSyncedItem, sealKeyEntryForSync, sealRecordForSync } from './envelope/syncItems';
import { createSyncClient, type SyncClient } from './http/syncClient';
import { SyncRequestError } from './http/syncClientErrors';
import { newClinicKdf, unwrapDataKeyFromClinic, wrapDataKeyForClinic } from './identity/clinicDataKey';
import { deriveClinicKeys } from './identity/clinicKeys';
import { syncPathsOf } from './outbox/outboxFiles';
import { SyncOutbox } from './outbox/syncOutbox';

const ROOT = join(import.meta.dirname, '..', '..', '..');
const PASSPHRASE = 'four calm otters read charts';

let dataDir = '';
let server: ChildProcess | null = null;
let client: SyncClient;

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

/** A clinician's profile as the first workstation publishes it: a random data key wrapped by the clinic wrap key. */
async function publishProfile(name: string) {
  const profileId = randomUUID();
  const kdf = newClinicKdf();
  const { wrapKey, authKey } = await deriveClinicKeys(PASSPHRASE, kdf);
  const extractable = await newWrappableAesKey(WRAPPING_KEY_USAGES);
  const input: RegisterInput = {
    profileId,
    name,
    authKey,
    keys: { kdf, wrappedDataKey: await wrapDataKeyForClinic(extractable, wrapKey, profileId), escrow: null },
    workstation: { id: randomUUID(), label: 'Triage 1' },
  };
  const registered = await client.register(input);
  // The first workstation keeps only a non-extractable copy, as profiles/profileKeys.ts hands it out.
  const local = await unwrapDataKeyFromClinic(input.keys.wrappedDataKey, wrapKey, profileId);
  return { profileId, registered, owner: { ownerId: profileId, dataKey: local } satisfies UnlockedOwner };
}

/** A second workstation: prelogin by name, derive, sign in, unwrap the data key from what the server answered. */
async function signInElsewhere(name: string, passphrase: string) {
  const { kdf } = await client.prelogin({ name });
  const { wrapKey, authKey } = await deriveClinicKeys(passphrase, kdf);
  const session = await client.signIn({ name, authKey, workstation: { id: randomUUID(), label: 'Exam room 2' } });
  const dataKey = await unwrapDataKeyFromClinic(session.keys.wrappedDataKey, wrapKey, session.profileId);
  return { session, owner: { ownerId: session.profileId, dataKey } satisfies UnlockedOwner };
}

describe('the sync client against the sync server', () => {
  it('publishes a profile, then signs in on another workstation with the passphrase and opens the same data key', async () => {
    const name = `Dr Ada ${randomUUID().slice(0, 8)}`;
    const first = await publishProfile(name);
    const second = await signInElsewhere(name, PASSPHRASE);
    expect(second.session.profileId).toBe(first.profileId);

    // Same data key: a session key wrapped on the first workstation unwraps on the second.
    const sessionKey = await newWrappableAesKey(RECORD_KEY_USAGES);
    const wrapped = await wrapAesKey(sessionKey, first.owner.dataKey, utf8('session'));
    await expect(unwrapAesKey(wrapped, second.owner.dataKey, utf8('session'), RECORD_KEY_USAGES)).resolves.toBeDefined();
  }, 30_000);

  it('refuses a wrong passphrase: its auth key does not match the one the profile was published with', async () => {
    const name = `Dr Bea ${randomUUID().slice(0, 8)}`;
    await publishProfile(name);
    const refused = await signInElsewhere(name, 'four calm otters read chart').catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(SyncRequestError);
    expect((refused as SyncRequestError).code).toBe('UNAUTHORIZED');
  }, 30_000);

  it('pushes sealed items from the outbox and pulls them on another workstation, where they open', async () => {
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
    const answer = await client.session(pushing).push({ items });
    expect(answer.results.map((result) => result.status)).toEqual(['stored', 'stored']);
    await outbox.settle(items, answer);
    expect(outbox.size).toBe(0);
    // The same push again (a crash before the outbox recorded the answer) is a duplicate, stored once.
    expect((await client.session(pushing).push({ items })).results.map((result) => result.status)).toEqual(['duplicate', 'duplicate']);

    const page = await client.session(second.session.token).pull({ after: 0 });
    const pulled = page.changes.flatMap((change) => (change.kind === 'tombstone' ? [] : [change]));
    expect(pulled).toHaveLength(2);
    const opened = await Promise.all(pulled.map((change) => openSyncedItem(second.owner, change)));
    expect(opened).toEqual([
      { kind: 'key', entry, version: 2 },
      { kind: 'record', record },
    ]);
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
