import { rm } from 'node:fs/promises';
import { syncPathsOf } from './sync/outbox/outboxFiles';
import { dirname, join } from 'node:path';
import type { AuthState } from '../shared/auth';
import type { LlmStatus } from '../shared/settings';
import type { SessionsRemovedEvent, UnsyncedSessions } from '../shared/sessionsRemoved';
import type { SyncStatus } from '../shared/sync/status';
import type { SealedRecordV2 } from '../shared/vault';
import { AuditLog } from './audit/auditLog';
import { createAuditRecorder } from './audit/auditRecorder';
import { loadAuditKey } from './audit/auditKey';
import { verifyAuditLog } from './audit/verifyAuditLog';
import { AuthService } from './auth/authService';
import { SignOut } from './auth/signOut';
import { createClinicianPreferences } from './config/clinicianPreferences';
import type { BuildMode, ResolvedSettings } from './config/resolveSettings';
import type { Clock } from './core/clock';
import { errorKind, type Logger } from './core/logger';
import type { PdfPrinter, PowerSignals, SecretStorage } from './core/platformInterfaces';
import { buildDiagnostics } from './diagnostics/buildDiagnostics';
import { diagnosticsHandlers } from './diagnostics/diagnosticsHandlers';
import { runtimeVersions } from './diagnostics/runtimeVersions';
import { AckRegistry } from './history/ackRegistry';
import { HistoryMemory } from './history/historyMemory';
import type { OpenedRecordsDeps } from './history/openedRecords';
import { createRecordSealer, type RecordSealer } from './history/recordSealer';
import { RecordVersionsRegistry } from './history/recordVersions';
import { RetentionScheduler } from './history/retention';
import { resumeSession, type ResumeDeps } from './history/resumeSession';
import { SealedTurnRecorder } from './history/sealedTurnRecorder';
import { SessionDeleter } from './history/sessionDeleter';
import { authHandlers } from './ipc/handlers/authHandlers';
import { exportHandlers } from './ipc/handlers/exportHandlers';
import { llmHandlers } from './ipc/handlers/llmHandlers';
import { protocolHandlers } from './ipc/handlers/protocolHandlers';
import { sessionHandlers } from './ipc/handlers/sessionHandlers';
import { settingsHandlers, settingsView } from './ipc/handlers/settingsHandlers';
import { syncHandlers } from './ipc/handlers/syncHandlers';
import { vaultHandlers } from './ipc/handlers/vaultHandlers';
import type { OperationHandlers } from './ipc/registrar';
import { createLlmGateway } from './llm/gateway';
import { createModelResolver } from './llm/modelResolver';
import { createPromptAssembler } from './llm/promptAssembly';
import { BytesPerTokenEstimator } from './llm/tokens/bytesEstimate';
import { createTokenCounter } from './llm/tokens/createTokenCounter';
import { createRecentProblems } from './logging/recentProblems';
import { IdleLock } from './profiles/idleLock';
import { PROFILES_FILE } from './profiles/profileFile';
import { ProfileStore } from './profiles/profileStore';
import { ModelRequestLimiter } from './sessions/modelRequestLimiter';
import { ProtocolService } from './sessions/protocolService';
import { SessionStore, type IdSource } from './sessions/sessionStore';
import { signInWithClinicProfileHere } from './sync/clinicSignIn';
import { createSyncClient } from './sync/http/syncClient';
import { SessionsRemovedNotifier } from './sync/sessionsRemovedNotifier';
import { SyncService } from './sync/syncService';
import { loadWorkstation } from './sync/workstationIdentity';
import { SESSION_KEYS_FILE } from './vault/sessionKeyFile';
import { SessionKeyStore } from './vault/sessionKeyStore';

/** How often main re-checks the model servers in the background, so the status line stays true. */
export const LLM_MONITOR_INTERVAL_MS = 30_000;

/** What main's services are built from: configuration and the platform, injected. */
export interface MainServicesOptions {
  readonly mode: BuildMode;
  readonly config: ResolvedSettings;
  /** Electron's `net.fetch` in the app, the global fetch in Node. */
  readonly fetch: typeof globalThis.fetch;
  readonly clock: Clock;
  readonly newId: IdSource;
  readonly logger: Logger;
  /** Background probes of the model servers (off in tests that count requests). */
  readonly monitorLlm?: boolean;
  /** Main's own data folder: profiles, session keys, audit log (never the renderer's IndexedDB). */
  readonly dataDir: string;
  /** Electron `safeStorage` in the app; the harness's insecure stand-in there. */
  readonly secretStorage: SecretStorage;
  /** System idle time and OS lock/suspend signals (Electron `powerMonitor`). */
  readonly power: PowerSignals;
  /** Prints the PDF export (Electron); absent where the build cannot print: PDF then answers the print-ready HTML. */
  readonly pdfPrinter?: PdfPrinter;
  /**
   * The clinician's settings file, where `settings.set` saves their preferences (atomically). Omitted or null (the
   * browser harness): preferences change for this run only.
   */
  readonly userSettingsPath?: string | null;
  /** The app's version for the diagnostics bundle (Electron's `app.getVersion()`); null where unknown. */
  readonly appVersion?: string | null;
  /** TEST ONLY: listen to the sync server's live feed (default true); tests that drive cycles with `sync.now` turn it off. */
  readonly syncLiveFeed?: boolean;
  /** TEST ONLY: fewer PBKDF2 iterations so tests that create profiles stay fast. Never set in the app. */
  readonly insecureKdfIterationsForTests?: number;
  /** TEST ONLY: an idle limit in milliseconds (policy counts whole minutes), for end-to-end tests of the lock. */
  readonly idleLimitMsForTests?: number;
}

/** Main's services, wired, with the handlers the registrar installs. */
export interface MainServices {
  readonly handlers: OperationHandlers;
  /**
   * Main-internal: seals records for the signed-in clinician (a session's key created explicitly for its first
   * record). Never reachable from a page (pages only get `handlers`); the harness hands it to benchmarks that fill a
   * store with real sealed history.
   */
  readonly sealer: RecordSealer;
  /**
   * Main-internal, for benchmarks that fill a clinic's server with real synced history: {@link sealer} whose records
   * also go to the sync outbox, as the records of main's own turns do, and `keyTouched`, which queues a session's
   * key entry after them (as a stored turn does). Never reachable from a page.
   */
  readonly syncForBenchmarks: { readonly sealer: RecordSealer; keyTouched(sessionId: string): Promise<void> };
  /** Whether a clinician is signed in (and not being signed out): the registrar answers LOCKED to data calls otherwise. */
  isUnlocked(): boolean;
  /**
   * IT's removal of a departed clinician's profile: the profile goes and every key of its sessions is destroyed,
   * so all its history is unreadable at once. Audited. Returns how many sessions were shredded.
   */
  removeProfile(profileId: string): Promise<number>;
  /**
   * IT's passphrase recovery: with the recovery private key (SPKI pair of the policy's `recoveryPublicKey`), sets a
   * new passphrase for the profile. Its history is untouched (same data key).
   */
  recoverProfile(profileId: string, privateKeyPem: string, newPassphrase: string): Promise<void>;
  /** Hears sign-in state changes (unlock, lock, automatic logoff); returns the removal. */
  onAuthState(listener: (state: AuthState) => void): () => void;
  /** Hears model-server status changes (failover, outage, recovery); returns the removal. */
  onLlmStatus(listener: (status: LlmStatus) => void): () => void;
  /** Hears sync status changes (cycle started/ended, offline, error, pending count); returns the removal. */
  onSyncStatus(listener: (status: SyncStatus) => void): () => void;
  /** Hears records pulled from the clinician's other workstations (opened by main's keys), for the page to store. */
  onSyncedRecords(listener: (records: SealedRecordV2[]) => void): () => void;
  /** Hears the signed-in clinician's sessions shredded without their page asking (deleted elsewhere, retention). */
  onSessionsRemoved(listener: (event: SessionsRemovedEvent) => void): () => void;
  /** Hears changes of the signed-in clinician's sessions not yet on the sync server. */
  onUnsyncedSessions(listener: (unsynced: UnsyncedSessions) => void): () => void;
  /**
   * Graceful shutdown: refuses new turns, lets running ones finish for up to `graceMs`, cancels the rest
   * (partial answers kept), then stops every timer.
   */
  shutdown(graceMs: number): Promise<void>;
}

/**
 * Builds main's services in plain Node and wires them — nothing else: each behaviour lives in its own module. The
 * Electron app and the browser harness both call this, then hand `handlers` to the same registrar, so the harness
 * exercises exactly the app's handlers.
 */
export async function createMainServices(options: MainServicesOptions): Promise<MainServices> {
  const { settings } = options.config;
  const { clock } = options;
  // Warnings and errors are also remembered (event name and kind only) for the diagnostics bundle.
  const recentProblems = createRecentProblems(() => clock.now());
  const logger = recentProblems.wrap(options.logger);
  const retentionMs = settings.retentionDays * 86_400_000;

  const sessionKeys = new SessionKeyStore(join(options.dataDir, SESSION_KEYS_FILE), logger);
  // A key store restored from an old backup must not bring back keys already past retention.
  const { dropped } = await sessionKeys.load({ retentionCutoff: new Date(clock.now().getTime() - retentionMs), now: clock.now() });
  const audit = createAuditRecorder(
    new AuditLog({ dir: options.dataDir, secrets: options.secretStorage, allowBasicTextKeyStorage: settings.allowBasicTextKeyStorage, clock, logger }),
    logger,
  );
  if (dropped.length > 0) audit.record({ action: 'retention.shredded', count: dropped.length });
  const profiles = new ProfileStore({
    file: join(options.dataDir, PROFILES_FILE),
    storage: options.secretStorage,
    sessionKeys,
    policy: { allowBasicTextSecretStorage: settings.allowBasicTextKeyStorage, recoveryPublicKeyPem: settings.recoveryPublicKey || null },
    clock,
    logger,
    ...(options.insecureKdfIterationsForTests ? { insecureKdfIterationsForTests: options.insecureKdfIterationsForTests } : {}),
  });
  await profiles.load();

  // What main derives from the signed-in clinician's records (search, figures, manifests): gone with the keys.
  const memory = new HistoryMemory();
  profiles.onStateChange((state) => {
    if (state.unlockedProfileId === null) memory.clear();
  });
  const store = new SessionStore(
    clock,
    options.newId,
    { idleTimeoutMs: settings.sessionIdleTimeoutMs, absoluteTimeoutMs: settings.sessionAbsoluteTimeoutMs, maxLiveSessions: settings.maxLiveSessions },
    logger,
  );
  const acks = new AckRegistry(clock);
  const versions = new RecordVersionsRegistry();
  const deleter = new SessionDeleter({ store, keys: sessionKeys, memory, audit, clock, logger });
  const sealer = createRecordSealer({
    keys: sessionKeys,
    owner: () => profiles.unlockedOwner(),
    isClosing: (id) => deleter.isClosing(id),
    guardKeyCreation: (id, create) => deleter.createKey(id, create),
    clock,
  });
  const syncClient = settings.syncServerUrl
    ? createSyncClient({ serverUrl: settings.syncServerUrl, allowInsecureHttp: settings.allowInsecureHttp, fetch: options.fetch, clock, timeoutMs: settings.requestTimeoutMs })
    : null;
  const workstation = syncClient ? await loadWorkstation(options.dataDir, settings.syncWorkstationLabel) : { id: options.newId(), label: 'off' };
  const syncedRecordListeners = new Set<(records: SealedRecordV2[]) => void>();
  // `signOut` is built below; this runs only after a shred, long after wiring.
  const removedSessions = new SessionsRemovedNotifier((profileId) => profiles.currentProfile()?.profileId === profileId && !signOut.inProgress);
  const sync = new SyncService({
    client: syncClient,
    workstation,
    dataDir: options.dataDir,
    profiles,
    keys: sessionKeys,
    shred: (ids) => deleter.shred(ids),
    deliver: (records) => syncedRecordListeners.forEach((listener) => listener(records)),
    continuedElsewhere: (sessionId) => {
      const live = store.all().find((session) => session.id === sessionId);
      if (live && !live.queue.busy) store.forget(sessionId);
    },
    deletedElsewhere: (ownerId, sessionIds) => removedSessions.notify(ownerId, sessionIds, 'deleted-elsewhere'),
    audit: (event) => audit.record(event),
    clock,
    logger,
    pullIntervalMs: settings.syncPullIntervalSeconds * 1_000,
    // A tombstone without a workstation's proof (the server's own retention) shreds only what retention here would.
    // `retention` is built below; this runs only in sync cycles, after unlock.
    retentionCutoffMs: () => retention.trustedNowMs() - retentionMs,
    trustedNowMs: () => retention.trustedNowMs(),
    enrollmentSecret: settings.syncEnrollmentSecret,
    ...(options.syncLiveFeed === undefined ? {} : { liveFeed: options.syncLiveFeed }),
    // A session continued on two workstations offline: main seals the merged session record (built below; cycles only).
    sealMerged: (header, payload) => syncingSealer.seal(header, payload),
    confirmSessionVersion: (sessionId, rv) => confirmSessionVersion(sessionId, rv),
  });
  // What main seals for a kept session also goes to the sync outbox ("Do not keep" sessions are never sealed).
  const syncingSealer: RecordSealer = {
    ...sealer,
    async seal(header, payload) {
      const record = await sealer.seal(header, payload);
      await sync.recordSealed(record);
      return record;
    },
  };
  const retention = new RetentionScheduler(
    {
      expiredBefore: (cutoffMs) => sessionKeys.expiredBefore(new Date(cutoffMs + 1)),
      oldestLastTurnAt: () => sessionKeys.oldestLastTurnAt(),
      destroy: async (ids) => {
        // Only the signed-in clinician's outbox is open: other clinicians' sessions expire on the server by its own retention.
        const current = profiles.currentProfile()?.profileId ?? null;
        const theirs = ids.filter((id) => current !== null && sessionKeys.entry(id)?.ownerId === current);
        await deleter.shred(ids);
        if (current !== null) {
          removedSessions.notify(current, theirs, 'retention');
          for (const id of theirs) await sync.sessionGone(id, 'retention', current);
        }
      },
    },
    clock,
    { shredded: (count) => audit.record({ action: 'retention.shredded', count }), clockJump: () => audit.record({ action: 'audit.clock_jump' }) },
    logger,
    { retentionMs },
  );
  await retention.start();
  options.power.onResume?.(() => retention.systemResumed());

  const gateway = createLlmGateway({
    endpoints: [settings.llmBaseUrl, ...settings.llmFallbackUrls],
    apiKey: settings.llmApiKey,
    fetch: options.fetch,
    timeoutMs: settings.requestTimeoutMs,
    maxRetries: settings.maxRetries,
    clock,
    logger,
  });
  const estimator = new BytesPerTokenEstimator();
  const assembler = createPromptAssembler({
    counter: createTokenCounter({ baseURL: settings.llmBaseUrl, fetch: options.fetch, estimator, clock, logger }),
    estimator,
    contextLengthOf: (model) => gateway.contextLengthOf(model),
    fallbackContextLength: settings.contextLength,
    maxOutputTokens: settings.maxOutputTokens,
    marginTokens: settings.contextMarginTokens,
  });
  const confirmSessionVersion = (sessionId: string, rv: number): Promise<void> => sessionKeys.noteSessionVersion(sessionId, rv);
  const protocol = new ProtocolService({
    store,
    llm: gateway,
    limiter: new ModelRequestLimiter(settings.maxConcurrentModelRequests),
    assembler,
    // Release builds take the model from IT policy; development may use the first one the server lists.
    resolveModel: createModelResolver(gateway, settings.model, options.mode !== 'release'),
    generation: { temperature: settings.temperature, maxOutputTokens: settings.maxOutputTokens },
    queueWaitMs: settings.sessionQueueWaitMs,
    clock,
    newId: options.newId,
    logger,
    recorder: new SealedTurnRecorder({
      sealer: syncingSealer,
      acks,
      versions,
      memory,
      confirmSessionVersion,
      // Retention counts from the last turn; reviewing never moves it. Queued and durable, off the answer's path.
      newTurnStored: (sessionId) => {
        // On retention's trusted time, not the wall clock: a clock set back cannot date a turn into the past.
        sessionKeys.touch(sessionId, new Date(retention.trustedNowMs())).then(
          () => {
            retention.keysChanged();
            // The key entry follows the turn to the server: its day is what the server's retention counts from.
            void sync.keyTouched(sessionId);
          },
          () => logger.error('vault.touch-failed', {}),
        );
      },
      audit,
      clock,
      logger,
      workstationLabel: syncClient ? workstation.label : null,
    }),
    unkeptSessionStarted: (sessionId, ownerId) => audit.record({ action: 'session.created_unkept', profileId: ownerId, objectId: sessionId }),
  });

  const signOut = new SignOut({
    profiles,
    closeSessionsOf: (ownerId) => store.closeOwner(ownerId, 'locked'),
    turnsSettled: () => protocol.settled(),
    clock,
    logger,
  });
  const auth = new AuthService({ profiles, signOut, audit, selfCreationAllowed: settings.profileSelfCreation });
  const idleLock = new IdleLock({
    profiles,
    power: options.power,
    clock,
    idleLimitMs: options.idleLimitMsForTests ?? settings.idleLockMinutes * 60_000,
    lock: (reason) => void signOut.lock(reason),
  });

  const records: OpenedRecordsDeps = {
    keys: sessionKeys,
    memory,
    audit,
    logger,
    // The same sign-in (its data key object is new at every unlock) and no sign-out under way.
    isSignedIn: (owner) => profiles.isSignedIn(owner) && !signOut.inProgress,
  };
  const resumeDeps: ResumeDeps = {
    ...records,
    stillKept: (sessionId) => sessionKeys.has(sessionId) && !sessionKeys.isShredded(sessionId) && !deleter.isClosing(sessionId),
    store,
    versions,
    reseal: { sealer: syncingSealer, acks, confirmSessionVersion, logger },
    estimateExchange: (userText, answerText) => assembler.estimateExchange(settings.model || 'default', userText, answerText),
  };
  const preferences = createClinicianPreferences(options.config, options.userSettingsPath ?? null, logger);
  const currentOwner = (): string => auth.currentOwner();
  const auths = authHandlers(auth, () => idleLock.reportActivity());
  const protocols = protocolHandlers(protocol, currentOwner);
  // Sync connects after a local unlock; it never fails or slows the unlock (offline works as before).
  const startSync = async (passphrase: string): Promise<void> => {
    await sync.unlocked(passphrase).catch((error: unknown) => logger.error('sync.start_failed', { error: errorKind(error) }));
  };
  const handlers: OperationHandlers = {
    ...auths,
    'auth.unlock': async (input, call) => {
      const state = await auths['auth.unlock'](input, call);
      await startSync(input.passphrase);
      return state;
    },
    'auth.createProfile': async (input, call) => {
      const state = await auths['auth.createProfile'](input, call);
      await startSync(input.passphrase);
      return state;
    },
    'auth.changePassphrase': async (input, call) => {
      const done = await auths['auth.changePassphrase'](input, call);
      await sync.passphraseChanged(input.currentPassphrase, input.newPassphrase);
      return done;
    },
    ...vaultHandlers({ owner: () => profiles.unlockedOwner(), records, memory, acks, audit }),
    ...exportHandlers({ exportAllowed: settings.exportAllowed, records, audit, clock, pdfPrinter: options.pdfPrinter ?? null }, () => profiles.unlockedOwner()),
    ...protocols,
    // A turn on a session (follow-up, regenerate, answer switch) holds the session's sync lease while it runs.
    'protocol.generate': (input, call) =>
      input.sessionId === undefined ? protocols['protocol.generate'](input, call) : sync.withLease(input.sessionId, () => protocols['protocol.generate'](input, call)),
    'protocol.regenerate': (input, call) => sync.withLease(input.sessionId, () => protocols['protocol.regenerate'](input, call)),
    'protocol.selectAnswer': (input, call) => sync.withLease(input.sessionId, () => protocols['protocol.selectAnswer'](input, call)),
    ...sessionHandlers(
      store,
      currentOwner,
      async (sessionId, ownerId) => {
        const deleted = await deleter.delete(sessionId, ownerId);
        if (deleted) await sync.sessionGone(sessionId, 'deleted', ownerId);
        return deleted;
      },
      (sealedRecords, call, branchTurnId) => resumeSession(resumeDeps, profiles.unlockedOwner(), sealedRecords, call, branchTurnId),
    ),
    ...settingsHandlers(preferences, options.config.lockedByPolicy),
    ...diagnosticsHandlers(async () => {
      // Lines still queued would read as a torn last entry: verify what is on disk once they are written.
      await audit.flushed();
      return buildDiagnostics({
        now: () => clock.now(),
        buildMode: options.mode,
        ...runtimeVersions(options.appVersion ?? null),
        policyPath: options.config.policyPath ?? null,
        settings: () => settingsView(preferences.current(), options.config.lockedByPolicy),
        verifyAudit: async () => {
          const key = await loadAuditKey(options.dataDir, options.secretStorage);
          return key === null ? null : verifyAuditLog(options.dataDir, key);
        },
        llmStatus: () => gateway.status(settings.model),
        recentProblems: () => recentProblems.list(),
      });
    }),
    ...llmHandlers(() => gateway.status(settings.model)),
    ...syncHandlers({
      status: () => sync.status(),
      syncNow: () => sync.syncNow(),
      unsyncedSessions: () => sync.unsyncedSessions(),
      async signInWithClinicProfile(name, passphrase) {
        const { profileId, token } = await signInWithClinicProfileHere(
          { client: syncClient, workstation, profiles, signOutCurrent: () => signOut.lock('switched') },
          name,
          passphrase,
        );
        audit.record({ action: 'auth.unlocked', profileId });
        await sync.adopted(token);
        return auth.state();
      },
    }),
  };
  if (options.monitorLlm ?? true) gateway.startMonitoring(LLM_MONITOR_INTERVAL_MS, settings.model);
  return {
    handlers,
    sealer,
    syncForBenchmarks: { sealer: syncingSealer, keyTouched: (sessionId) => sync.keyTouched(sessionId) },
    isUnlocked: () => profiles.currentProfile() !== null && !signOut.inProgress,
    async recoverProfile(profileId, privateKeyPem, newPassphrase) {
      await profiles.recoverWithPrivateKey(profileId, privateKeyPem, newPassphrase);
      // IT's reset gives access to the whole history: it is audited like a removal.
      await audit.recordDurably({ action: 'profile.recovered', profileId });
    },
    async removeProfile(profileId) {
      const { destroyedSessions } = await profiles.removeProfile(profileId);
      for (const sessionId of destroyedSessions) memory.forgetSession(sessionId);
      // Its sync state goes too (outbox, cursor, waiting records, merge heads): sealed under keys now destroyed, but a
      // removed clinician leaves nothing of theirs on the workstation.
      await rm(dirname(syncPathsOf(options.dataDir, profileId).outbox), { recursive: true, force: true });
      await audit.recordDurably({ action: 'profile.removed', profileId });
      return destroyedSessions.length;
    },
    onAuthState: (listener) => profiles.onStateChange(() => listener(auth.state())),
    onLlmStatus: (listener) => gateway.onStatusChange(listener),
    onSyncStatus: (listener) => sync.onStatus(listener),
    onSyncedRecords: (listener) => {
      syncedRecordListeners.add(listener);
      return () => syncedRecordListeners.delete(listener);
    },
    onSessionsRemoved: (listener) => removedSessions.on(listener),
    onUnsyncedSessions: (listener) => sync.onUnsyncedSessions(listener),
    async shutdown(graceMs) {
      await protocol.shutdown(graceMs);
      gateway.dispose();
      sync.dispose();
      idleLock.dispose();
      retention.dispose();
      acks.dispose();
      profiles.lock('manual');
      // The lock's own audit line is queued by the lock above: let every queued line reach the disk.
      await audit.flushed();
    },
  };
}
