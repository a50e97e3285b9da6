/**
 * Sync for the signed-in clinician: connects at unlock (signing in to the clinic's server, publishing the profile
 * the first time), queues what main seals into the durable outbox, runs push + pull cycles (after a seal, on the live
 * feed's change, on the safety-net interval, on `sync.now`), and hands pulled items to main. Everything that holds a
 * secret — the token, the auth key — lives in {@link Connection}, dropped at lock.
 */
import { AppError } from '../../shared/errors';
import type { SyncStatus } from '../../shared/sync/status';
import { SYNC_OFF } from '../../shared/sync/status';
import { MAX_SESSION_IDS_PER_EVENT, type UnsyncedSessions } from '../../shared/sessionsRemoved';
import type { Workstation } from '../../shared/sync/identity';
import type { PushItem } from '../../shared/sync/changes';
import type { SealedRecordV2, SessionPayload } from '../../shared/vault';
import type { Clock, TimerHandle } from '../core/clock';
import { errorKind, type Logger } from '../core/logger';
import type { ProfileStore } from '../profiles/profileStore';
import type { SessionKeyStore } from '../vault/sessionKeyStore';
import type { UnlockedOwner } from '../vault/unlockedOwner';
import { sealKeyEntryForSync, sealRecordForSync, utcDayOf } from './envelope/syncItems';
import { sealTombstoneProof } from './envelope/tombstoneProof';
import type { SyncClient, SyncSession } from './http/syncClient';
import { SyncOfflineError, SyncRequestError } from './http/syncClientErrors';
import { clinicKeyChange, clinicRegistration } from './identity/clinicProfile';
import { deriveClinicKeys } from './identity/clinicKeys';
import { dirname, join } from 'node:path';
import { durableSyncStateFiles, syncPathsOf, type SyncStateFiles } from './outbox/outboxFiles';
import { pushOutbox } from './outbox/pushOutbox';
import { SyncOutbox } from './outbox/syncOutbox';
import { applyPulledPage, type WaitingRecords } from './pull/applyPulledPage';
import { readWaitingRecords, writeWaitingRecords } from './pull/waitingRecordsFile';
import { pullChanges } from './pull/pullChanges';
import { pulledDeliveries } from './pull/pulledDeliveries';
import { reconcileForks } from './fork/forkCycle';
import { envelopeOf, hasWaitingSessionRecord, readPulledHeads, writePulledHeads } from './fork/pulledHeadsFile';
import type { SessionHeads } from './fork/sessionHeads';
import type { SealedRecordHeader } from '../vault/recordCrypto';

/** Sync's audit events: ids and counts only. */
export interface SyncAuditEvent {
  readonly action: 'sync.profile_published' | 'sync.clinic_signed_in' | 'sync.pushed' | 'sync.pulled' | 'sync.deleted_elsewhere' | 'sync.tombstone_refused';
  readonly profileId: string;
  readonly objectId?: string;
  readonly count?: number;
}

/** What the service is built from (the composition root passes main's parts). */
export interface SyncServiceDeps {
  /** Null: no sync server in the policy — sync is off and every method is a no-op. */
  readonly client: SyncClient | null;
  readonly workstation: Workstation;
  readonly dataDir: string;
  readonly profiles: ProfileStore;
  readonly keys: SessionKeyStore;
  /** Sessions deleted elsewhere: shredded as a retention shred is (key, live session, index entries). */
  readonly shred: (sessionIds: readonly string[]) => Promise<void>;
  /** Hands opened pulled records to the clinician's page, as main delivers its own (`vault.record`). */
  readonly deliver: (records: SealedRecordV2[]) => void;
  /**
   * A session continued elsewhere: if it is live here and idle, it leaves memory, so the next turn here resumes from
   * the page's store (which now holds the other workstation's turn) instead of answering from a stale history.
   */
  readonly continuedElsewhere: (sessionId: string) => void;
  /**
   * Sessions of `ownerId` shredded here because a trusted tombstone was pulled, told once the page's apply is done and
   * `ownerId` is still signed in (the composition root checks again before a page hears it).
   */
  readonly deletedElsewhere?: (ownerId: string, sessionIds: readonly string[]) => void;
  readonly audit: (event: SyncAuditEvent) => void;
  /**
   * The trusted time minus the policy's retention period (ms since the epoch; see `RetentionScheduler.trustedNowMs`):
   * a pulled tombstone without a proof (the server's own retention) shreds only a session whose last turn here is at
   * or before it. Absent: such tombstones never shred — local retention does, in its time.
   */
  readonly retentionCutoffMs?: () => number;
  /**
   * Main's trusted time (ms since the epoch; `RetentionScheduler.trustedNowMs`): a pulled key entry's last-turn time
   * is capped at it, so a future day cannot extend retention here. Absent: the clock's time.
   */
  readonly trustedNowMs?: () => number;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Safety-net pull interval (policy `syncPullIntervalSeconds`). */
  readonly pullIntervalMs: number;
  /** Wait after a seal before pushing, so one turn's records go in one push. */
  readonly debounceMs?: number;
  /** Listen to the server's live feed (tests that count requests turn it off). Default true. */
  readonly liveFeed?: boolean;
  /**
   * Main's sealer, for the merged session record of a session continued on two workstations offline (see
   * fork/forkCycle.ts). Absent: such a session is not merged (the stale copy waits in the outbox).
   */
  readonly sealMerged?: (header: SealedRecordHeader, payload: SessionPayload) => Promise<SealedRecordV2>;
  /** Raises a session's rollback anchor to a merged session record's version. */
  readonly confirmSessionVersion?: (sessionId: string, rv: number) => Promise<void>;
  /**
   * The clinic's enrollment secret (policy `syncEnrollmentSecret`), sent when this workstation registers a profile;
   * empty or absent: none. A secret: never logged.
   */
  readonly enrollmentSecret?: string;
  /** TEST ONLY: the sync state files (a test makes them fail); main's durable files by default. */
  readonly files?: SyncStateFiles;
}

/** The signed-in clinician's link to the server: secrets in memory only, gone at lock. */
interface Connection {
  readonly owner: UnlockedOwner;
  readonly outbox: SyncOutbox;
  readonly cursorPath: string;
  /** Pulled records waiting for their key: kept on disk at `waitingPath` (the cursor has moved past them). */
  readonly waiting: WaitingRecords;
  readonly waitingPath: string;
  /** The pulled session records a stale copy in the outbox may need after a restart (fork/pulledHeadsFile.ts). */
  readonly headsPath: string;
  readonly stop: AbortController;
  session: SyncSession | null;
  /** To sign in again when the token expires while unlocked; null when the sign-in did not derive it here. */
  authKey: string | null;
  name: string;
  /** Items this workstation pushed ({@link ownKeyOf}): pulled back, they are not delivered twice. */
  readonly own: Set<string>;
  /**
   * How many turn records of each session a pull delivered: a turn checks no other workstation's turn arrived as it
   * began. Session records alone do not count — a merged record another workstation built from turns already here
   * changes no history, and refusing on it made a clinician who had just chosen a branch send twice.
   */
  readonly turnsPulledBySession: Map<string, number>;
  debounce: TimerHandle | null;
  poll: TimerHandle | null;
  /** The newest session-record version sealed here per session this sign-in: the key items' versions. */
  readonly sessionVersions: Map<string, number>;
  /** Leases held now: session id → fencing token, sent as proof with pushes of that session. */
  readonly leases: Map<string, number>;
  /** The newest session records sealed here and pulled, per session: what the fork step compares. */
  readonly heads: SessionHeads;
  /** Items the server refused as `stale` in the last cycle that still wait, not merged (said so in the status). */
  unmerged: number;
  /** Items whose outbox write failed (a full disk), kept to be written at the next cycle; oldest first. */
  readonly unsaved: PushItem[][];
  /** True while {@link SyncService.unlocked} signs in for this connection: a second unlock call does not sign in again. */
  connecting: boolean;
  /** The live feed running now: starting another stops it (one feed per connection, ever). */
  feed: AbortController | null;
}

const DEFAULT_DEBOUNCE_MS = 500;
const NO_UNSYNCED: UnsyncedSessions = Object.freeze({ profileId: null, sessionIds: [] });

/**
 * What tells a record this workstation sealed from another's: id, version and IV. Id and version alone are not
 * enough — two workstations continuing a session offline each seal its session record at the same version, and the
 * other's must not pass for this one's own (it would never be delivered, nor merged).
 */
function ownKeyOf(record: SealedRecordV2): string {
  return `${record.id}:${record.rv}:${record.iv}`;
}

/** The server refused to register the profile: the enrollment secret in policy is missing or not the server's. */
class EnrollmentRefusedError extends Error {
  override readonly name = 'EnrollmentRefusedError';
}

/** The status while changes could not be written to the outbox: what the clinician (or IT) can act on. */
const UNSAVED_MESSAGE = 'Could not save changes for sync (disk full?) — they will be retried.';
/** A stale copy left waiting (fork/forkCycle.ts could not merge it yet): what it is, not a vague "error". */
const UNMERGED_MESSAGE =
  'A session was also continued on another workstation and is not combined here yet. Nothing is lost: this copy is kept and tried again at each sync.';
/** Version of a new session's first key item (see `#firstKeyItem`); later key items are the session record's + 1. */
const FIRST_KEY_VERSION = 1;
/** Empty file beside the outbox: this profile is on the server (registered from here, or signed in with). */
const PUBLISHED_MARKER = 'published';
/** The profile's KDF parameters on the server (salt and costs: no secret), kept to derive the auth key offline. */
const KDF_FILE = 'kdf.json';
/** Longest wait for a lease before a turn: past it the server counts as offline and the turn goes on without. */
const LEASE_WAIT_MS = 3_000;
/** Longest wait for a lease's release after a turn (best effort: past it the lease expires on the server by itself). */
const LEASE_RELEASE_MS = 3_000;
/**
 * Longest a turn waits for a sync cycle at its lease's edges: after taking the lease (to pull what the last holder
 * pushed) and before releasing it (to push this turn's records). Past it the offline rule applies: work goes on.
 */
const LEASE_SYNC_MS = 5_000;
const FEED_RETRY_MS = [1_000, 5_000, 15_000, 60_000];

/** See the file's comment. */
export class SyncService {
  #connection: Connection | null = null;
  /** The connection being opened (its outbox read) and for which unlock: a second call waits for it. */
  #opening: { readonly owner: UnlockedOwner; readonly connection: Promise<Connection | null> } | null = null;
  #status: SyncStatus = SYNC_OFF;
  #cycle: Promise<SyncStatus> | null = null;
  #again = false;
  readonly #listeners = new Set<(status: SyncStatus) => void>();
  /** By profile id: what a locked clinician's connection had not settled (see #disconnect), given back at unlock. */
  readonly #carried = new Map<string, { readonly heads: SessionHeads; readonly unsaved: PushItem[][] }>();
  #unsynced: UnsyncedSessions = NO_UNSYNCED;
  readonly #unsyncedListeners = new Set<(unsynced: UnsyncedSessions) => void>();

  constructor(private readonly deps: SyncServiceDeps) {
    deps.profiles.onStateChange((state) => {
      if (state.unlockedProfileId === null) this.#disconnect();
    });
  }

  get #files(): SyncStateFiles {
    return this.deps.files ?? durableSyncStateFiles;
  }

  /** True when policy names a sync server. */
  get enabled(): boolean {
    return this.deps.client !== null;
  }

  status(): SyncStatus {
    return this.#status;
  }

  /**
   * The signed-in clinician's sessions with records or key entries still waiting in the outbox (the sidebar's "Not yet
   * synced"); none while sync is off or nobody is signed in. Tombstones are not counted: their sessions are gone.
   */
  unsyncedSessions(): UnsyncedSessions {
    return this.#unsynced;
  }

  /** Hears changes of {@link unsyncedSessions}; returns the removal. */
  onUnsyncedSessions(listener: (unsynced: UnsyncedSessions) => void): () => void {
    this.#unsyncedListeners.add(listener);
    return () => this.#unsyncedListeners.delete(listener);
  }

  /** Hears status changes; returns the removal. */
  onStatus(listener: (status: SyncStatus) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /**
   * The clinician unlocked here with `passphrase`: opens their outbox, then (in the background: an offline server must
   * not slow the unlock) signs in to the server — publishing the profile if the server does not know it — and syncs.
   */
  async unlocked(passphrase: string): Promise<void> {
    const client = this.deps.client;
    const current = this.deps.profiles.currentProfile();
    if (!client || !current) return;
    const opened = await this.#open(current.name);
    if (!opened) return;
    const { connection } = opened;
    // The same unlock again (a repeated call): already signed in, or signing in now — once is enough.
    if (connection.session || connection.connecting) return;
    connection.connecting = true;
    void this.#connect(connection, client, passphrase).finally(() => {
      connection.connecting = false;
    }).then(
      () => this.#schedule(0),
      async (error: unknown) => {
        // Offline at unlock: the auth key is derived from the KDF parameters kept from the last sign-in, so the
        // next cycle can sign in once the server is back — the passphrase itself is not kept.
        if (error instanceof SyncOfflineError) await this.#deriveOffline(connection, passphrase).catch(() => undefined);
        this.#failed(connection, error);
      },
    );
  }

  async #deriveOffline(connection: Connection, passphrase: string): Promise<void> {
    const text = await this.#files.read(join(dirname(connection.cursorPath), KDF_FILE));
    if (text === null || this.#connection !== connection) return;
    const { authKey } = await deriveClinicKeys(passphrase, JSON.parse(text));
    if (this.#connection === connection && connection.authKey === null) connection.authKey = authKey;
  }

  /**
   * Sync's side of "Sign in with a clinic profile": `signIn` (prelogin, sign-in, adoption of the keys, unlock) has
   * made the profile unlocked here with `token`; sync starts at once.
   */
  async adopted(token: string): Promise<void> {
    const client = this.deps.client;
    const current = this.deps.profiles.currentProfile();
    if (!client || !current) return;
    const opened = await this.#open(current.name);
    if (!opened) return;
    const { connection } = opened;
    connection.session = client.session(token);
    await this.#files.replace(join(dirname(connection.cursorPath), PUBLISHED_MARKER), '').catch(() => undefined);
    this.deps.audit({ action: 'sync.clinic_signed_in', profileId: connection.owner.ownerId });
    this.#startFeed(connection);
    this.#schedule(0);
  }

  /**
   * Main sealed `record` for a kept session of the signed-in clinician: it goes into the outbox (durably). A session
   * record's version is remembered: the session's key item, sent once the turn's last-turn time is stored
   * ({@link keyTouched}), takes it + 1 as its own version — it grows with every turn, as the server requires. A new
   * session's first record goes in with its key item, in one write.
   */
  async recordSealed(record: SealedRecordV2): Promise<void> {
    const connection = this.#connection;
    if (!connection || record.ownerId !== connection.owner.ownerId) return;
    let items: PushItem[];
    try {
      const item = await sealRecordForSync(connection.owner, record);
      if (record.kind === 'session') connection.sessionVersions.set(record.sessionId, Math.max(record.rv, connection.sessionVersions.get(record.sessionId) ?? 0));
      const key = await this.#firstKeyItem(connection, record);
      // One line: a crash cannot leave a new session's first record waiting (and later on the server) without its key.
      items = key ? [key, item] : [item];
    } catch (error) {
      this.deps.logger.error('sync.seal_failed', { error: errorKind(error) });
      return;
    }
    connection.heads.noteSealed(record);
    connection.own.add(ownKeyOf(record));
    await this.#queue(connection, items);
  }

  /**
   * Adds `items` (together) to `connection`'s outbox. A write that fails (a full disk) keeps them in memory, tried
   * again at the start of every cycle, and says so in the status: that turn must still sync once the disk has room.
   */
  async #queue(connection: Connection, items: PushItem[]): Promise<void> {
    try {
      await connection.outbox.addAll(items);
    } catch (error) {
      this.deps.logger.error('sync.outbox_add_failed', { error: errorKind(error) });
      connection.unsaved.push(items);
      this.#setStatus(connection, { state: 'error', pending: this.#pending(connection), message: UNSAVED_MESSAGE });
      return;
    }
    this.#setStatus(connection, { pending: this.#pending(connection) });
    this.#schedule(this.deps.debounceMs ?? DEFAULT_DEBOUNCE_MS);
  }

  /** Writes what an earlier failed write kept in memory, oldest first; false when the disk still refuses. */
  async #saveUnsaved(connection: Connection): Promise<boolean> {
    while (connection.unsaved.length > 0) {
      const [items] = connection.unsaved;
      if (!items) break;
      try {
        await connection.outbox.addAll(items);
      } catch (error) {
        this.deps.logger.error('sync.outbox_add_failed', { error: errorKind(error) });
        return false;
      }
      connection.unsaved.shift();
    }
    return true;
  }

  /** Items and tombstones waiting to be pushed, saved or not yet saved. */
  #pending(connection: Connection): number {
    return connection.outbox.size + connection.unsaved.reduce((count, items) => count + items.length, 0);
  }

  /**
   * The key item to queue with `record` when it is the first record of a session new here (its first turn, sealed
   * once, no session record confirmed yet): the key exists only on this workstation, and must reach the outbox in the
   * same write as the record. It takes version {@link FIRST_KEY_VERSION}; the key items that follow each stored turn
   * take the session record's version + 1, so they are always newer. Null for any other record.
   */
  async #firstKeyItem(connection: Connection, record: SealedRecordV2): Promise<PushItem | null> {
    if (record.kind !== 'turn' || record.seq !== 1 || record.parentTurnId !== null || record.rv !== 1) return null;
    const entry = this.deps.keys.entry(record.sessionId);
    if (!entry || entry.ownerId !== connection.owner.ownerId || entry.rv !== 0) return null;
    return sealKeyEntryForSync(connection.owner, { entry, version: FIRST_KEY_VERSION });
  }

  /**
   * A turn of `sessionId` was stored and its key entry's last-turn time moved: the entry goes to the outbox as a key
   * item (its key still wrapped by the data key), versioned by the session record the turn sealed (+ 1). A turn from before
   * this sign-in (no version known) waits for the session's next turn.
   */
  async keyTouched(sessionId: string): Promise<void> {
    const connection = this.#connection;
    const version = connection?.sessionVersions.get(sessionId);
    const entry = this.deps.keys.entry(sessionId);
    if (!connection || version === undefined || !entry || entry.ownerId !== connection.owner.ownerId) return;
    let item: PushItem;
    try {
      // Above the session's first key item (queued with its first record, version 1) and growing with every turn.
      item = await sealKeyEntryForSync(connection.owner, { entry, version: version + 1 });
    } catch (error) {
      this.deps.logger.error('sync.seal_failed', { error: errorKind(error) });
      return;
    }
    await this.#queue(connection, [item]);
  }

  /**
   * The clinician changed their passphrase here (already stored locally): the server's copy follows — the same data
   * key wrapped for the new passphrase, proved with the old one — so the old passphrase stops opening the profile on
   * every workstation. Offline: reported in the status; the next unlock with the new passphrase cannot sign in to
   * the server until this is done again (known gap: not retried by itself).
   *
   * Changed on another workstation first (this one's token was revoked, or the old passphrase no longer proves
   * anything): the server already has the new keys. When `next` is that passphrase, signing in with it is all that is
   * left — this is how a workstation told "changed elsewhere" catches up (its local wrap is re-made by the change here,
   * so the old passphrase stops opening the profile here too).
   */
  async passphraseChanged(current: string, next: string): Promise<void> {
    const connection = this.#connection;
    const session = connection?.session;
    if (!connection || !session) return;
    try {
      const { keys } = await session.profile(connection.stop.signal);
      const profileId = connection.owner.ownerId;
      const change = await this.deps.profiles.withExtractableDataKey(profileId, next, (dataKey, escrow) =>
        clinicKeyChange({ profileId, currentKdf: keys.kdf, currentPassphrase: current, nextPassphrase: next, dataKey, escrow }),
      );
      await session.changeKeys(change, connection.stop.signal);
      connection.authKey = change.authKey;
    } catch (error) {
      const client = this.deps.client;
      if (client && error instanceof SyncRequestError && error.code === 'UNAUTHORIZED') {
        const caughtUp = await this.#signInWith(connection, client, next).then(
          () => true,
          () => false,
        );
        if (caughtUp) {
          this.#schedule(0);
          return;
        }
      }
      this.#failed(connection, error);
    }
  }

  /**
   * The clinician deleted `sessionId` here (or retention shredded it): a tombstone follows it to the server, with a
   * proof sealed by the profile's data key, so the other workstations shred on it and on nothing the server makes up.
   * `ownerId` is whose session it was: when another clinician signed in meanwhile, it goes to no outbox (theirs is the
   * wrong one, and the session's own clinician's workstations expire it by their retention).
   */
  async sessionGone(sessionId: string, reason: 'deleted' | 'retention', ownerId: string): Promise<void> {
    const connection = this.#connection;
    if (!connection || connection.owner.ownerId !== ownerId) return;
    try {
      const day = utcDayOf(this.deps.clock.now().toISOString());
      // A proof that cannot be sealed now is sealed when the tombstone is pushed: the delete itself must be queued.
      const proof = await sealTombstoneProof(connection.owner, { sessionId, reason, day }).catch(() => null);
      await connection.outbox.addTombstone({ sessionId, reason, day, ...(proof === null ? {} : { proof }) });
      this.#setStatus(connection, { pending: this.#pending(connection) });
      this.#schedule(0);
    } catch (error) {
      this.deps.logger.error('sync.tombstone_add_failed', { error: errorKind(error) });
    }
  }

  /** One full push + pull cycle now; resolves when it (and any cycle it had to wait for) has finished. */
  async syncNow(): Promise<SyncStatus> {
    if (!this.#connection) return this.#status;
    if (this.#cycle) await this.#cycle;
    return this.#runCycle();
  }

  /**
   * Runs `turn` on `sessionId` holding the session's lease: taken first (another workstation holding it answers
   * `SESSION_BUSY` naming it, before the model is asked), renewed while `turn` runs, released after. Without a
   * connection, or with the server unreachable, `turn` runs without one: clinical work never waits for sync (two
   * offline continuations are both kept).
   */
  async withLease<T>(sessionId: string, turn: () => Promise<T>): Promise<T> {
    const connection = this.#connection;
    const session = connection?.session;
    // A session without a key here is not kept ("Do not keep"): its id never goes to the server, not even for a lease.
    if (!connection || !session || connection.leases.has(sessionId) || !this.deps.keys.has(sessionId)) return turn();
    const fencing = await this.#acquire(connection, session, sessionId);
    if (fencing === null) return turn();
    connection.leases.set(sessionId, fencing.fencing);
    // What the last holder pushed before it released the lease must be in this turn's history: pull first. Records of
    // this session arriving now mean the page sent from an older history (the other workstation's answer was not
    // here yet): refuse, so the clinician sees the latest turn and sends again — never a prompt built without it.
    // A session record alone (a merge of turns already here) only sends the live copy out of memory; the page's
    // resume-and-retry rebuilds it from the store along the branch it chose.
    const seen = connection.turnsPulledBySession.get(sessionId) ?? 0;
    await this.#cycleWithin(connection);
    if ((connection.turnsPulledBySession.get(sessionId) ?? 0) !== seen) {
      connection.leases.delete(sessionId);
      await this.#release(session, sessionId, fencing.fencing);
      throw new AppError('SESSION_BUSY', 'This session was just continued on another workstation; its latest turn is shown now. Send again to go on from it.');
    }
    let renewal: TimerHandle | null = null;
    const renew = (): void => {
      renewal = this.deps.clock.setTimer(() => {
        session.renewLease({ sessionId, fencing: fencing.fencing }, connection.stop.signal).then(renew, () => {
          // Lost (FENCED) or unreachable: the turn goes on; its push is checked by the server against the lease.
          renewal = null;
        });
      }, Math.max(1_000, Math.floor(fencing.ttlMs / 3)));
    };
    renew();
    try {
      return await turn();
    } finally {
      if (renewal) this.deps.clock.clearTimer(renewal);
      // This turn's records reach the server while the lease still fences the session: the next workstation to take
      // it finds them there (released first, another could start a turn without this answer). Not after a lock.
      if (this.#connection === connection && !connection.stop.signal.aborted) await this.#cycleWithin(connection);
      connection.leases.delete(sessionId);
      await this.#release(session, sessionId, fencing.fencing);
      this.#schedule(0);
    }
  }

  /**
   * Releases a lease, best effort and bounded: on every exit of the turn — also when a lock aborted it (so not on the
   * connection's signal, which the lock aborted), since a lease left held makes the clinician's other workstations
   * answer `SESSION_BUSY` until it expires. Past {@link LEASE_RELEASE_MS}, or offline, the server's expiry frees it.
   */
  /** A full push + pull cycle, waited for at most {@link LEASE_SYNC_MS} (offline or slow: the turn goes on). */
  async #cycleWithin(connection: Connection): Promise<void> {
    let timer: TimerHandle | null = null;
    const timeout = new Promise<void>((resolve) => {
      timer = this.deps.clock.setTimer(resolve, LEASE_SYNC_MS);
    });
    try {
      if (this.#connection === connection) await Promise.race([this.syncNow().then(() => undefined), timeout]);
    } finally {
      if (timer) this.deps.clock.clearTimer(timer);
    }
  }

  async #release(session: SyncSession, sessionId: string, fencing: number): Promise<void> {
    const bound = new AbortController();
    const timer = this.deps.clock.setTimer(() => bound.abort(), LEASE_RELEASE_MS);
    try {
      await session.releaseLease({ sessionId, fencing }, bound.signal);
    } catch (error) {
      this.deps.logger.warn('sync.lease_release_failed', { code: error instanceof SyncRequestError ? error.code : errorKind(error) });
    } finally {
      this.deps.clock.clearTimer(timer);
    }
  }

  async #acquire(connection: Connection, session: SyncSession, sessionId: string): Promise<{ fencing: number; ttlMs: number } | null> {
    const wait = new AbortController();
    const abort = (): void => wait.abort();
    connection.stop.signal.addEventListener('abort', abort);
    const timer = this.deps.clock.setTimer(abort, LEASE_WAIT_MS);
    try {
      const lease = await session.acquireLease({ sessionId }, wait.signal);
      return { fencing: lease.fencing, ttlMs: lease.ttlMs };
    } catch (error) {
      if (error instanceof SyncRequestError && error.code === 'SESSION_BUSY') {
        throw new AppError('SESSION_BUSY', `This session is open on ${error.holderLabel || 'another workstation'}.`);
      }
      // Offline, slow or refusing: the offline rule — go on without the lease.
      this.deps.logger.warn('sync.lease_unavailable', { code: error instanceof SyncRequestError ? error.code : errorKind(error) });
      return null;
    } finally {
      this.deps.clock.clearTimer(timer);
      connection.stop.signal.removeEventListener('abort', abort);
    }
  }

  /**
   * Stops everything (app shutdown): timers, the feed. It does not wait for a running cycle: waiting made a harness
   * close hang in CI (a cycle that did not end after the abort — not understood yet; see the closing note).
   */
  dispose(): void {
    this.#disconnect();
  }

  /**
   * The connection of the current unlock: the one already open (`fresh` false) — also when another call is opening it
   * right now — or a new one. One unlock never gets two (two outboxes over one file, two feeds, two poll loops).
   */
  async #open(name: string): Promise<{ connection: Connection; fresh: boolean } | null> {
    const owner = this.deps.profiles.unlockedOwner();
    const current = this.#connection;
    if (current && this.#sameUnlock(current.owner, owner)) return { connection: current, fresh: false };
    const opening = this.#opening;
    if (opening && this.#sameUnlock(opening.owner, owner)) {
      const connection = await opening.connection;
      return connection && this.#connection === connection ? { connection, fresh: false } : null;
    }
    this.#disconnect();
    const connection = this.#openFor(owner, name);
    const pending = { owner, connection };
    this.#opening = pending;
    try {
      const opened = await connection;
      return opened ? { connection: opened, fresh: true } : null;
    } finally {
      if (this.#opening === pending) this.#opening = null;
    }
  }

  /** True when `a` and `b` are the one unlock of the one profile that is signed in now. */
  #sameUnlock(a: UnlockedOwner, b: UnlockedOwner): boolean {
    return a.ownerId === b.ownerId && a.dataKey === b.dataKey && this.deps.profiles.isSignedIn(a);
  }

  async #openFor(owner: UnlockedOwner, name: string): Promise<Connection | null> {
    const paths = syncPathsOf(this.deps.dataDir, owner.ownerId);
    const outbox = await SyncOutbox.open(paths.outbox, this.#files);
    const waiting = await readWaitingRecords(paths.waiting, owner, this.#files, this.deps.logger);
    const heads = await readPulledHeads(paths.heads, owner, this.#files, this.deps.logger);
    // Locked meanwhile, or another clinician signed in: this connection is not theirs to have.
    if (!this.deps.profiles.isSignedIn(owner) || this.#connection !== null) return null;
    const carried = this.#carried.get(owner.ownerId);
    const connection: Connection = {
      owner,
      outbox,
      cursorPath: paths.cursor,
      waiting,
      waitingPath: paths.waiting,
      headsPath: paths.heads,
      stop: new AbortController(),
      session: null,
      authKey: null,
      name,
      own: new Set(),
      turnsPulledBySession: new Map(),
      debounce: null,
      poll: null,
      leases: new Map(),
      sessionVersions: new Map(),
      // What the clinician's last connection had not settled: the session records a fork is compared with, and items
      // a failed outbox write kept (sealed envelopes) — a lock must not lose them (see #disconnect). After a restart,
      // the pulled side comes from heads.json.
      heads: carried?.heads ?? heads,
      connecting: false,
      feed: null,
      unsaved: carried?.unsaved ?? [],
      unmerged: 0,
    };
    this.#carried.delete(owner.ownerId);
    this.#connection = connection;
    this.#setStatus(connection, { state: 'syncing', pending: this.#pending(connection), message: null });
    this.#poll(connection);
    return connection;
  }

  /**
   * Signs in with the passphrase. A profile this workstation has not published yet is registered first (never a
   * sign-in that must fail: the server counts failed sign-ins per address and audits them); one the server already
   * has (`CONFLICT`: published elsewhere, or the marker was lost) is signed in to.
   */
  async #connect(connection: Connection, client: SyncClient, passphrase: string): Promise<void> {
    const { signal } = connection.stop;
    const profileId = connection.owner.ownerId;
    const marker = join(dirname(connection.cursorPath), PUBLISHED_MARKER);
    if ((await this.#files.read(marker)) === null) {
      try {
        const registration = await this.deps.profiles.withExtractableDataKey(profileId, passphrase, (dataKey, escrow) =>
          clinicRegistration({
            profileId,
            name: connection.name,
            passphrase,
            dataKey,
            escrow,
            workstation: this.deps.workstation,
            ...(this.deps.enrollmentSecret ? { enrollmentSecret: this.deps.enrollmentSecret } : {}),
          }),
        );
        const registered = await client.register(registration, signal);
        await this.#files.replace(marker, '');
        await this.#files.replace(join(dirname(marker), KDF_FILE), JSON.stringify(registration.keys.kdf));
        this.deps.audit({ action: 'sync.profile_published', profileId });
        if (this.#connection !== connection) return;
        connection.authKey = registration.authKey;
        connection.session = client.session(registered.token);
        this.#startFeed(connection);
        return;
      } catch (error) {
        // Registration is refused only for the enrollment secret (a wrong passphrase cannot be, it is a new profile).
        if (error instanceof SyncRequestError && error.code === 'UNAUTHORIZED') throw new EnrollmentRefusedError();
        if (!(error instanceof SyncRequestError && error.code === 'CONFLICT')) throw error;
        await this.#files.replace(marker, '');
      }
    }
    await this.#signInWith(connection, client, passphrase);
  }

  /** Signs `connection` in with `passphrase` (prelogin, KDF, sign-in) and starts its feed. */
  async #signInWith(connection: Connection, client: SyncClient, passphrase: string): Promise<void> {
    const { signal } = connection.stop;
    const { kdf } = await client.prelogin({ name: connection.name }, signal);
    const { authKey } = await deriveClinicKeys(passphrase, kdf);
    const signedIn = await client.signIn({ name: connection.name, authKey, workstation: this.deps.workstation }, signal);
    if (signedIn.profileId !== connection.owner.ownerId) throw new SyncRequestError('CONFLICT', 'another profile has this name on the server', 409, null, null);
    await this.#files.replace(join(dirname(connection.cursorPath), KDF_FILE), JSON.stringify(signedIn.keys.kdf));
    if (this.#connection !== connection) return;
    connection.authKey = authKey;
    connection.session = client.session(signedIn.token);
    this.#startFeed(connection);
  }

  #schedule(delayMs: number): void {
    const connection = this.#connection;
    if (!connection || connection.debounce) return;
    connection.debounce = this.deps.clock.setTimer(() => {
      connection.debounce = null;
      if (this.#connection === connection) void this.#runCycle();
    }, delayMs);
  }

  #poll(connection: Connection): void {
    connection.poll = this.deps.clock.setTimer(() => {
      if (this.#connection !== connection) return;
      void this.#runCycle();
      this.#poll(connection);
    }, this.deps.pullIntervalMs);
  }

  /** Runs a cycle, or marks one to follow the running one (a change during a cycle is not missed). */
  #runCycle(): Promise<SyncStatus> {
    if (this.#cycle) {
      this.#again = true;
      return this.#cycle;
    }
    const run = (async () => {
      do {
        this.#again = false;
        await this.#cycleOnce();
      } while (this.#again && this.#connection);
      return this.#status;
    })().finally(() => {
      this.#cycle = null;
    });
    this.#cycle = run;
    return run;
  }

  async #cycleOnce(): Promise<void> {
    const connection = this.#connection;
    if (!connection) return;
    // Changes a full disk kept from the outbox: written first, so this cycle pushes them.
    const saved = await this.#saveUnsaved(connection);
    if (!connection.session) {
      // Not signed in to the server (offline at unlock, or it refused): work goes on, the outbox keeps it. With an
      // auth key (derived offline at unlock) the sign-in is tried again now.
      if (!(await this.#signInAgain(connection))) {
        this.#setStatus(connection, saved ? { pending: this.#pending(connection) } : { state: 'error', pending: this.#pending(connection), message: UNSAVED_MESSAGE });
        return;
      }
      this.#startFeed(connection);
    }
    const session = connection.session;
    if (!session) return;
    this.#setStatus(connection, { state: 'syncing', pending: this.#pending(connection) });
    try {
      await this.#pushAndPull(connection, session);
    } catch (error) {
      if (error instanceof SyncRequestError && error.code === 'UNAUTHORIZED' && (await this.#signInAgain(connection))) {
        try {
          await this.#pushAndPull(connection, connection.session ?? session);
        } catch (retried) {
          this.#failed(connection, retried);
          return;
        }
      } else {
        this.#failed(connection, error);
        return;
      }
    }
    if (this.#connection !== connection) return;
    const unsaved = connection.unsaved.length > 0;
    this.#setStatus(connection, {
      state: this.#pending(connection) === 0 ? 'synced' : 'error',
      pending: this.#pending(connection),
      lastSyncedAt: this.deps.clock.now().toISOString(),
      message: unsaved
        ? UNSAVED_MESSAGE
        : connection.outbox.size === 0
          ? null
          : connection.unmerged > 0
            ? UNMERGED_MESSAGE
            : 'Some changes were not accepted by the sync server; they are kept here.',
    });
  }

  async #pushAndPull(connection: Connection, session: SyncSession): Promise<void> {
    const { signal } = connection.stop;
    const pushed = await pushOutbox(
      session,
      connection.outbox,
      (sessionId) => connection.leases.get(sessionId) ?? null,
      signal,
      (tombstone) => sealTombstoneProof(connection.owner, tombstone),
    );
    if (pushed.settled + pushed.tombstones > 0) {
      this.deps.audit({ action: 'sync.pushed', profileId: connection.owner.ownerId, count: pushed.settled + pushed.tombstones });
    }
    let pulled = 0;
    const pulledSessions = new Set<string>();
    await pullChanges(
      session,
      connection.owner,
      async (page) => {
        if (!this.deps.profiles.isSignedIn(connection.owner)) throw new Error('locked during a pull');
        const { retentionCutoffMs } = this.deps;
        const applied = await applyPulledPage(page, connection.owner, connection.waiting, {
          keys: this.deps.keys,
          shred: this.deps.shred,
          logger: this.deps.logger,
          trustedNowMs: this.deps.trustedNowMs ?? (() => this.deps.clock.now().getTime()),
          ...(retentionCutoffMs ? { retentionCutoffMs } : {}),
        });
        // A lock during the page: nothing goes to a page that may now be another clinician's, and the cursor stays.
        if (!this.deps.profiles.isSignedIn(connection.owner)) throw new Error('locked during a pull');
        // Before the cursor moves past this page: records still waiting for their key are on disk.
        await writeWaitingRecords(connection.waitingPath, connection.waiting, this.#files);
        const fresh = applied.records.filter((record) => !connection.own.has(ownKeyOf(record)));
        for (const record of fresh) {
          if (record.kind === 'turn') connection.turnsPulledBySession.set(record.sessionId, (connection.turnsPulledBySession.get(record.sessionId) ?? 0) + 1);
        }
        for (const record of fresh) {
          if (record.kind !== 'session') continue;
          connection.heads.notePulled(record, envelopeOf(page, record));
          pulledSessions.add(record.sessionId);
        }
        // Also before the cursor moves: the pulled side of a merge not made yet survives a restart.
        await writePulledHeads(connection.headsPath, connection.heads, (sessionId) => hasWaitingSessionRecord(connection.outbox, sessionId), this.#files);
        for (const delivery of pulledDeliveries(fresh)) this.deps.deliver(delivery);
        for (const sessionId of new Set(fresh.map((record) => record.sessionId))) this.deps.continuedElsewhere(sessionId);
        for (const sessionId of applied.deletedSessions) {
          this.deps.audit({ action: 'sync.deleted_elsewhere', profileId: connection.owner.ownerId, objectId: sessionId });
        }
        if (applied.deletedSessions.length > 0) this.deps.deletedElsewhere?.(connection.owner.ownerId, applied.deletedSessions);
        for (const sessionId of applied.refusedTombstones) {
          this.deps.audit({ action: 'sync.tombstone_refused', profileId: connection.owner.ownerId, objectId: sessionId });
        }
        pulled += fresh.length + applied.keysAdded + applied.deletedSessions.length;
      },
      { cursorPath: connection.cursorPath, signal, files: this.#files },
    );
    if (pulled > 0) this.deps.audit({ action: 'sync.pulled', profileId: connection.owner.ownerId, count: pulled });
    await this.#reconcileForks(connection, pushed.stale, pulledSessions);
  }

  /**
   * Both continuations kept (fork/forkCycle.ts): a merged session record goes to the page, raises the anchor, takes
   * the session's key entry along at its version, sends the live copy of the session out of memory (its counters
   * are behind the merged record), and is pushed in this same cycle.
   */
  async #reconcileForks(connection: Connection, stale: readonly PushItem[], pulledSessions: ReadonlySet<string>): Promise<void> {
    const seal = this.deps.sealMerged;
    connection.unmerged = stale.length;
    if (!seal || (stale.length === 0 && pulledSessions.size === 0)) return;
    const { merged, dropped } = await reconcileForks(
      { keys: this.deps.keys, seal, clock: this.deps.clock },
      { owner: connection.owner, outbox: connection.outbox, heads: connection.heads, stale, pulledSessions, busy: (sessionId) => connection.leases.has(sessionId) },
    );
    for (const record of merged) {
      // Nothing reaches a page that may now be another clinician's. The rollback anchor is NOT raised here: the
      // delivery has no acknowledgement, and an anchor above what the page stored would refuse its history for good;
      // it rises with the session's next confirmed turn, as for every record.
      if (this.#connection !== connection || !this.deps.profiles.isSignedIn(connection.owner)) return;
      this.deps.deliver([record]);
      await this.keyTouched(record.sessionId);
      this.deps.continuedElsewhere(record.sessionId);
    }
    // Still waiting as refused: not replaced by a merged record (a higher version), nor dropped as covered.
    const waiting = new Map(connection.outbox.waiting().map((item) => [`${item.kind}:${item.id}`, item.version]));
    connection.unmerged = stale.filter((item) => waiting.get(`${item.kind}:${item.id}`) === item.version).length;
    if (merged.length > 0 || dropped > 0) this.#setStatus(connection, { pending: this.#pending(connection) });
    if (merged.length > 0) this.#again = true;
  }

  async #signInAgain(connection: Connection): Promise<boolean> {
    const client = this.deps.client;
    if (!client || connection.authKey === null) return false;
    try {
      const signedIn = await client.signIn({ name: connection.name, authKey: connection.authKey, workstation: this.deps.workstation }, connection.stop.signal);
      connection.session = client.session(signedIn.token);
      return true;
    } catch (error) {
      // Refused: the passphrase was changed elsewhere. This auth key is not tried again — every try would count as a
      // failed sign-in on the server and slow the clinician's sign-ins on their other workstations too.
      if (error instanceof SyncRequestError && error.code === 'UNAUTHORIZED') connection.authKey = null;
      return false;
    }
  }

  /**
   * The live feed: a change announced starts a cycle; a dropped feed is re-opened after a growing wait, with the
   * connection's token of that moment (a sign-in again replaces it). One feed per connection: starting one stops the
   * one before, so repeated sign-ins of one unlock do not stack feeds.
   */
  #startFeed(connection: Connection): void {
    if (this.deps.liveFeed === false || !connection.session) return;
    connection.feed?.abort();
    const feed = new AbortController();
    connection.feed = feed;
    const stopFeed = (): void => feed.abort();
    connection.stop.signal.addEventListener('abort', stopFeed, { once: true });
    const { signal } = feed;
    void (async () => {
      for (let failures = 0; !signal.aborted && this.#connection === connection; ) {
        const session = connection.session;
        if (!session) break;
        try {
          const events = await session.events(signal);
          failures = 0;
          for await (const event of events) if (event.changeNo > 0) this.#schedule(0);
        } catch (error) {
          if (error instanceof SyncRequestError && (error.code === 'PROFILE_REMOVED' || error.code === 'UNAUTHORIZED')) {
            // Removed by IT, signed out or the passphrase changed elsewhere: a cycle finds out which, and acts.
            void this.#runCycle();
            if (error.code === 'PROFILE_REMOVED') return;
          }
          failures += 1;
        }
        if (signal.aborted) return;
        const waitMs = FEED_RETRY_MS[Math.min(failures, FEED_RETRY_MS.length - 1)] ?? 60_000;
        await new Promise<void>((resolve) => {
          const timer = this.deps.clock.setTimer(resolve, waitMs);
          signal.addEventListener('abort', () => {
            this.deps.clock.clearTimer(timer);
            resolve();
          });
        });
      }
    })().finally(() => {
      connection.stop.signal.removeEventListener('abort', stopFeed);
      if (connection.feed === feed) connection.feed = null;
    });
  }

  #failed(connection: Connection, error: unknown): void {
    if (this.#connection !== connection) return;
    if (error instanceof SyncRequestError && error.code === 'PROFILE_REMOVED') {
      // The server is untrusted and this answer is not signed: it stops sync for the profile, never deletes anything
      // here. Removing the clinician's copy on this workstation stays IT's act on it (`--remove-profile`).
      connection.stop.abort();
      if (connection.debounce) this.deps.clock.clearTimer(connection.debounce);
      if (connection.poll) this.deps.clock.clearTimer(connection.poll);
      connection.session = null;
      connection.authKey = null;
      this.deps.logger.warn('sync.profile_removed_on_server', {});
      this.#setStatus(connection, {
        state: 'error',
        pending: this.#pending(connection),
        message: 'The sync server says IT removed your profile from the clinic: nothing is synced now. Your history stays here.',
      });
      return;
    }
    if (error instanceof SyncOfflineError) {
      this.#setStatus(connection, { state: 'offline', pending: this.#pending(connection), message: 'The sync server cannot be reached; changes are kept here and sent later.' });
      return;
    }
    const code = error instanceof SyncRequestError ? error.code : errorKind(error);
    this.deps.logger.warn('sync.cycle_failed', { code });
    const message = error instanceof EnrollmentRefusedError
      ? "The sync server needs the clinic's enrollment secret to add this profile: ask IT to set syncEnrollmentSecret in this workstation's policy. Your history stays here."
      : error instanceof SyncRequestError && error.code === 'CONFLICT'
        ? 'Another clinic profile has this name on the sync server, so this one cannot sync: ask IT.'
        : error instanceof SyncRequestError && error.code === 'UNAUTHORIZED'
        ? 'Your passphrase was changed on another workstation. Use “Change passphrase” here to set the same new one: sync resumes and the old one stops working here.'
        : error instanceof SyncRequestError && error.code === 'PROFILE_REMOVED'
          ? 'IT removed your profile from the sync server.'
          : 'The sync server refused the last sync; changes are kept here.';
    this.#setStatus(connection, { state: 'error', pending: this.#pending(connection), message });
  }

  #disconnect(): void {
    const connection = this.#connection;
    if (!connection) return;
    this.#connection = null;
    // Kept for this clinician's next unlock (in memory, sealed only; never another clinician's): the session records
    // a later pull is compared with to find a continuation made elsewhere, and outbox items whose write failed.
    this.#carried.set(connection.owner.ownerId, { heads: connection.heads, unsaved: connection.unsaved });
    connection.stop.abort();
    if (connection.debounce) this.deps.clock.clearTimer(connection.debounce);
    if (connection.poll) this.deps.clock.clearTimer(connection.poll);
    connection.session = null;
    connection.authKey = null;
    this.#publish(SYNC_OFF);
  }

  /** Recomputes the unsynced sessions from the outbox (it changed, or the connection did) and tells if they moved. */
  #noteUnsynced(): void {
    const connection = this.#connection;
    let next = NO_UNSYNCED;
    if (connection) {
      const sessionIds = [...new Set([...connection.outbox.waiting(), ...connection.unsaved.flat()].map((item) => item.sessionId))].slice(0, MAX_SESSION_IDS_PER_EVENT);
      next = { profileId: connection.owner.ownerId, sessionIds };
    }
    const current = this.#unsynced;
    if (current.profileId === next.profileId && current.sessionIds.length === next.sessionIds.length && current.sessionIds.every((id, index) => next.sessionIds[index] === id)) {
      return;
    }
    this.#unsynced = next;
    for (const listener of this.#unsyncedListeners) listener(next);
  }

  /**
   * Sets the status of `connection`'s clinician — only while it is still the connection: a cycle, an outbox write or a
   * sign-in that finishes after a lock (and maybe another clinician's sign-in) must not write its pending count or
   * state into the next clinician's status. Every caller passes the connection it started with.
   */
  #setStatus(connection: Connection, change: Partial<SyncStatus>): void {
    if (this.#connection !== connection) return;
    this.#publish({ ...this.#status, ...change });
  }

  #publish(next: SyncStatus): void {
    // Every outbox change reports its count here: the set of sessions behind the count follows it.
    this.#noteUnsynced();
    if (JSON.stringify(next) === JSON.stringify(this.#status)) return;
    this.#status = next;
    for (const listener of this.#listeners) listener(next);
  }
}
