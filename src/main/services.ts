import { join } from 'node:path';
import type { AuthState } from '../shared/auth';
import type { LlmStatus } from '../shared/settings';
import type { SessionPayload, TurnPayload } from '../shared/vault';
import { AuditLog } from './audit/auditLog';
import { createAuditRecorder } from './audit/auditRecorder';
import { AuthService } from './auth/authService';
import { AckRegistry } from './history/ackRegistry';
import { resumeSession } from './history/resumeSession';
import { RetentionScheduler } from './history/retention';
import { SearchIndex } from './history/searchIndex';
import { SealedTurnRecorder, type RecordSealer } from './history/sealedTurnRecorder';
import { authHandlers } from './ipc/handlers/authHandlers';
import { vaultHandlers } from './ipc/handlers/vaultHandlers';
import type { PdfPrinter, PowerSignals, SecretStorage } from './core/platformInterfaces';
import { MetadataAnalytics } from './analytics/metadataAnalytics';
import { exportHandlers } from './ipc/handlers/exportHandlers';
import { IdleLock } from './profiles/idleLock';
import { PROFILES_FILE } from './profiles/profileFile';
import { ProfileStore } from './profiles/profileStore';
import { sealRecord } from './vault/recordCrypto';
import { SESSION_KEYS_FILE } from './vault/sessionKeyFile';
import { SessionKeyStore } from './vault/sessionKeyStore';
import type { BuildMode, ResolvedSettings } from './config/resolveSettings';
import { llmHandlers } from './ipc/handlers/llmHandlers';
import { protocolHandlers } from './ipc/handlers/protocolHandlers';
import { sessionHandlers } from './ipc/handlers/sessionHandlers';
import { settingsHandlers, settingsView } from './ipc/handlers/settingsHandlers';
import { loadAuditKey } from './audit/auditKey';
import { verifyAuditLog } from './audit/verifyAuditLog';
import { createClinicianPreferences } from './config/clinicianPreferences';
import { buildDiagnostics } from './diagnostics/buildDiagnostics';
import { diagnosticsHandlers } from './diagnostics/diagnosticsHandlers';
import { runtimeVersions } from './diagnostics/runtimeVersions';
import { createRecentProblems } from './logging/recentProblems';
import type { OperationHandlers } from './ipc/registrar';
import { createLlmGateway } from './llm/gateway';
import { createModelResolver } from './llm/modelResolver';
import { createPromptAssembler } from './llm/promptAssembly';
import { BytesPerTokenEstimator } from './llm/tokens/bytesEstimate';
import { createTokenCounter } from './llm/tokens/createTokenCounter';
import { errorKind, type Logger } from './core/logger';
import type { Clock } from './core/clock';
import { ModelRequestLimiter } from './sessions/modelRequestLimiter';
import { ProtocolService } from './sessions/protocolService';
import { SessionStore, type IdSource } from './sessions/sessionStore';

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
  /** TEST ONLY: fewer PBKDF2 iterations so tests that create profiles stay fast. Never set in the app. */
  readonly insecureKdfIterationsForTests?: number;
  /** TEST ONLY: an idle limit in milliseconds (policy counts whole minutes), for end-to-end tests of the lock. */
  readonly idleLimitMsForTests?: number;
}

/** Main's services, wired, with the handlers the registrar installs. */
export interface MainServices {
  readonly handlers: OperationHandlers;
  /**
   * Main-internal: seals records for the unlocked clinician (creating a session's key with its first record) and
   * adds their text to the search index — what the turn recorder uses. Never reachable from a page (pages only get
   * `handlers`); the harness hands it to benchmarks that fill a store with real sealed history.
   */
  readonly sealer: RecordSealer;
  /** Whether a clinician is signed in: the registrar answers LOCKED to data calls otherwise. */
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
  /**
   * Graceful shutdown: refuses new turns, lets running ones finish for up to `graceMs`, cancels the rest
   * (partial answers kept), then stops every timer.
   */
  shutdown(graceMs: number): Promise<void>;
}

/**
 * Builds main's services in plain Node. The Electron app and the browser harness both call this, then hand
 * `handlers` to the same registrar, so the harness exercises exactly the app's handlers.
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
  const { dropped } = await sessionKeys.load({ retentionCutoff: new Date(clock.now().getTime() - retentionMs) });
  const audit = createAuditRecorder(new AuditLog({ dir: options.dataDir, secrets: options.secretStorage, clock, logger }), logger);
  if (dropped.length > 0) audit.record({ action: 'retention.shredded', count: dropped.length });
  const profiles = new ProfileStore({
    file: join(options.dataDir, PROFILES_FILE),
    storage: options.secretStorage,
    sessionKeys,
    policy: {
      allowBasicTextSecretStorage: settings.allowBasicTextKeyStorage,
      recoveryPublicKeyPem: settings.recoveryPublicKey || null,
    },
    clock,
    logger,
    ...(options.insecureKdfIterationsForTests ? { insecureKdfIterationsForTests: options.insecureKdfIterationsForTests } : {}),
  });
  await profiles.load();
  const auth = new AuthService({ profiles, audit, selfCreationAllowed: settings.profileSelfCreation });
  const idleLock = new IdleLock({
    profiles,
    power: options.power,
    clock,
    idleLimitMs: options.idleLimitMsForTests ?? settings.idleLockMinutes * 60_000,
  });
  const acks = new AckRegistry(clock);
  const searchIndex = new SearchIndex();
  // Numbers from turn metadata, gathered beside the index (and from the same opens); they go with it.
  const analytics = new MetadataAnalytics();
  // The index holds plaintext: it goes with the keys when the clinician's profile locks.
  profiles.onStateChange((state) => {
    if (state.unlockedProfileId === null) {
      searchIndex.clear();
      analytics.clear();
    }
  });
  const sealer: RecordSealer = {
    async seal(header, payload) {
      const owner = profiles.unlockedOwner();
      const now = clock.now();
      const isNew = !sessionKeys.has(header.sessionId);
      const key = isNew ? await sessionKeys.create(header.sessionId, owner, now) : await sessionKeys.keyFor(header.sessionId, owner);
      // Neither the audit line nor the last-turn time stands between the clinician and the answer: both are
      // queued (in order, durably) and a failure is logged. The session key itself is on disk before use.
      if (isNew) audit.record({ action: 'session.created', profileId: owner.ownerId, objectId: header.sessionId });
      // Retention counts from the last turn: each new message moves it, and so does a regenerated answer (a turn the
      // clinician asked for, sealed only once it ends); reviewing never does.
      const newTurn = header.kind === 'turn' && (header.status === 'pending' || header.parentTurnId !== null);
      if (!isNew && newTurn) {
        void sessionKeys.touch(header.sessionId, now).then(
          () => retention.keysChanged(),
          (error: unknown) => logger.error('vault.touch-failed', { kind: errorKind(error) }),
        );
      }
      // What main seals it has just written: the clinician can find it at once, without reopening it.
      if (header.kind === 'session') searchIndex.add(header.sessionId, (payload as SessionPayload).title);
      else {
        searchIndex.add(header.sessionId, (payload as TurnPayload).userText);
        searchIndex.add(header.sessionId, (payload as TurnPayload).answerText);
        analytics.note(owner.ownerId, header.id, header.sessionId, (payload as TurnPayload).metadata);
      }
      return sealRecord(key, header, payload);
    },
  };
  const retention = new RetentionScheduler(
    {
      expiredBefore: (cutoffMs) => sessionKeys.expiredBefore(new Date(cutoffMs + 1)),
      oldestLastTurnAt: () => sessionKeys.oldestLastTurnAt(),
      destroy: async (ids) => {
        await sessionKeys.destroy(ids);
      },
    },
    clock,
    {
      shredded: (count) => audit.record({ action: 'retention.shredded', count }),
      clockJump: () => audit.record({ action: 'audit.clock_jump' }),
    },
    logger,
    { retentionMs },
  );
  await retention.start();
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
  const store = new SessionStore(
    clock,
    options.newId,
    {
      idleTimeoutMs: settings.sessionIdleTimeoutMs,
      absoluteTimeoutMs: settings.sessionAbsoluteTimeoutMs,
      maxLiveSessions: settings.maxLiveSessions,
    },
    logger,
  );
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
    recorder: new SealedTurnRecorder(sealer, acks, clock, logger),
  });
  const preferences = createClinicianPreferences(options.config, options.userSettingsPath ?? null, logger);
  const currentOwner = (): string => auth.currentOwner();
  /** Deleting a session crypto-shreds it: its key goes, so every stored copy of its records is unreadable at once. */
  const deleteSession = async (sessionId: string): Promise<boolean> => {
    const ownerId = currentOwner();
    const wasLive = store.delete(sessionId, ownerId);
    const owned = sessionKeys.list(ownerId).some((entry) => entry.sessionId === sessionId);
    if (owned) await sessionKeys.destroy([sessionId]);
    analytics.removeSession(sessionId);
    if (wasLive || owned) audit.record({ action: 'session.deleted', profileId: ownerId, objectId: sessionId });
    return wasLive || owned;
  };
  const handlers: OperationHandlers = {
    ...authHandlers(auth, () => idleLock.reportActivity()),
    ...vaultHandlers({ profiles, sessionKeys, acks, audit, logger, searchIndex, analytics }),
    ...exportHandlers(
      { exportAllowed: settings.exportAllowed, sessionKeys, audit, clock, logger, pdfPrinter: options.pdfPrinter ?? null },
      () => profiles.unlockedOwner(),
    ),
    ...protocolHandlers(protocol, currentOwner),
    ...sessionHandlers(store, currentOwner, deleteSession, (records) =>
      resumeSession(
        {
          store,
          sessionKeys,
          audit,
          logger,
          estimateExchange: (userText, answerText) => assembler.estimateExchange(settings.model || 'default', userText, answerText),
        },
        profiles.unlockedOwner(),
        records,
      ),
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
  };
  if (options.monitorLlm ?? true) gateway.startMonitoring(LLM_MONITOR_INTERVAL_MS, settings.model);
  return {
    handlers,
    sealer,
    isUnlocked: () => profiles.currentProfile() !== null,
    async recoverProfile(profileId, privateKeyPem, newPassphrase) {
      await profiles.recoverWithPrivateKey(profileId, privateKeyPem, newPassphrase);
      // IT's reset gives access to the whole history: it is audited like a removal.
      audit.record({ action: 'profile.recovered', profileId });
      await audit.flushed();
    },
    async removeProfile(profileId) {
      const { destroyedSessions } = await profiles.removeProfile(profileId);
      audit.record({ action: 'profile.removed', profileId });
      await audit.flushed();
      return destroyedSessions.length;
    },
    onAuthState: (listener) => profiles.onStateChange(() => listener(auth.state())),
    onLlmStatus: (listener) => gateway.onStatusChange(listener),
    async shutdown(graceMs) {
      await protocol.shutdown(graceMs);
      gateway.dispose();
      idleLock.dispose();
      retention.dispose();
      acks.dispose();
      profiles.lock('manual');
      // The lock's own audit line is queued by the lock above: let every queued line reach the disk.
      await audit.flushed();
    },
  };
}
