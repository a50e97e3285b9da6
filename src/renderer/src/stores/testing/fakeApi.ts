/**
 * A fake `window.api` for store tests: calls are recorded, `generate` answers only when the test settles it, and
 * events are pushed by the test as main would push them.
 */
import type { AppApi } from '../../../../preload/apiTypes';
import type { Unsubscribe } from '../../../../shared/api';
import type {
  AuthState,
  ChangePassphraseInput,
  CreateProfileInput,
  Done,
  ProfileList,
  ProfileSummary,
  SignInWithClinicProfileInput,
  UnlockInput,
} from '../../../../shared/auth';
import { SYNC_OFF, type SyncStatus } from '../../../../shared/sync/status';
import { fail, ok, type ErrorCode, type Result } from '../../../../shared/errors';
import type { Patient } from '../../../../shared/patient';
import type {
  CancelOutput,
  DeltaEvent,
  GenerateInput,
  ProtocolResponse,
  RegenerateInput,
  SelectAnswerInput,
  SelectAnswerOutput,
  TurnStartedEvent,
} from '../../../../shared/protocol';
import type { DeleteOutput, SessionInfo, SessionList } from '../../../../shared/sessions';
import type { SessionsRemovedEvent, UnsyncedSessions } from '../../../../shared/sessionsRemoved';
import { SETTINGS_DEFAULTS, type LlmStatus, type SettingsUpdate, type SettingsView } from '../../../../shared/settings';
import type { Diagnostics } from '../../../../shared/diagnostics';
import type { MetadataAnalytics } from '../../../../shared/analytics';
import { computeHistoryAnalytics } from '../../../../shared/historyAnalytics';
import type { ExportInput, ExportOutput } from '../../../../shared/export';
import type {
  AckInput,
  IndexInput,
  IndexOutput,
  OpenFailureReason,
  OpenInput,
  OpenOutput,
  OpenResult,
  RecordDelivery,
  ResumeInput,
  SealedRecord,
  SearchInput,
  SearchOutput,
  SessionPayload,
  TurnPayload,
} from '../../../../shared/vault';

/** Why the fake vault refuses to open a record. */
export type FakeOpenFailure = OpenFailureReason;

/** A `generate` call waiting for the test to answer it. */
export interface PendingGenerate {
  input: GenerateInput;
  resolve(result: Result<ProtocolResponse>): void;
}

/** The fake and the handles a test drives it with. */
export interface FakeApi {
  api: AppApi;
  generateCalls: PendingGenerate[];
  /** `protocol.regenerate` calls, answered (like `generate`) only when the test settles them. */
  regenerateCalls: { input: RegenerateInput; resolve(result: Result<ProtocolResponse>): void }[];
  selectAnswerCalls: SelectAnswerInput[];
  /** How `protocol.selectAnswer` answers; the default accepts. */
  answerSelectAnswer(input: SelectAnswerInput): Promise<Result<SelectAnswerOutput>>;
  cancelCalls: { sessionId: string }[];
  statusCalls: number;
  /** What `llm.status` answers. */
  status: Result<LlmStatus>;
  emitTurnStarted(event: TurnStartedEvent): void;
  emitDelta(event: DeltaEvent): void;
  emitStatus(status: LlmStatus): void;
  /** Live listeners per event, to check subscriptions happen once. */
  listenerCount(): { turnStarted: number; delta: number };

  /** What `auth.state` answers (default: locked at start-up). */
  authState: Result<AuthState>;
  authStateCalls: number;
  /** How `auth.state` answers; the default resolves {@link authState} at once. */
  answerAuthState(): Promise<Result<AuthState>>;
  /** What `auth.listProfiles` answers (default: {@link PROFILE_A} and {@link PROFILE_B}, self-creation allowed). */
  profileList: Result<ProfileList>;
  listProfilesCalls: number;
  unlockCalls: UnlockInput[];
  /** How `auth.unlock` answers; the default signs in the profile when the passphrase is {@link GOOD_PASSPHRASE}. */
  answerUnlock(input: UnlockInput): Promise<Result<AuthState>>;
  createProfileCalls: CreateProfileInput[];
  /** How `auth.createProfile` answers; the default signs in a new profile named as asked. */
  answerCreateProfile(input: CreateProfileInput): Promise<Result<AuthState>>;
  lockCalls: number;
  /** How `auth.lock` answers; the default answers a manual lock (without pushing an event). */
  answerLock(): Promise<Result<AuthState>>;
  changePassphraseCalls: ChangePassphraseInput[];
  /** How `auth.changePassphrase` answers; the default accepts {@link GOOD_PASSPHRASE} as the current one. */
  answerChangePassphrase(input: ChangePassphraseInput): Promise<Result<Done>>;
  reportActivityCalls: number;
  /** Pushes `auth.stateChanged` as main does (lock by the clinician, idle logoff, OS lock, unlock). */
  emitAuthState(state: AuthState): void;
  authListenerCount(): number;

  openCalls: OpenInput[];
  /**
   * What the fake vault holds, by ciphertext (`ct`): the payload main would open, or why it would refuse. A record
   * whose ciphertext is not here answers `unknown-key`: main holds no key for it, and destroyed none.
   */
  vaultContents: Map<string, SessionPayload | TurnPayload | { fails: FakeOpenFailure }>;
  /** How `vault.open` answers; the default opens from {@link vaultContents}. */
  answerOpen(input: OpenInput): Promise<Result<OpenOutput>>;
  /** Every `api.vault.index` call (the background indexing pass). */
  indexCalls: IndexInput[];
  /** Default: what `answerOpen` would answer, reduced to the count and the failures. */
  answerIndex(input: IndexInput): Promise<Result<IndexOutput>>;
  resumeCalls: ResumeInput[];
  /** How `sessions.resume` answers; the default rebuilds the session from the records' session id and turn seqs. */
  answerResume(input: ResumeInput): Promise<Result<SessionInfo>>;
  searchCalls: SearchInput[];
  /** How `vault.search` answers; the default finds nothing. */
  answerSearch(input: SearchInput): Promise<Result<SearchOutput>>;
  ackCalls: AckInput[];
  exportCalls: ExportInput[];
  /** How `sessions.export` answers; the default refuses (tests of exporting set their own). */
  answerExport(input: ExportInput): Promise<Result<ExportOutput>>;
  analyticsCalls: number;
  /** How `vault.analytics` answers; the default is an empty summary ({@link emptyAnalytics}). */
  answerAnalytics(): Promise<Result<MetadataAnalytics>>;
  /** What `settings.get` answers (default: the defaults, nothing locked, the theme the clinician's to set). */
  settingsView: SettingsView;
  settingsSetCalls: SettingsUpdate[];
  /** How `settings.set` answers; the default applies the update to {@link settingsView}. */
  answerSettingsSet(input: SettingsUpdate): Promise<Result<SettingsView>>;
  /** How `app.diagnostics` answers; the default is a small PHI-free bundle. */
  answerDiagnostics(): Promise<Result<Diagnostics>>;
  /** What `sync.status` answers (default: off, as with no sync server in the policy). */
  syncStatus: Result<SyncStatus>;
  syncStatusCalls: number;
  syncNowCalls: number;
  /** How `sync.now` answers; the default resolves {@link syncStatus} at once. */
  answerSyncNow(): Promise<Result<SyncStatus>>;
  /** Pushes `sync.statusChanged` as main does. */
  emitSyncStatus(status: SyncStatus): void;
  /** Every `sessions.delete` call. */
  deleteCalls: { sessionId: string }[];
  /** How `sessions.delete` answers; the default says nothing was deleted. */
  answerDelete(input: { sessionId: string }): Promise<Result<DeleteOutput>>;
  /** What `sync.unsyncedSessions` answers (default: none, nobody's). */
  unsyncedSessions: Result<UnsyncedSessions>;
  /** Pushes `sessions.removed` as main does (any payload: the page must check it). */
  emitSessionsRemoved(payload: unknown): void;
  /** Pushes `sync.unsyncedSessionsChanged` as main does (any payload). */
  emitUnsyncedSessions(payload: unknown): void;
  syncListenerCount(): number;
  signInWithClinicProfileCalls: SignInWithClinicProfileInput[];
  /**
   * How `auth.signInWithClinicProfile` answers; the default signs in {@link PROFILE_A} under the name typed when the
   * passphrase is {@link GOOD_PASSPHRASE}, and refuses otherwise as main does.
   */
  answerSignInWithClinicProfile(input: SignInWithClinicProfileInput): Promise<Result<AuthState>>;
  /** Pushes `vault.record` as main does when it seals records for the page to store: `records` in one delivery. */
  emitRecord(...records: SealedRecord[]): void;
}

/** Lets pending promise callbacks run (the store awaits the api). */
export function flush(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/** Builds a fresh fake. */
export function createFakeApi(): FakeApi {
  const turnStartedListeners = new Set<(event: TurnStartedEvent) => void>();
  const deltaListeners = new Set<(event: DeltaEvent) => void>();
  const statusListeners = new Set<(status: LlmStatus) => void>();
  const authListeners = new Set<(state: AuthState) => void>();
  const recordListeners = new Set<(delivery: RecordDelivery) => void>();
  const syncListeners = new Set<(status: SyncStatus) => void>();
  const removedListeners = new Set<(payload: unknown) => void>();
  const unsyncedListeners = new Set<(payload: unknown) => void>();
  const subscribe = <E>(listeners: Set<(event: E) => void>, listener: (event: E) => void): Unsubscribe => {
    listeners.add(listener);
    return () => listeners.delete(listener);
  };

  const fake: FakeApi = {
    generateCalls: [],
    regenerateCalls: [],
    selectAnswerCalls: [],
    answerSelectAnswer: (input) => Promise.resolve(ok<SelectAnswerOutput>({ turnId: input.turnId })),
    cancelCalls: [],
    statusCalls: 0,
    status: ok({ reachable: true, state: 'reachable', model: 'fake-model', endpoint: 'http://127.0.0.1:8000/v1', latencyMs: 12 }),
    emitTurnStarted: (event) => turnStartedListeners.forEach((listener) => listener(event)),
    emitDelta: (event) => deltaListeners.forEach((listener) => listener(event)),
    emitStatus: (status) => statusListeners.forEach((listener) => listener(status)),
    listenerCount: () => ({ turnStarted: turnStartedListeners.size, delta: deltaListeners.size }),

    authState: ok(LOCKED_AT_START),
    authStateCalls: 0,
    answerAuthState: () => Promise.resolve(fake.authState),
    profileList: ok({ profiles: [PROFILE_A, PROFILE_B], selfCreationAllowed: true }),
    listProfilesCalls: 0,
    unlockCalls: [],
    answerUnlock: (input) => {
      if (input.passphrase !== GOOD_PASSPHRASE) return Promise.resolve(fail('FORBIDDEN', WRONG_PASSPHRASE_MESSAGE));
      const profile = [PROFILE_A, PROFILE_B].find((candidate) => candidate.profileId === input.profileId);
      if (profile === undefined) return Promise.resolve(fail('INVALID_INPUT', 'No such profile.'));
      return Promise.resolve(ok(unlockedAs(profile)));
    },
    createProfileCalls: [],
    answerCreateProfile: (input) => Promise.resolve(ok(unlockedAs({ ...NEW_PROFILE, name: input.name.trim() }))),
    lockCalls: 0,
    answerLock: () => Promise.resolve(ok<AuthState>({ state: 'locked', profileId: PROFILE_A.profileId, profileName: PROFILE_A.name, reason: 'manual' })),
    changePassphraseCalls: [],
    answerChangePassphrase: (input) =>
      Promise.resolve(input.currentPassphrase === GOOD_PASSPHRASE ? ok<Done>({ done: true }) : fail('FORBIDDEN', WRONG_PASSPHRASE_MESSAGE)),
    reportActivityCalls: 0,
    emitAuthState: (state) => authListeners.forEach((listener) => listener(state)),
    authListenerCount: () => authListeners.size,

    openCalls: [],
    vaultContents: new Map(),
    answerOpen: (input) =>
      Promise.resolve(
        ok<OpenOutput>({
          results: input.records.map((record): OpenResult => {
            const content = fake.vaultContents.get(record.ct);
            if (content === undefined) return { id: record.id, ok: false, reason: 'unknown-key' };
            if ('fails' in content) return { id: record.id, ok: false, reason: content.fails };
            return { id: record.id, ok: true, payload: content };
          }),
        }),
      ),
    indexCalls: [],
    answerIndex: async (input) => {
      const opened = await fake.answerOpen(input);
      if (!opened.ok) return opened;
      const failures = opened.data.results.filter((result) => !result.ok);
      return ok<IndexOutput>({ indexed: opened.data.results.length - failures.length, failures });
    },
    resumeCalls: [],
    answerResume: (input) => {
      const [first] = input.records;
      if (first === undefined) return Promise.resolve(fail('INVALID_INPUT', 'records: nothing to resume'));
      const seqs = new Set(input.records.filter((record) => record.kind === 'turn').map((record) => record.seq));
      return Promise.resolve(
        ok<SessionInfo>({
          sessionId: first.sessionId,
          createdAt: first.createdAt,
          lastAccessAt: '2026-01-01T09:00:00.000Z',
          expiresAt: '2026-01-01T09:30:00.000Z',
          conversationCount: seqs.size,
          state: 'idle',
        }),
      );
    },
    searchCalls: [],
    answerSearch: () => Promise.resolve(ok<SearchOutput>({ hits: [], indexedSessions: 0 })),
    ackCalls: [],
    exportCalls: [],
    answerExport: () => Promise.resolve(fail('FORBIDDEN', 'Exporting sessions is turned off on this workstation by your IT policy.')),
    analyticsCalls: 0,
    answerAnalytics: () => Promise.resolve(ok<MetadataAnalytics>(emptyAnalytics())),
    syncStatus: ok(SYNC_OFF),
    syncStatusCalls: 0,
    syncNowCalls: 0,
    answerSyncNow: () => Promise.resolve(fake.syncStatus),
    emitSyncStatus: (status) => syncListeners.forEach((listener) => listener(status)),
    deleteCalls: [],
    answerDelete: () => Promise.resolve(ok<DeleteOutput>({ deleted: false })),
    unsyncedSessions: ok<UnsyncedSessions>({ profileId: null, sessionIds: [] }),
    emitSessionsRemoved: (payload) => removedListeners.forEach((listener) => listener(payload)),
    emitUnsyncedSessions: (payload) => unsyncedListeners.forEach((listener) => listener(payload)),
    syncListenerCount: () => syncListeners.size,
    signInWithClinicProfileCalls: [],
    answerSignInWithClinicProfile: (input) =>
      Promise.resolve(
        input.passphrase === GOOD_PASSPHRASE ? ok(unlockedAs({ ...PROFILE_A, name: input.name.trim() })) : fail('FORBIDDEN', WRONG_PASSPHRASE_MESSAGE),
      ),
    emitRecord: (...records) => recordListeners.forEach((listener) => listener({ records })),
    settingsView: defaultSettingsView(),
    settingsSetCalls: [],
    answerSettingsSet: (input) => {
      fake.settingsView = { ...fake.settingsView, values: { ...fake.settingsView.values, ...input } };
      return Promise.resolve(ok(fake.settingsView));
    },
    answerDiagnostics: () =>
      Promise.resolve(
        ok<Diagnostics>({
          generatedAt: '2026-01-01T00:00:00.000Z',
          versions: { app: null, electron: null, chrome: null, node: '22.0.0' },
          os: { platform: 'linux', release: '6.1', arch: 'x64' },
          buildMode: 'harness',
          policy: { path: null, sha256: null },
          settings: fake.settingsView,
          audit: { ok: true, entries: 0, detail: null },
          llm: null,
          recentProblems: [],
        }),
      ),

    api: {
      auth: {
        state: () => {
          fake.authStateCalls++;
          return fake.answerAuthState();
        },
        listProfiles: () => {
          fake.listProfilesCalls++;
          return Promise.resolve(fake.profileList);
        },
        unlock: (input: UnlockInput) => {
          fake.unlockCalls.push(input);
          return fake.answerUnlock(input);
        },
        createProfile: (input: CreateProfileInput) => {
          fake.createProfileCalls.push(input);
          return fake.answerCreateProfile(input);
        },
        lock: () => {
          fake.lockCalls++;
          return fake.answerLock();
        },
        changePassphrase: (input: ChangePassphraseInput) => {
          fake.changePassphraseCalls.push(input);
          return fake.answerChangePassphrase(input);
        },
        reportActivity: () => {
          fake.reportActivityCalls++;
          return Promise.resolve(ok<Done>({ done: true }));
        },
        signInWithClinicProfile: (input: SignInWithClinicProfileInput) => {
          fake.signInWithClinicProfileCalls.push(input);
          return fake.answerSignInWithClinicProfile(input);
        },
        onStateChanged: (listener: (state: AuthState) => void) => subscribe(authListeners, listener),
      },
      vault: {
        open: (input: OpenInput) => {
          fake.openCalls.push(input);
          return fake.answerOpen(input);
        },
        index: (input: IndexInput) => {
          fake.indexCalls.push(input);
          return fake.answerIndex(input);
        },
        search: (input: SearchInput) => {
          fake.searchCalls.push(input);
          return fake.answerSearch(input);
        },
        ack: (input: AckInput) => {
          fake.ackCalls.push(input);
          return Promise.resolve(ok<Done>({ done: true }));
        },
        onRecord: (listener: (delivery: RecordDelivery) => void) => subscribe(recordListeners, listener),
        analytics: () => {
          fake.analyticsCalls++;
          return fake.answerAnalytics();
        },
      },
      protocol: {
        generate: (input: GenerateInput) =>
          new Promise<Result<ProtocolResponse>>((resolve) => fake.generateCalls.push({ input, resolve })),
        regenerate: (input: RegenerateInput) =>
          new Promise<Result<ProtocolResponse>>((resolve) => fake.regenerateCalls.push({ input, resolve })),
        selectAnswer: (input: SelectAnswerInput) => {
          fake.selectAnswerCalls.push(input);
          return fake.answerSelectAnswer(input);
        },
        cancel: (input: { sessionId: string }) => {
          fake.cancelCalls.push(input);
          return Promise.resolve(ok<CancelOutput>({ cancelled: true }));
        },
        onTurnStarted: (listener: (event: TurnStartedEvent) => void) => subscribe(turnStartedListeners, listener),
        onDelta: (listener: (event: DeltaEvent) => void) => subscribe(deltaListeners, listener),
      },
      sessions: {
        get: () => Promise.resolve(fail('INTERNAL', 'not used in these tests') as Result<SessionInfo>),
        list: () => Promise.resolve(ok<SessionList>({ count: 0, sessions: [] })),
        delete: (input: { sessionId: string }) => {
          fake.deleteCalls.push(input);
          return fake.answerDelete(input);
        },
        onRemoved: (listener: (payload: SessionsRemovedEvent) => void) => subscribe(removedListeners, listener as (payload: unknown) => void),
        resume: (input: ResumeInput) => {
          fake.resumeCalls.push(input);
          return fake.answerResume(input);
        },
        export: (input: ExportInput) => {
          fake.exportCalls.push(input);
          return fake.answerExport(input);
        },
      },
      settings: {
        get: () => Promise.resolve(ok(fake.settingsView)),
        set: (input: SettingsUpdate) => {
          fake.settingsSetCalls.push(input);
          return fake.answerSettingsSet(input);
        },
      },
      llm: {
        status: () => {
          fake.statusCalls++;
          return Promise.resolve(fake.status);
        },
        onStatusChanged: (listener: (status: LlmStatus) => void) => subscribe(statusListeners, listener),
      },
      sync: {
        status: () => {
          fake.syncStatusCalls++;
          return Promise.resolve(fake.syncStatus);
        },
        now: () => {
          fake.syncNowCalls++;
          return fake.answerSyncNow();
        },
        onStatusChanged: (listener: (status: SyncStatus) => void) => subscribe(syncListeners, listener),
        unsyncedSessions: () => Promise.resolve(fake.unsyncedSessions),
        onUnsyncedSessionsChanged: (listener: (payload: UnsyncedSessions) => void) => subscribe(unsyncedListeners, listener as (payload: unknown) => void),
      },
      app: {
        diagnostics: () => fake.answerDiagnostics(),
      },
    },
  };
  return fake;
}

/** What main's analytics say about an empty history. */
export function emptyAnalytics(): MetadataAnalytics {
  return { sessions: 0, answeredTurns: 0, inferenceMs: null, trimmedTurns: 0, history: computeHistoryAnalytics([], []) };
}

/** Session and turn ids as main mints them (UUID v4). */
export const SESSION_ID = '3f2b8c1e-9d4a-4b7e-8f1a-2c3d4e5f6a7b';
export const OTHER_SESSION_ID = '9a8b7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d';
export const TURN_1 = '11111111-1111-4111-8111-111111111111';
export const TURN_2 = '22222222-2222-4222-8222-222222222222';
export const OTHER_TURN = '33333333-3333-4333-8333-333333333333';

/** A patient that passes the schema with no warnings. */
export const PATIENT: Patient = {
  age: 54,
  sex: 'male',
  chiefComplaint: 'Chest pain for 2 hours',
  vitals: { heartRate: 96, systolicBp: 150, diastolicBp: 90 },
};

/** A successful answer for turn `seq` of {@link SESSION_ID}. */
export function protocolResponse(overrides: Partial<ProtocolResponse> & { seq: number; turnId: string }): ProtocolResponse {
  return {
    sessionId: SESSION_ID,
    protocol: `Final protocol ${overrides.seq}`,
    patientSummary: PATIENT,
    metadata: {
      inferenceTimeMs: 1234,
      model: 'fake-model',
      endpoint: 'http://127.0.0.1:8000/v1',
      temperature: 0.2,
      maxTokens: 1024,
      conversationCount: overrides.seq,
      promptTokens: null,
      completionTokens: null,
      historyTurnsIncluded: overrides.seq - 1,
      historyTrimmed: false,
    },
    timestamp: '2025-01-01T00:00:00.000Z',
    status: 'complete',
    incompleteReason: null,
    ...overrides,
  };
}

/** Clinician profiles the fake lists. */
export const PROFILE_A: ProfileSummary = {
  profileId: 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa',
  name: 'Dr Ada Example',
  createdAt: '2025-01-01T00:00:00.000Z',
};
export const PROFILE_B: ProfileSummary = {
  profileId: 'bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb',
  name: 'Dr Ben Example',
  createdAt: '2025-01-02T00:00:00.000Z',
};
/** The profile the default `createProfile` answer signs in. */
export const NEW_PROFILE: ProfileSummary = {
  profileId: 'cccccccc-cccc-4ccc-8ccc-cccccccccccc',
  name: 'Dr New',
  createdAt: '2025-01-03T00:00:00.000Z',
};
/** The passphrase the default answers accept. */
export const GOOD_PASSPHRASE = 'correct horse battery staple';
/** Main's answer to a wrong passphrase, in the fake. */
export const WRONG_PASSPHRASE_MESSAGE = 'Wrong passphrase. Wait 2 seconds before trying again.';

/** The state main reports before anyone has signed in. */
export const LOCKED_AT_START: AuthState = { state: 'locked', profileId: null, profileName: null, reason: 'start' };

/** The state main reports once `profile` is signed in. */
export function unlockedAs(profile: ProfileSummary): AuthState {
  return { state: 'unlocked', profileId: profile.profileId, profileName: profile.name, reason: null };
}

/** The state main reports once `profile` (PROFILE_A unless named) is locked for `reason`. */
export function lockedAs(reason: AuthState['reason'], profile: ProfileSummary = PROFILE_A): AuthState {
  return { state: 'locked', profileId: profile.profileId, profileName: profile.name, reason };
}

/** A failed envelope. */
export function failure(code: ErrorCode, message: string): Result<never> {
  return fail(code, message);
}

/** The settings view main gives for the defaults: the secrets reduced to "not set", nothing locked. */
export function defaultSettingsView(): SettingsView {
  const values: Record<string, unknown> = { ...SETTINGS_DEFAULTS, llmApiKeySet: false, recoveryKeyConfigured: false };
  delete values.llmApiKey;
  delete values.recoveryPublicKey;
  return { values: values as SettingsView['values'], lockedByPolicy: [], userSettable: ['theme'] };
}
